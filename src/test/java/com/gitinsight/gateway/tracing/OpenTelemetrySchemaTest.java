package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kong's opentelemetry schema and its header_type -> propagation mapping (propagation.get_plugin_params). */
class OpenTelemetrySchemaTest {

    private static OpenTelemetrySchema.Config parse(String config) throws ConfigException {
        return (OpenTelemetrySchema.Config) new KongConfigParser(PluginRegistry.builtIn())
                .parse("kong.yml", """
                        _format_version: "3.0"
                        plugins:
                          - name: opentelemetry
                            config: %s
                        """.formatted(config))
                .plugins()
                .get(0)
                .config();
    }

    private static String error(String config) {
        return assertThrows(ConfigException.class, () -> parse(config)).getMessage();
    }

    @Test
    void kongsDefaults() throws Exception {
        OpenTelemetrySchema.Config c = parse("{traces_endpoint: 'http://collector:4318/v1/traces'}");
        assertEquals("http://collector:4318/v1/traces", c.tracesEndpoint().toString());
        // Kong's is 200: fewer, larger exports (the gateway's CPU per span, README).
        assertEquals(1000, c.queue().maxBatchSize());
        assertEquals(1000, c.connectTimeoutMs());
        assertEquals(5000, c.sendTimeoutMs());
        assertEquals(5000, c.readTimeoutMs());
        assertNull(c.samplingRate());
        assertNull(c.responseHeaderForTraceId());
        // preserve: read any format, answer in the client's, w3c when it sent none
        assertEquals(
                List.of("b3", "w3c", "jaeger", "ot", "datadog", "aws", "gcp"),
                c.propagation().extract());
        assertEquals(List.of("preserve"), c.propagation().inject());
        assertEquals("w3c", c.propagation().defaultFormat());
    }

    @Test
    void headerTypeMapsAsKongMapsIt() throws Exception {
        OpenTelemetrySchema.Propagation ignore =
                parse("{endpoint: 'http://c/v1/traces', header_type: ignore}").propagation();
        assertEquals(List.of(), ignore.extract());
        assertEquals(List.of("w3c"), ignore.inject());
        OpenTelemetrySchema.Propagation b3 =
                parse("{endpoint: 'http://c/v1/traces', header_type: b3}").propagation();
        assertEquals(List.of("preserve", "b3"), b3.inject());
        OpenTelemetrySchema.Propagation own = parse(
                        "{traces_endpoint: 'http://c/v1/traces', header_type: b3, propagation: {extract: [w3c, ot],"
                                + " inject: [preserve], clear: [ot-tracer-traceid], default_format: w3c}}")
                .propagation();
        assertEquals(List.of("w3c", "ot"), own.extract(), "the propagation record wins over header_type");
        assertEquals(List.of("ot-tracer-traceid"), own.clear());
    }

    // Helper review 229: Kong's default ({default_format = "w3c"}) is the record's, applied only when
    // no record is given; a record given is the file's, and its default_format is required.
    @Test
    void aPropagationRecordGivenNeedsItsDefaultFormatAsKongsSchemaRequiresIt() throws Exception {
        for (String given : List.of(
                "propagation: {extract: [w3c], inject: [w3c]}",
                "propagation: {}",
                "propagation: {inject: [preserve], default_format: null}")) {
            String error = error("{traces_endpoint: 'http://c/v1/traces', " + given + "}");
            assertTrue(
                    error.contains("default_format") && error.contains("required field missing"), given + ": " + error);
        }
        assertEquals(
                "b3",
                parse("{traces_endpoint: 'http://c/v1/traces', propagation: {default_format: b3}}")
                        .propagation()
                        .defaultFormat());
        assertEquals(
                "w3c",
                parse("{traces_endpoint: 'http://c/v1/traces', propagation: null}")
                        .propagation()
                        .defaultFormat(),
                "null is no record: Kong's default");
        String notAMap = error("{traces_endpoint: 'http://c/v1/traces', propagation: w3c}");
        assertFalse(notAMap.contains("default_format"), "only the type's error, as Kong's: " + notAMap);
    }

    @Test
    void everyKongFormatIsAcceptedAndOthersAreRefused() throws Exception {
        for (String format : List.of("w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "gcp", "aws")) {
            assertEquals(
                    List.of("preserve", format),
                    parse("{traces_endpoint: 'http://c/v1/traces', header_type: " + format + "}")
                            .propagation()
                            .inject());
        }
        assertEquals(
                List.of("b3", "w3c", "jaeger", "ot", "datadog", "aws", "gcp"),
                parse("{traces_endpoint: 'http://c/v1/traces'}").propagation().extract(),
                "Kong's extraction order");
        String kong = "expected one of: preserve, ignore, b3, b3-single, w3c, jaeger, ot, aws, gcp, datadog";
        assertTrue(error("{traces_endpoint: 'http://c/v1/traces', header_type: zipkin}")
                .contains(kong));
        // Checked even where propagation decides (Kong's one_of is the field's own).
        assertTrue(error(
                        "{traces_endpoint: 'http://c/v1/traces', header_type: bogus, propagation: {extract: [w3c], default_format: w3c}}")
                .contains(kong));
        assertTrue(error(
                        "{traces_endpoint: 'http://c/v1/traces', propagation: {extract: [b3-single], default_format: w3c}}")
                .contains("expected one of"));
    }

    // Kong's validators run one_of before the length check: an empty format is named as not one of
    // the allowed values, not as too short (helper review 301).
    @Test
    void anEmptyFormatIsNotOneOfTheAllowedOnes() throws Exception {
        String endpoint = "traces_endpoint: 'http://c/v1/traces', ";
        assertTrue(error("{" + endpoint + "header_type: ''}")
                .contains("header_type: expected one of: preserve, ignore, b3, b3-single, w3c, jaeger, ot, aws, gcp,"
                        + " datadog"));
        assertTrue(error("{" + endpoint + "propagation: {default_format: ''}}")
                .contains("default_format: expected one of: w3c, b3, b3-single, jaeger, ot, datadog, gcp, aws"));
        assertTrue(error("{" + endpoint + "propagation: {default_format: w3c, extract: ['']}}")
                .contains("extract: expected one of: w3c, b3, jaeger, ot, datadog, gcp, aws"));
        assertTrue(error("{" + endpoint + "propagation: {default_format: w3c, inject: [w3c, '']}}")
                .contains("inject: expected one of: preserve, w3c, b3, b3-single, jaeger, ot, datadog, gcp, aws"));
        for (String config : new String[] {
            "header_type: ''", "propagation: {default_format: ''}", "propagation: {default_format: w3c, extract: ['']}"
        }) {
            assertTrue(!error("{" + endpoint + config + "}").contains("length must be at least 1"), config);
        }
    }

    @Test
    void anEndpointIsRequiredAndALogsEndpointIsAcceptedAsKongAcceptsIt() throws Exception {
        // Kong's at_least_one_of sits in the config record: the fields named without "config.",
        // the error on the record (helper review 301).
        String neither = error("{header_type: w3c}");
        assertTrue(
                neither.contains("plugins[0].config: at least one of these fields must be non-empty: 'traces_endpoint',"
                        + " 'logs_endpoint'"),
                neither);
        assertEquals(
                "http://c/v1/traces",
                parse("{traces_endpoint: 'http://c/v1/traces', logs_endpoint: 'http://c/v1/logs'}")
                        .tracesEndpoint()
                        .toString());
        assertEquals(null, parse("{logs_endpoint: 'http://c/v1/logs'}").tracesEndpoint(), "nothing traced");
        assertTrue(error("{traces_endpoint: 'http://c/v1/traces', sampling_rate: 2}")
                .contains("sampling_rate"));
    }

    // Helper review 273: Kong's logs_endpoint is typedefs.url; its deprecated endpoint is a
    // shorthand checked at its own name, also beside traces_endpoint (whose value then wins).
    @Test
    void theLogsEndpointAndTheDeprecatedEndpointAreCheckedAsKongsUrls() throws Exception {
        String logs = error("{traces_endpoint: 'http://c/v1/traces', logs_endpoint: not-a-url}");
        assertTrue(logs.contains("logs_endpoint") && logs.contains("missing host in url"), logs);
        String legacy = error("{endpoint: 'http://'}");
        assertTrue(legacy.contains("config.endpoint") && legacy.contains("missing host in url"), legacy);
        assertFalse(legacy.contains("traces_endpoint"), legacy);
        String beside = error("{traces_endpoint: 'http://c/v1/traces', endpoint: 'c/v1/traces'}");
        assertTrue(beside.contains("config.endpoint") && beside.contains("missing host in url"), beside);
        assertEquals(
                "http://new/v1/traces",
                parse("{traces_endpoint: 'http://new/v1/traces', endpoint: 'http://old/v1/traces'}")
                        .tracesEndpoint()
                        .toString(),
                "the field wins over its deprecated shorthand");
        assertEquals(
                "http://old/v1/traces",
                parse("{endpoint: 'http://old/v1/traces'}").tracesEndpoint().toString());
    }

    @Test
    void resourceAttributesAndHeaders() throws Exception {
        OpenTelemetrySchema.Config c = parse("{traces_endpoint: 'http://c/v1/traces', resource_attributes:"
                + " {service.name: kong_oss, os.version: debian}, headers: {X-Access-Token: token},"
                + " batch_span_count: 10, batch_flush_delay: 0}");
        assertEquals(Map.of("service.name", "kong_oss", "os.version", "debian"), c.resourceAttributes());
        assertEquals(Map.of("X-Access-Token", "token"), c.headers());
        assertEquals(10, c.queue().maxBatchSize());
        assertEquals(0, c.queue().maxCoalescingDelayMs());
    }

    // Helper review 98: Kong's batch_flush_delay is an integer; its response header field a plain
    // string (any token is a header name).
    @Test
    void theDeprecatedFlushDelayIsAnIntegerAndAnyTokenNamesTheTraceIdHeader() throws Exception {
        // Helper review 273: any integer loads, as on Kong; the queue gets it within its bounds.
        OpenTelemetrySchema.Config unbounded =
                parse("{traces_endpoint: 'http://c/v1/traces', batch_span_count: 0, batch_flush_delay: 5000}");
        assertEquals(1, unbounded.queue().maxBatchSize());
        assertEquals(3_600_000, unbounded.queue().maxCoalescingDelayMs());
        String fraction = error("{traces_endpoint: 'http://c/v1/traces', batch_flush_delay: 0.5}");
        assertTrue(fraction.contains("batch_flush_delay") && fraction.contains("expected an integer"), fraction);
        assertEquals(
                "X.Trace",
                parse("{traces_endpoint: 'http://c/v1/traces', http_response_header_for_traceid: X.Trace}")
                        .responseHeaderForTraceId());
        assertTrue(error("{traces_endpoint: 'http://c/v1/traces', http_response_header_for_traceid: 'a b'}")
                .contains("bad header name"));
    }

    // Helper review 126: headers' keys are Kong's typedefs.header_name and propagation.clear's
    // elements pass validate_header_name: letters, digits, '_' and '-' only.
    @Test
    void configuredHeaderNamesAreKongsHeaderNames() throws Exception {
        String message = "bad header name 'X.Api.Key', allowed characters are A-Z, a-z, 0-9, '_', and '-'";
        assertTrue(error("{traces_endpoint: 'http://c/v1/traces', headers: {X.Api.Key: t}}")
                .contains(message));
        String clear = error(
                "{traces_endpoint: 'http://c/v1/traces', propagation: {clear: ['x.trace'], default_format: w3c}}");
        assertTrue(
                clear.contains("bad header name 'x.trace', allowed characters are A-Z, a-z, 0-9, '_', and '-'"), clear);
        assertEquals(
                List.of("x_trace-1"),
                parse("{traces_endpoint: 'http://c/v1/traces', propagation: {clear: [x_trace-1], default_format: w3c}}")
                        .propagation()
                        .clear());
    }

    @Test
    void anUpperCaseSchemeAndUserInfoAreMadeWhatTheSdkTakes() throws Exception {
        OpenTelemetrySchema.Config c =
                parse("{traces_endpoint: 'HTTPS://user:pw@collector.example:4318/v1/traces?token=t'}");
        assertEquals(
                "https://collector.example:4318/v1/traces?token=t",
                c.tracesEndpoint().toString());
        assertEquals("Basic dXNlcjpwdw==", c.headers().get("Authorization"));
        assertEquals("https://collector.example:4318", c.destination());
        assertTrue(!c.toString().contains("token=t") && !c.toString().contains("pw"));
    }

    @Test
    void aCollectorNamedWithAnUnderscoreIsAcceptedAsKongAcceptsIt() throws Exception {
        // A Compose service's name: java.net.URI reads no host in it, Kong's url check does.
        OpenTelemetrySchema.Config c = parse("{traces_endpoint: 'http://u:pw@otel_collector:4318/v1/traces'}");
        assertEquals("http://otel_collector:4318/v1/traces", c.tracesEndpoint().toString());
        assertEquals("http://otel_collector:4318", c.destination());
        assertEquals("Basic dTpwdw==", c.headers().get("Authorization"));
        assertEquals(
                "http://otel_collector/v1/traces",
                parse("{traces_endpoint: 'http://otel_collector/v1/traces'}")
                        .tracesEndpoint()
                        .toString());
    }

    @Test
    void aPortAbove65535IsRefusedAndAConfiguredAuthorizationIsNotSentTwice() throws Exception {
        assertTrue(
                error("{traces_endpoint: 'http://collector:70000/v1/traces'}").contains("traces_endpoint"));
        OpenTelemetrySchema.Config c =
                parse("{traces_endpoint: 'http://u:pw@collector:4318/v1/traces', headers: {authorization: Bearer t}}");
        assertEquals(Map.of("authorization", "Bearer t"), c.headers(), "the configured one, in any spelling");
    }

    @Test
    void theEndpointIsCheckedAsKongsUrlCheckDoesHostFirstThenScheme() {
        assertTrue(error("{traces_endpoint: 'collector.test/v1/traces'}").contains("missing host in url"));
        assertTrue(error("{traces_endpoint: 'http://'}").contains("missing host in url"));
        assertTrue(error("{traces_endpoint: '//collector.test/v1/traces'}").contains("missing scheme in url"));
        assertTrue(error("{traces_endpoint: 'ftp://collector.test/v1/traces'}")
                .contains("the scheme must be http or https"));
    }
}
