package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.RequestTrace;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The trace context a backend gets and the request's span, for each of Kong's formats, as Kong's
 * propagation module reads and writes them (spec/03-plugins/37-opentelemetry/03-propagation_spec.lua
 * and the extractors' and injectors' code): ids kept in the size they came in, parents, sampling.
 */
class PropagationTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String TRACE64 = "8448eb211c80319c";
    private static final String SPAN = "b7ad6b7169203331";
    private static final String PARENT = "00f067aa0ba902b7";

    private Tracers tracers = new Tracers(1.0);

    @AfterEach
    void stop() {
        tracers.stop();
    }

    /** What one traced request did: the headers its try sent, the spans, the log's trace ids. */
    private record Traced(Map<String, String> sent, RequestSpan root, String balancerId, RequestContext context) {
        String rootId() {
            return root.getSpanContext().getSpanId();
        }

        String traceId() {
            return root.getSpanContext().getTraceId();
        }

        /** The request span's parent (a span not sampled is not recorded: none to read). */
        String parentOfRoot() {
            return root.ended() != null && root.getParentSpanContext().isValid()
                    ? root.getParentSpanContext().getSpanId()
                    : null;
        }
    }

    /** False: a plugin of higher priority answered before opentelemetry's access phase. */
    private boolean reachesTracingAccess = true;

    private Traced traced(String config, String... headers) throws Exception {
        return traced(config, "/things?a=1", c -> {}, headers);
    }

    /** One route on / and a global opentelemetry instance with {@code config} (a YAML flow mapping). */
    private static GatewaySnapshot withTracing(String config) {
        return TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://backend.internal:8081
                    routes:
                      - name: r
                        paths: [/]
                plugins:
                  - name: opentelemetry
                    config: %s
                """.formatted(config));
    }

    private Traced traced(
            String config, String path, java.util.function.Consumer<RequestContext> plugins, String... headers)
            throws Exception {
        GatewaySnapshot snapshot = withTracing(config);
        OpenTelemetrySchema.Config c =
                (OpenTelemetrySchema.Config) snapshot.config().plugins().get(0).config();
        FakeHttp.Request request = FakeHttp.Request.get(path, headers).on(snapshot, TestSnapshots.match(snapshot, "r"));
        RequestContext context = request.context();
        TracingFilter filter = new TracingFilter();
        filter.tracers = tracers;
        Map<String, String> sent = new HashMap<>();
        String[] balancer = new String[1];
        filter.apply(c, context, request.request, new FakeHttp.Response().response, (req, res) -> {
            plugins.accept(context); // what an auth plugin marks, before the backend is tried
            if (reachesTracingAccess) {
                context.trace().accessReached(); // TraceAccessFilter, at opentelemetry's priority
            }
            RequestTrace.Try t = context.trace().upstreamTry("10.0.0.1", "10.0.0.1", 8080, 1);
            t.propagate(sent::put);
            t.answered(200);
        });
        OtelRequestTrace trace = (OtelRequestTrace) context.trace();
        // The balancer span's id is the one the backend was told.
        for (Map.Entry<String, String> e : sent.entrySet()) {
            if (e.getKey().equals("traceparent")) {
                balancer[0] = e.getValue().substring(36, 52);
            }
        }
        return new Traced(sent, trace.root(), balancer[0], context);
    }

    /** Nothing listens there: the spans are looked at here, not exported (one try, no retries). */
    private static final String ENDPOINT =
            "traces_endpoint: 'http://127.0.0.1:9/v1/traces', queue: {max_retry_time: 0}";

    private Traced trace(String headerType, String[] headers) throws Exception {
        return traced("{" + ENDPOINT + ", header_type: " + headerType + "}", headers);
    }

    private static String[] h(String... headers) {
        return headers;
    }

    /** Kong without the balancer instrumentation injects the request span, its parent the client's span. */
    @Test
    void withoutBalancerSpansTheBackendGetsTheRequestSpansContext() throws Exception {
        tracers.stop();
        tracers = new Tracers(1.0, Instrumentations.parse("request"));
        Traced b3 = trace("preserve", h("X-B3-TraceId", TRACE, "X-B3-SpanId", SPAN, "X-B3-Sampled", "1"));
        assertEquals(b3.rootId(), b3.sent().get("x-b3-spanid"));
        assertEquals(SPAN, b3.sent().get("x-b3-parentspanid"));
        Traced fresh = trace("b3", h());
        assertEquals(fresh.rootId(), fresh.sent().get("x-b3-spanid"));
        assertFalse(fresh.sent().containsKey("x-b3-parentspanid"), "Kong writes no parent when there is none");
        Traced single = trace("b3-single", h());
        assertEquals(
                single.traceId() + "-" + single.rootId() + "-1", single.sent().get("b3"));
        Traced jaeger = trace("jaeger", h());
        assertEquals(
                jaeger.traceId() + ":" + jaeger.rootId() + ":0:01",
                jaeger.sent().get("uber-trace-id"));
        Traced w3c = trace("w3c", h("traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
        assertEquals("00-" + TRACE + "-" + w3c.rootId() + "-01", w3c.sent().get("traceparent"));
        assertEquals(SPAN, w3c.parentOfRoot());
        Traced jaegerParent = trace("jaeger", h("uber-trace-id", TRACE + ":" + SPAN + ":0:1"));
        assertEquals(
                TRACE + ":" + jaegerParent.rootId() + ":" + SPAN + ":01",
                jaegerParent.sent().get("uber-trace-id"));
        // A span in an all-zero trace is no parent: the request span starts a new trace, and the
        // backend is told no parent from elsewhere.
        Traced zero = trace("b3", h("X-B3-TraceId", "0000000000000000", "X-B3-SpanId", SPAN, "X-B3-Sampled", "1"));
        assertNull(zero.parentOfRoot());
        assertFalse(zero.sent().containsKey("x-b3-parentspanid"), zero.sent().toString());
        assertEquals(zero.rootId(), zero.sent().get("x-b3-spanid"));
    }

    /** Kong's tracing_instrumentations=off: the context still passes on, not sampled; nothing is recorded. */
    @Test
    void offPassesTheContextOnAndRecordsNothing() throws Exception {
        tracers.stop();
        tracers = new Tracers(1.0, Instrumentations.parse("off"));
        Traced t = trace("w3c", h("traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
        assertFalse(t.root().isRecording());
        assertEquals(TRACE, t.traceId(), "the client's trace goes on");
        assertEquals("00-" + TRACE + "-" + t.rootId() + "-00", t.sent().get("traceparent"));
        Traced fresh = trace("w3c", h());
        assertFalse(fresh.root().isRecording());
        assertTrue(fresh.sent().get("traceparent").endsWith("-00"));
    }

    @Test
    void b3MultiHeadersKeepTheTraceAndNameTheRequestSpanAsParent() throws Exception {
        Traced t = trace("preserve", h("X-B3-TraceId", TRACE, "X-B3-SpanId", SPAN, "X-B3-Sampled", "1"));
        assertEquals(TRACE, t.traceId());
        assertEquals(SPAN, t.parentOfRoot(), "the client's span is the request span's parent");
        assertEquals(TRACE, t.sent().get("x-b3-traceid"));
        assertEquals(t.rootId(), t.sent().get("x-b3-parentspanid"), "Kong: the balancer span's parent");
        assertTrue(t.sent().get("x-b3-spanid").matches("[0-9a-f]{16}"));
        assertFalse(t.sent().get("x-b3-spanid").equals(t.rootId()));
        assertEquals("1", t.sent().get("x-b3-sampled"));
        assertEquals(Map.of("b3", TRACE), t.context().trace().traceIds());
    }

    @Test
    void a64BitB3TraceIdSentAloneStartsTheRequestSpanInThatTraceWithNoParent() throws Exception {
        // spec/02-integration/14-tracing/04-trace-ids-log_spec.lua: only X-B3-TraceId is sent.
        Traced t = trace("preserve", h("X-B3-TraceId", TRACE64));
        assertEquals("0000000000000000" + TRACE64, t.traceId());
        assertNull(t.parentOfRoot());
        assertEquals(TRACE64, t.sent().get("x-b3-traceid"), "b3 keeps the size it came in");
        assertEquals(Map.of("b3", TRACE64), t.context().trace().traceIds());
    }

    @Test
    void b3SingleHeaderIsAnsweredInTheSingleHeaderWithItsParentPart() throws Exception {
        Traced t = trace("preserve", h("b3", TRACE + "-" + SPAN + "-1-" + PARENT));
        assertEquals(TRACE, t.traceId());
        assertEquals(SPAN, t.parentOfRoot());
        String b3 = t.sent().get("b3");
        assertTrue(b3.matches(TRACE + "-[0-9a-f]{16}-1-" + t.rootId()), b3);
        assertNull(t.sent().get("x-b3-traceid"));
        Traced debug = trace("b3-single", h("b3", "d"));
        assertTrue(
                debug.sent().get("b3").matches("[0-9a-f]{32}-[0-9a-f]{16}-d-[0-9a-f]{16}"),
                debug.sent().get("b3"));
    }

    @Test
    void jaegerIsWrittenWithItsParentAndTwoDigitFlags() throws Exception {
        Traced t = trace("preserve", h("uber-trace-id", TRACE + ":" + SPAN + ":0:1"));
        assertEquals(TRACE, t.traceId());
        assertEquals(SPAN, t.parentOfRoot());
        assertTrue(
                t.sent().get("uber-trace-id").matches(TRACE + ":[0-9a-f]{16}:" + t.rootId() + ":01"),
                t.sent().get("uber-trace-id"));
        Traced unsampled = trace("jaeger", h("uber-trace-id", TRACE + ":" + SPAN + ":0:0"));
        assertTrue(unsampled.sent().get("uber-trace-id").endsWith(":00"));
        assertFalse(unsampled.root().getSpanContext().isSampled());
    }

    @Test
    void otKeepsA128BitTraceIdAndWrites64BitsOfANewOne() throws Exception {
        Traced t = trace("preserve", h("ot-tracer-traceid", TRACE, "ot-tracer-spanid", SPAN, "ot-tracer-sampled", "1"));
        assertEquals(TRACE, t.sent().get("ot-tracer-traceid"));
        assertEquals(Map.of("ot", TRACE), t.context().trace().traceIds());
        Traced fresh = trace("ot", h());
        assertEquals(fresh.traceId().substring(16), fresh.sent().get("ot-tracer-traceid"));
        assertEquals("1", fresh.sent().get("ot-tracer-sampled"));
    }

    @Test
    void datadogIdsAreDecimal() throws Exception {
        Traced t = trace(
                "preserve",
                h(
                        "x-datadog-trace-id",
                        "12345678901234567890",
                        "x-datadog-parent-id",
                        "987654321",
                        "x-datadog-sampling-priority",
                        "1"));
        assertEquals(
                "0000000000000000" + Long.toHexString(Long.parseUnsignedLong("12345678901234567890")), t.traceId());
        assertEquals(String.format("%016x", 987654321L), t.parentOfRoot());
        assertEquals("12345678901234567890", t.sent().get("x-datadog-trace-id"));
        assertTrue(t.sent().get("x-datadog-parent-id").matches("[0-9]+"));
        assertEquals("1", t.sent().get("x-datadog-sampling-priority"));
        assertEquals(
                Map.of("datadog", "12345678901234567890"), t.context().trace().traceIds());
    }

    @Test
    void gcpCarriesTheSpanIdInDecimal() throws Exception {
        Traced t = trace("preserve", h("x-cloud-trace-context", TRACE + "/13102180;o=1"));
        assertEquals(TRACE, t.traceId());
        assertEquals(String.format("%016x", 13102180L), t.parentOfRoot());
        assertTrue(t.sent().get("x-cloud-trace-context").matches(TRACE + "/[0-9]+;o=1"));
        assertNull(
                trace("preserve", h("x-cloud-trace-context", TRACE.toUpperCase() + "/1;o=1"))
                        .parentOfRoot(),
                "gcp's trace id is lower-case hex");
    }

    @Test
    void aClientsNotSampledIsHonouredEvenWithoutIds() throws Exception {
        Traced t = trace("preserve", h("X-B3-Sampled", "0"));
        assertFalse(t.root().getSpanContext().isSampled());
        assertEquals("0", t.sent().get("x-b3-sampled"));
        Traced single = trace("preserve", h("b3", "0"));
        assertFalse(single.root().getSpanContext().isSampled());
        assertTrue(single.sent().get("b3").matches("[0-9a-f]{32}-[0-9a-f]{16}-0-[0-9a-f]{16}"));
    }

    @Test
    void w3cIsReadInAnyCaseAndOnlyInVersion00() throws Exception {
        Traced upper = trace("preserve", h("traceparent", "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01"));
        assertEquals(TRACE, upper.traceId());
        assertEquals(SPAN, upper.parentOfRoot());
        assertTrue(upper.sent().get("traceparent").matches("00-" + TRACE + "-[0-9a-f]{16}-01"));
        Traced future = trace("preserve", h("traceparent", "01-" + TRACE + "-" + SPAN + "-01"));
        assertFalse(future.traceId().equals(TRACE), "Kong reads version 00 only");
    }

    // Helper review 259: Kong's extractors skip a repeated header (get_headers() gives a table):
    // two traceparents start a new trace there; here the first was continued.
    @Test
    void aRepeatedTraceHeaderIsNone() throws Exception {
        Traced twice = trace(
                "preserve",
                h(
                        "traceparent",
                        "00-" + TRACE + "-" + SPAN + "-01",
                        "traceparent",
                        "00-" + TRACE + "-" + SPAN + "-01"));
        assertFalse(twice.traceId().equals(TRACE), "a new trace, as Kong's");
        Traced b3 = trace("preserve", h("b3", TRACE + "-" + SPAN + "-1", "b3", TRACE + "-" + SPAN + "-1"));
        assertFalse(b3.traceId().equals(TRACE));
    }

    // Helper review 301: Kong's b3 and ot readers take the table a repeated header is and find no id
    // of the right size in it: the header is there (the format is the one read, answered in it) and
    // every id of the format is then ignored, the valid ones beside it too.
    @Test
    void aRepeatedB3HeaderIsPresentAndInvalidAsKongReadsIt() throws Exception {
        Traced spanTwice = trace(
                "preserve", h("X-B3-TraceId", TRACE, "X-B3-SpanId", SPAN, "X-B3-SpanId", SPAN, "X-B3-Sampled", "1"));
        assertFalse(spanTwice.traceId().equals(TRACE), "a new trace, not the client's without a parent");
        assertNull(spanTwice.parentOfRoot());
        assertEquals(spanTwice.traceId(), spanTwice.sent().get("x-b3-traceid"), "answered in b3");
        Traced hidesW3c = trace(
                "preserve",
                h("X-B3-TraceId", TRACE64, "X-B3-TraceId", TRACE64, "traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
        assertFalse(hidesW3c.traceId().equals(TRACE), "b3 is first in preserve's order and present");
        assertTrue(hidesW3c.sent().containsKey("x-b3-traceid"));
        assertFalse(hidesW3c.sent().containsKey("traceparent"));
        // A repeated single header is no single header, and tracestate's b3 entry is not read behind it.
        Traced single = trace("preserve", h("b3", "0", "b3", "0", "tracestate", "b3=" + TRACE + "-" + SPAN + "-1"));
        assertFalse(single.traceId().equals(TRACE));
        assertTrue(single.sent().containsKey("x-b3-traceid"), "answered in b3's multi headers");
        assertFalse(single.sent().containsKey("b3"));
        // A repeated x-b3-sampled says nothing: the rate decides (1 here).
        Traced sampled = trace(
                "preserve", h("X-B3-TraceId", TRACE, "X-B3-SpanId", SPAN, "X-B3-Sampled", "0", "X-B3-Sampled", "0"));
        assertEquals(TRACE, sampled.traceId());
        assertTrue(sampled.root().getSpanContext().isSampled());
    }

    // Helper review 303: Kong's ot and jaeger injectors write the baggage the extracted context
    // holds, unescaped when read (ngx.unescape_uri) and escaped again when written (ngx.escape_uri).
    @Test
    void baggageIsCarriedFromOtOrJaegerIntoTheFormatsThatWriteIt() throws Exception {
        Traced toJaeger = traced(
                "{" + ENDPOINT + ", propagation: {extract: [ot], inject: [jaeger], default_format: w3c}}",
                h(
                        "ot-tracer-traceid", TRACE,
                        "ot-tracer-spanid", SPAN,
                        "ot-tracer-sampled", "1",
                        "OT-Baggage-User-Name", "ann+lee%21",
                        "ot-baggage-twice", "a",
                        "ot-baggage-twice", "b"));
        assertEquals(TRACE, toJaeger.traceId());
        assertEquals(
                "ann%20lee!",
                toJaeger.sent().get("uberctx-user-name"), toJaeger.sent().toString());
        assertFalse(toJaeger.sent().containsKey("uberctx-twice"), "a repeated one is not read");
        Traced preserved = trace(
                "preserve",
                h("uber-trace-id", TRACE + ":" + SPAN + ":0:1", "uberctx-team", "a/b c", "ot-baggage-x", "y"));
        assertEquals("a%2Fb%20c", preserved.sent().get("uberctx-team"), "re-escaped in its own format");
        assertFalse(preserved.sent().containsKey("ot-baggage-x"), "jaeger was read: ot's baggage is not");
        Traced w3c = traced(
                "{" + ENDPOINT + ", propagation: {extract: [jaeger], inject: [w3c], default_format: w3c}}",
                h("uber-trace-id", TRACE + ":" + SPAN + ":0:1", "uberctx-team", "a"));
        assertEquals(1, w3c.sent().size(), "w3c writes no baggage: " + w3c.sent());
    }

    // Attacker review 304: Kong reads baggage after the plugins before it; what they set or removed
    // under the read format's prefix is what is carried, and a name nginx would not pass is not read.
    @Test
    void baggageIsReadAsThePluginsLeftIt() throws Exception {
        Traced t = traced(
                "{" + ENDPOINT + ", header_type: preserve}",
                "/things",
                context -> {
                    context.upstreamHeader("uberctx-tenant", "acme");
                    context.upstreamHeader("uberctx-gone", null);
                    context.upstreamHeader("uberctx-new", "a b");
                    context.upstreamHeader("uberctx_spelled", "plugin's");
                    context.upstreamHeader("uberctx-lines", "a" + RequestContext.LINES + "b");
                },
                "uber-trace-id",
                TRACE + ":" + SPAN + ":0:1",
                "uberctx-tenant",
                "evil",
                "uberctx-gone",
                "x",
                "uberctx-spelled",
                "client's",
                "uberctx-lines",
                "client's",
                "uberctx-a.b",
                "dot",
                "uberctx-a_b",
                "underscore",
                "uberctx-kept",
                "c");
        Map<String, String> sent = t.sent();
        assertEquals("acme", sent.get("uberctx-tenant"), sent.toString());
        assertFalse(sent.containsKey("uberctx-gone"));
        assertEquals("a%20b", sent.get("uberctx-new"));
        assertFalse(sent.containsKey("uberctx-spelled"), "the plugin's own spelling goes as it set it");
        assertFalse(sent.containsKey("uberctx-lines"), "several lines are not read, as a repeated header");
        assertFalse(sent.containsKey("uberctx-a.b"));
        assertFalse(sent.containsKey("uberctx-a_b"));
        assertFalse(sent.containsKey("uberctx-a-b"));
        assertEquals("c", sent.get("uberctx-kept"));
    }

    @Test
    void aRepeatedOtOrDatadogHeaderIsReadAsKongReadsIt() throws Exception {
        String other = "11111111111111112222222222222222";
        String otThenJaeger =
                "{" + ENDPOINT + ", propagation: {extract: [ot, jaeger], inject: [preserve], default_format: w3c}}";
        // ot: a repeated span id makes the ids invalid; with no flag the context is empty, jaeger is read.
        Traced ot = traced(
                otThenJaeger,
                h(
                        "ot-tracer-traceid", other,
                        "ot-tracer-spanid", SPAN,
                        "ot-tracer-spanid", SPAN,
                        "uber-trace-id", TRACE + ":" + SPAN + ":0:1"));
        assertEquals(TRACE, ot.traceId(), "not ot's trace without a parent");
        assertTrue(ot.sent().containsKey("uber-trace-id"));
        // ... unless it carries baggage: Kong's context holds it, is not empty, and ot answers.
        Traced baggage = traced(
                otThenJaeger,
                h(
                        "ot-tracer-traceid", "xx",
                        "OT-Baggage-User", "a",
                        "uber-trace-id", TRACE + ":" + SPAN + ":0:1"));
        assertFalse(baggage.traceId().equals(TRACE));
        assertTrue(baggage.sent().containsKey("ot-tracer-traceid"));
        assertFalse(baggage.sent().containsKey("uber-trace-id"));
        // datadog: a repeated priority is no priority word: Kong ignores the whole context.
        Traced datadog = trace(
                "preserve",
                h(
                        "x-datadog-sampling-priority", "1",
                        "x-datadog-sampling-priority", "1",
                        "x-datadog-trace-id", "123",
                        "x-datadog-parent-id", "456",
                        "x-cloud-trace-context", TRACE + "/13102180;o=1"));
        assertEquals(TRACE, datadog.traceId());
        assertTrue(datadog.sent().containsKey("x-cloud-trace-context"));
    }

    @Test
    void aFormatSetsOnlyTheHeadersItWrites() throws Exception {
        // Kong's injectors set their own headers and remove none (helper review 186): the client's
        // x-b3-* stay beside an injected b3.
        Traced t = traced(
                "{" + ENDPOINT + ", propagation: {extract: [b3], inject: [b3-single], default_format: w3c}}",
                "X-B3-TraceId",
                TRACE,
                "X-B3-SpanId",
                SPAN,
                "X-B3-Sampled",
                "1");
        assertTrue(t.sent().get("b3").startsWith(TRACE + "-"), t.sent().toString());
        assertFalse(t.context().upstreamHeaders().containsKey("x-b3-traceid"), "not removed");
        assertFalse(t.context().upstreamHeaders().containsKey("x-b3-spanid"), "not removed");
        // What a format writes replaces the client's in every spelling (helper review 192: a
        // CGI/WSGI backend reads X_B3_TraceId as X-B3-TraceId).
        Traced b3 = traced(
                "{" + ENDPOINT + ", propagation: {extract: [w3c], inject: [b3], default_format: w3c}}",
                "X_B3_TraceId",
                TRACE);
        assertTrue(b3.context().upstreamHeaders().containsKey("x-b3-traceid"), "the client's replaced");
        assertNull(b3.context().upstreamHeaders().get("x-b3-traceid"));
        assertTrue(b3.sent().containsKey("x-b3-traceid"), "the gateway's sent at the try");
    }

    @Test
    void aW3cClientsTracestateIsNotTakenForB3() throws Exception {
        Traced t = trace("preserve", h("traceparent", "00-" + TRACE + "-" + SPAN + "-01", "tracestate", "vendor=x"));
        assertEquals(TRACE, t.traceId());
        assertTrue(t.sent().containsKey("traceparent"));
        assertNull(t.sent().get("x-b3-traceid"));
    }

    @Test
    void theFirstFormatPresentIsTheOneReadEvenWithInvalidIds() throws Exception {
        // Kong's b3 extractor answers for any b3 header; its invalid ids start a new trace.
        Traced t = trace("preserve", h("X-B3-TraceId", "not-hex", "traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
        assertFalse(t.traceId().equals(TRACE));
        assertTrue(t.sent().containsKey("x-b3-traceid"), "preserve answers in b3");
        // A traceparent that does not parse is passed over.
        Traced next = trace("preserve", h("traceparent", "garbage", "uber-trace-id", TRACE + ":" + SPAN + ":0:1"));
        assertEquals(TRACE, next.traceId());
    }

    @Test
    void aRequestAnsweredBeforeTheTracingPluginsAccessPhaseLogsNoTraceId() throws Exception {
        // Kong's trace_id comes from propagation in opentelemetry's access handler (priority 14): an
        // auth refusal or a cache hit answered first.
        reachesTracingAccess = false;
        Traced t = traced("{" + ENDPOINT + "}", h("traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
        assertEquals(Map.of(), t.context().trace().traceIds());
        // Helper review 98: nor does its span join the client's trace (Kong's root span keeps its own
        // id when propagation never ran); the access log names the span's own trace.
        assertNotEquals(TRACE, t.context().trace().traceId());
        assertFalse(t.root().getSpanContext().getTraceId().equals(TRACE));
        assertFalse(t.root().getParentSpanContext().isValid());
    }

    @Test
    void phasesBeforeTheAccessPhaseAreChildrenOfTheSpanInTheClientsTrace() throws Exception {
        // jwt runs before opentelemetry's access phase (1450 > 14): its span is timed then and made a
        // child of the request's span once that starts in the client's trace.
        Traced t = traced(
                "{" + ENDPOINT + "}",
                "/things",
                c -> c.trace().phase("kong.access.plugin.jwt").close(),
                h("traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
        assertEquals(TRACE, t.traceId());
        assertEquals(SPAN, t.root().getParentSpanContext().getSpanId());
    }

    @Test
    void everyInjectedFormatIsLoggedByItsName() throws Exception {
        Traced t = traced(
                "{" + ENDPOINT
                        + ", propagation: {extract: [w3c], inject: [w3c, b3-single, jaeger, ot, datadog, gcp, aws],"
                        + " default_format: w3c}}",
                h("traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
        Map<String, String> ids = t.context().trace().traceIds();
        assertEquals(TRACE, ids.get("w3c"));
        assertEquals(TRACE, ids.get("b3"));
        assertEquals(TRACE, ids.get("jaeger"));
        assertEquals(TRACE, ids.get("ot"), "a 128-bit id that came in stays 128 bits");
        assertEquals(Long.toUnsignedString(Long.parseUnsignedLong(TRACE64, 16)), ids.get("datadog"));
        assertEquals(TRACE, ids.get("gcp"));
        assertTrue(
                t.sent()
                        .get("x-amzn-trace-id")
                        .matches("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=[0-9a-f]{16};Sampled=1"),
                t.sent().toString());
        assertEquals(TRACE, ids.get("aws"));
    }

    @Test
    void awsIsReadAsKongReadsIt() throws Exception {
        // Kong's spec: blanks around keys and values; a missing Sampled is no decision; Root alone is a trace.
        Traced spaced = trace(
                "preserve",
                h(
                        "x-amzn-trace-id",
                        "  Root =   1-0af76519-16cd43dd8448eb211c80319c  ;  Parent= " + SPAN + ";  Sampled   =1"));
        assertEquals(TRACE, spaced.traceId());
        assertEquals(SPAN, spaced.parentOfRoot());
        assertTrue(spaced.sent().get("x-amzn-trace-id").startsWith("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent="));
        Traced undecided =
                trace("aws", h("x-amzn-trace-id", "Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=" + SPAN));
        assertTrue(undecided.root().getSpanContext().isSampled(), "no Sampled: the rate decides (1 here)");
        Traced rootOnly = trace("aws", h("x-amzn-trace-id", "Root=1-0AF76519-16CD43DD8448EB211C80319C"));
        assertEquals(TRACE, rootOnly.traceId());
        assertNull(rootOnly.parentOfRoot());
        Traced bad = trace("aws", h("x-amzn-trace-id", "Root=2-0af76519-16cd43dd8448eb211c80319c"));
        assertFalse(bad.traceId().equals(TRACE));
        // A Parent without a Root: Kong's context holds the span alone, and its handler makes it the
        // request span's parent, in a new trace (helper review 301).
        // A Parent of 16 characters not all hex: Kong keeps the trace, its from_hex reading the parent.
        Traced notHex = trace(
                "preserve", h("x-amzn-trace-id", "Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=zzzzzzzzzzzzzzzz"));
        assertEquals(TRACE, notHex.traceId());
        assertEquals("7a7a7a7a7a7a7a7a", notHex.parentOfRoot());
        assertTrue(notHex.sent().containsKey("x-amzn-trace-id"), "answered in aws");
        assertEquals("00000000000000ab", TraceFormats.kongSpanBytes("ab"));
        assertEquals("ab7a7a7a7a7a7a01", TraceFormats.kongSpanBytes("abzzzzzz01"), "hex pairs their byte");
        assertEquals(
                "7a7a7a7a7a7a7a61",
                TraceFormats.kongSpanBytes("z".repeat(12) + "a"),
                "odd: a 0 in front; a hex digit not in a pair is its character");
        Traced parentOnly = trace("preserve", h("x-amzn-trace-id", "Parent=" + SPAN + ";Sampled=1"));
        assertEquals(SPAN, parentOnly.parentOfRoot());
        assertTrue(parentOnly
                .sent()
                .get("x-amzn-trace-id")
                .startsWith("Root=1-" + parentOnly.traceId().substring(0, 8)));
    }

    private static String parentOfRootOrNull(Traced t) {
        return t.root().getParentSpanContext().isValid()
                ? t.root().getParentSpanContext().getSpanId()
                : null;
    }

    @Test
    void anOtOrDatadogHeaderThatYieldsNothingLetsTheNextFormatBeRead() throws Exception {
        // Kong moves on when an extractor's context is empty (no id, no sampling flag).
        Traced ot = traced(
                "{" + ENDPOINT + ", propagation: {extract: [ot, jaeger], inject: [preserve], default_format: w3c}}",
                h("ot-tracer-traceid", "xx", "uber-trace-id", TRACE + ":" + SPAN + ":0:1"));
        assertEquals(TRACE, ot.traceId());
        assertTrue(ot.sent().containsKey("uber-trace-id"));
        Traced datadog =
                trace("preserve", h("x-datadog-parent-id", "123", "x-cloud-trace-context", TRACE + "/13102180;o=1"));
        assertEquals(TRACE, datadog.traceId());
        assertTrue(datadog.sent().containsKey("x-cloud-trace-context"));
    }

    @Test
    void b3SingleHeaderEdgesAsKongsPatternReadsThem() throws Exception {
        // A parent without the sampling state whose first digit is 0: Kong takes the 0 for the state.
        Traced invalid = trace("preserve", h("b3", TRACE + "-" + SPAN + "-05e3ac9a4f6e3b90"));
        assertFalse(invalid.traceId().equals(TRACE));
        // The dash before the parent may be left out.
        Traced joined = trace("preserve", h("b3", TRACE + "-" + SPAN + "-1" + PARENT));
        assertEquals(TRACE, joined.traceId());
        // The single header may come in a tracestate entry, in any of the header's values.
        Traced state = trace("preserve", h("tracestate", "test", "tracestate", "b3=" + TRACE + "-" + SPAN + "-1"));
        assertEquals(TRACE, state.traceId());
        // x-b3-flags is passed on in place of x-b3-sampled.
        Traced flagged = trace("b3", h("X-B3-TraceId", TRACE, "X-B3-SpanId", SPAN, "X-B3-Flags", "1"));
        assertEquals("1", flagged.sent().get("x-b3-flags"));
        assertNull(flagged.sent().get("x-b3-sampled"));
    }

    // The request's span is made by the gateway, not the SDK's tracer (issue 22): its attributes are
    // cut at the SDK's limit as the SDK's spans cut theirs (a client chooses the host and the URL).
    @Test
    void theRequestSpansAttributesAreCutAtTheSdksLimit() throws Exception {
        String host = "h".repeat(3000) + ".example.com";
        Traced t = traced("{" + ENDPOINT + "}", "/things/" + "a".repeat(3000), c -> {}, h("Host", host));
        EndedSpan span = t.root().ended();
        assertEquals(
                host.substring(0, Tracing.MAX_ATTRIBUTE_LENGTH),
                span.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("http.host")));
        String url = span.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("http.url"));
        assertEquals(Tracing.MAX_ATTRIBUTE_LENGTH, url.length());
        assertTrue(url.startsWith("http://hhh"), url);
        assertEquals(200L, span.getAttribute(io.opentelemetry.api.common.AttributeKey.longKey("http.status_code")));
        assertEquals(io.opentelemetry.api.trace.SpanKind.SERVER, span.getKind());
        assertEquals("kong", span.getName());
        assertFalse(t.root().isRecording(), "ended");
    }

    // Helper review 270: Kong's request span starts at KONG_PROCESSING_START, the request's arrival
    // in milliseconds (the log record's started_at), before routing and its kong.router child.
    @Test
    void theRequestSpanStartsWhenTheRequestArrivedAsKongStampsIt() throws Exception {
        Traced t = traced("{" + ENDPOINT + "}", "/things", c -> {});
        EndedSpan span = t.root().ended();
        assertEquals(t.context().startedMillis() * 1_000_000L, span.getStartEpochNanos());
        assertTrue(span.getEndEpochNanos() >= span.getStartEpochNanos());
    }

    @Test
    void theRequestSpansUrlCarriesNoCredential() throws Exception {
        Traced t = traced(
                "{" + ENDPOINT + "}",
                "/things?jwt=secret-token&a=1",
                c -> c.credentialNames(java.util.List.of("jwt"), java.util.List.of()));
        String url = t.root().ended().getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("http.url"));
        assertEquals("http://localhost/things?jwt=REDACTED&a=1", url);
        // nginx's $host is lower-case, whatever the client wrote.
        Traced upper = traced("{" + ENDPOINT + "}", "/things", c -> {}, h("Host", "API.Example.COM"));
        EndedSpan span = upper.root().ended();
        assertEquals(
                "api.example.com", span.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("http.host")));
        assertEquals(
                "http://api.example.com/things",
                span.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("http.url")));
        // Helper review 274: and without the trailing dot nginx drops.
        EndedSpan dotted = traced("{" + ENDPOINT + "}", "/things", c -> {}, h("Host", "Status."))
                .root()
                .ended();
        assertEquals("status", dotted.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("http.host")));
        assertEquals(
                "http://status/things",
                dotted.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("http.url")));
    }

    // Helper review 274: nginx refuses an oversized head before Kong's rewrite phase starts the
    // request's span: Kong's error page exports nothing.
    @Test
    void aRequestWhoseHeadIsRefusedIsNotTraced() throws Exception {
        GatewaySnapshot snapshot = withTracing("{" + ENDPOINT + "}");
        TracingFilter filter = new TracingFilter();
        filter.tracers = tracers;
        for (boolean routed : new boolean[] {true, false}) {
            FakeHttp.Request request =
                    FakeHttp.Request.get("/things").on(snapshot, routed ? TestSnapshots.match(snapshot, "r") : null);
            assertNotNull(filter.config(request.context().headRefusal(0)), "a head not refused is traced");
            for (int status : new int[] {414, 400}) {
                assertNull(filter.config(request.context().headRefusal(status)), status + ", routed " + routed);
            }
        }
    }

    @Test
    void everyHeaderAFormatIsReadFromIsSeenByTheFirstLook() {
        // The look at the names must not pass over a header some format reads (in any spelling).
        for (String name : new String[] {
            "traceparent",
            "TraceState",
            "B3",
            "X-B3-TraceId",
            "x-b3-spanid",
            "X-B3-ParentSpanId",
            "X-B3-Sampled",
            "X-B3-Flags",
            "Uber-Trace-Id",
            "OT-Tracer-TraceId",
            "ot-tracer-spanid",
            "ot-tracer-sampled",
            "X-Datadog-Trace-Id",
            "x-datadog-parent-id",
            "X-Datadog-Sampling-Priority",
            "X-Cloud-Trace-Context",
            "X-Amzn-Trace-Id"
        }) {
            assertTrue(TraceFormats.mayCarry(FakeHttp.Request.get("/", "Host", "h", name, "1").request), name);
        }
        assertFalse(TraceFormats.mayCarry(
                FakeHttp.Request.get("/", "Host", "h", "User-Agent", "u", "X-Forwarded-For", "1.2.3.4").request));
    }

    @Test
    void hostileTraceHeadersNeverFailTheRequestNorChooseItsTrace() throws Exception {
        // Headers a client controls: none may throw out of the reading (a failed request) or be
        // taken as an id; other scripts' digits are not hex; lengths are checked before parsing.
        String huge = "f".repeat(20_000);
        String[][] cases = {
            {"traceparent", "00-" + huge + "-" + SPAN + "-01"},
            {"traceparent", "00-" + "٣".repeat(32) + "-" + SPAN + "-01"},
            {"b3", huge + "-" + SPAN + "-1"},
            {"b3", "-".repeat(5_000)},
            {"X-B3-TraceId", "٣".repeat(32)},
            {"uber-trace-id", huge + ":" + SPAN + ":0:1"},
            {"uber-trace-id", ":::"},
            {"uber-trace-id", TRACE + ":" + SPAN + ":0:" + huge},
            {"ot-tracer-traceid", huge},
            {"x-datadog-trace-id", "9".repeat(5_000)},
            {"x-datadog-trace-id", "-1"},
            {"x-cloud-trace-context", TRACE + "/" + "9".repeat(21)},
            {"x-cloud-trace-context", TRACE + "/1;o=" + huge},
            {"x-amzn-trace-id", "Root=1-" + huge},
            {"x-amzn-trace-id", ";;;===;;;"},
        };
        for (String[] c : cases) {
            Traced t = trace("preserve", h(c[0], c[1]));
            assertTrue(t.traceId().matches("[0-9a-f]{32}"), c[0]);
            assertFalse(t.traceId().contains("fffffffffffffff"), c[0] + ": a huge id is not cut to size and taken");
            assertNull(t.parentOfRoot(), c[0]);
        }
    }

    /** What the filter, in the chain, did with a request no route matched (or one of the gateway's own). */
    private RequestContext unmatched(String plugins, String path, String... headers) throws Exception {
        GatewaySnapshot snapshot = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://backend.internal:8081
                    routes:
                      - name: r
                        paths: [/api]
                %s
                """.formatted(plugins));
        FakeHttp.Request request = FakeHttp.Request.get(path, headers).on(snapshot, null);
        TracingFilter filter = new TracingFilter();
        filter.tracers = tracers;
        TraceAccessFilter access = new TraceAccessFilter();
        filter.doFilter(
                request.request,
                new FakeHttp.Response().response,
                (req, res) -> access.doFilter(
                        req, res, (r2, s2) -> ((jakarta.servlet.http.HttpServletResponse) s2).setStatus(404)));
        return request.context();
    }

    @Test
    void aGlobalInstanceTracesARequestNoRouteMatchedAsKongsSpanStartsBeforeRouting() throws Exception {
        String global = """
                plugins:
                  - name: opentelemetry
                    config: {%s}
                """.formatted(ENDPOINT);
        RequestContext missed = unmatched(global, "/nowhere");
        assertTrue(missed.trace() instanceof OtelRequestTrace, "traced");
        EndedSpan root = ((OtelRequestTrace) missed.trace()).root().ended();
        assertEquals(404L, root.getAttribute(io.opentelemetry.api.common.AttributeKey.longKey("http.status_code")));
        assertEquals(
                "",
                root.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("http.route")),
                "Kong's runloop: \"\" when no route matched");
        assertEquals(
                missed.kongRequestId(),
                root.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("kong.request.id")));

        assertSame(RequestTrace.NONE, unmatched(global, "/_gateway/health").trace(), "the gateway's own");
        String onTheRoute = """
                plugins:
                  - name: opentelemetry
                    route: r
                    config: {%s}
                """.formatted(ENDPOINT);
        assertSame(RequestTrace.NONE, unmatched(onTheRoute, "/nowhere").trace(), "a route's instance");
    }

    // Helper review 98: Kong answers a request no route matched before any plugin's access phase,
    // where propagation reads the client's context: its span is a trace of its own, and its log
    // record has no trace_id.
    @Test
    void aRequestNoRouteMatchedIsNotJoinedToTheClientsTrace() throws Exception {
        String global = """
                plugins:
                  - name: opentelemetry
                    config: {%s}
                """.formatted(ENDPOINT);
        RequestContext missed = unmatched(global, "/nowhere", "traceparent", "00-" + TRACE + "-" + SPAN + "-01");
        RequestSpan root = ((OtelRequestTrace) missed.trace()).root();
        assertNotEquals(TRACE, root.getSpanContext().getTraceId());
        assertFalse(root.getParentSpanContext().isValid(), "no parent");
        assertTrue(missed.trace().traceIds().isEmpty(), "no trace_id in the log record");
    }

    // Kong's header filter answers with the trace id of a span that exists: under "off" none does
    // until the plugin's access phase makes its propagation-only span, so a request answered before
    // it (an auth plugin's 401) gets no header; one that reached it does (helper review 301).
    @Test
    void underOffTheTraceIdHeaderNeedsTheAccessPhase() throws Exception {
        tracers.stop();
        tracers = new Tracers(1.0, Instrumentations.parse("off"));
        GatewaySnapshot snapshot = withTracing("{" + ENDPOINT + ", http_response_header_for_traceid: x-trace-id}");
        OpenTelemetrySchema.Config c =
                (OpenTelemetrySchema.Config) snapshot.config().plugins().get(0).config();
        for (boolean reached : new boolean[] {false, true}) {
            FakeHttp.Request request = FakeHttp.Request.get("/x").on(snapshot, TestSnapshots.match(snapshot, "r"));
            TracingFilter filter = new TracingFilter();
            filter.tracers = tracers;
            FakeHttp.Response response = new FakeHttp.Response();
            filter.apply(c, request.context(), request.request, response.response, (req, res) -> {
                if (reached) {
                    request.context().trace().accessReached();
                }
                ((jakarta.servlet.http.HttpServletResponse) res).setStatus(reached ? 200 : 401);
                res.getOutputStream().write('x');
            });
            if (reached) {
                assertTrue(String.valueOf(response.header("x-trace-id")).matches("[0-9a-f]{32}"));
            } else {
                assertNull(response.header("x-trace-id"), "no span, no trace id: as Kong under off");
            }
        }
    }

    // Attacker review 103: the trace id header, now set when the response commits, was missing
    // from the error answer written after the chain threw.
    @Test
    void theTraceIdHeaderIsSetWhenTheChainThrows() throws Exception {
        GatewaySnapshot snapshot = withTracing("{" + ENDPOINT + ", http_response_header_for_traceid: x-trace-id}");
        OpenTelemetrySchema.Config c =
                (OpenTelemetrySchema.Config) snapshot.config().plugins().get(0).config();
        FakeHttp.Request request = FakeHttp.Request.get("/x").on(snapshot, TestSnapshots.match(snapshot, "r"));
        TracingFilter filter = new TracingFilter();
        filter.tracers = tracers;
        FakeHttp.Response response = new FakeHttp.Response();
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> filter.apply(c, request.context(), request.request, response.response, (req, res) -> {
                    throw new IllegalStateException("boom");
                }));
        assertTrue(response.header("x-trace-id") != null
                && response.header("x-trace-id").matches("[0-9a-f]{32}"));
    }
}
