package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.QueueSpec;
import com.gitinsight.gateway.http.Authority;
import com.gitinsight.gateway.http.Destinations;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kong's {@code opentelemetry}: {@code traces_endpoint} (OTLP/HTTP; {@code endpoint} is Kong's old
 * name for it), {@code headers} and {@code resource_attributes}, {@code queue} (batch 1000 by
 * default, Kong's 200), {@code connect_timeout}, {@code send_timeout}, {@code read_timeout} (ms),
 * {@code sampling_rate}, {@code http_response_header_for_traceid}, and how the trace context is read
 * from the client and passed to the backend: Kong's {@code header_type} ({@code preserve} by default)
 * or its {@code propagation} record ({@code extract}, {@code inject}, {@code clear},
 * {@code default_format}) in Kong's formats: w3c, b3, b3-single, jaeger, ot, datadog, gcp, aws.
 * Kong's {@code logs_endpoint} is accepted (a Kong file with it loads) but no log is exported over
 * OTLP here: a warning says so at load (ship logs with http-log or file-log); an instance with
 * only a {@code logs_endpoint} traces nothing, as Kong's traces only with {@code traces_endpoint}.
 */
public final class OpenTelemetrySchema implements PluginSchema {

    /** Spans per export when {@code queue.max_batch_size} is not set (Kong: 200). */
    static final int DEFAULT_BATCH = 1000;

    public static final String NAME = "opentelemetry";

    static final List<String> FORMATS = List.of("w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "gcp", "aws");
    /** Kong's extraction order for {@code header_type} (its old propagation module's order). */
    static final List<String> EXTRACT_ALL = List.of("b3", "w3c", "jaeger", "ot", "datadog", "aws", "gcp");

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(OpenTelemetrySchema.class.getName());

    /** Any HTTP token (Kong's field is a plain string; a name that is no token could not be sent). */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Where the trace context comes from and goes: formats by Kong's name; {@code preserve} in inject. */
    public record Propagation(List<String> extract, List<String> inject, List<String> clear, String defaultFormat) {}

    /** {@code samplingRate} null: the gateway's {@code gateway.tracing.sampling-rate}. */
    public record Config(
            URI tracesEndpoint,
            Map<String, String> headers,
            Map<String, String> resourceAttributes,
            QueueSpec queue,
            long connectTimeoutMs,
            long sendTimeoutMs,
            long readTimeoutMs,
            String responseHeaderForTraceId,
            Double samplingRate,
            Propagation propagation)
            implements PluginConfig {

        @Override
        public String toString() {
            return "opentelemetry " + destination();
        }

        /** Where spans go, as health, metrics and logs name it: scheme, host and port only (a path or query may hold a token). */
        public String destination() {
            return tracesEndpoint == null ? "no traces_endpoint" : Destinations.of(tracesEndpoint);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's opentelemetry handler.lua (its spans start before every plugin; see TracingFilter). */
    @Override
    public int priority() {
        return 14;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.tracing.TracingFilter");
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("traces_endpoint", "endpoint", "headers.*");
    }

    /**
     * {@code raw} checked as Kong's url typedef checks it (the host first, then the scheme), errors
     * at {@code field}; with {@code sent}, also a scheme the exporter speaks (http or https). The
     * URL when it passed, else null.
     */
    private static URI checkedUrl(PluginFields f, String field, String raw, boolean sent) {
        try {
            URI uri = new URI(raw);
            if (Authority.of(uri) == null) {
                f.error(field, "missing host in url");
            } else if (uri.getScheme() == null) {
                f.error(field, "missing scheme in url");
            } else if (sent
                    && !uri.getScheme().equalsIgnoreCase("http")
                    && !uri.getScheme().equalsIgnoreCase("https")) {
                f.error(field, "the scheme must be http or https");
            } else {
                return uri;
            }
        } catch (URISyntaxException e) {
            // "http://": an empty authority, which Kong's url parse reads as no host.
            f.error(
                    field,
                    e.getReason().startsWith("Expected authority")
                            ? "missing host in url"
                            : "could not parse url. " + e.getReason());
        }
        return null;
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(
                Set.of(
                        "traces_endpoint",
                        "endpoint",
                        "headers",
                        "resource_attributes",
                        "queue",
                        "batch_span_count",
                        "batch_flush_delay",
                        "connect_timeout",
                        "send_timeout",
                        "read_timeout",
                        "http_response_header_for_traceid",
                        "header_type",
                        "sampling_rate",
                        "propagation",
                        "logs_endpoint"),
                Set.of());
        boolean logsEndpoint = f.has("logs_endpoint") && !f.isNull("logs_endpoint");
        if (logsEndpoint) {
            // Checked as Kong's url typedef checks it, though nothing is sent there.
            String logs = f.string("logs_endpoint", null);
            if (logs != null) {
                checkedUrl(f, "logs_endpoint", logs, false);
            }
            LOG.warning("opentelemetry: logs_endpoint is accepted but this gateway exports no logs over OTLP;"
                    + " ship logs with http-log or file-log");
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>(
                f.stringMap("headers", com.gitinsight.gateway.config.KongHeaderName::problem));
        // Kong's deprecated shorthand: checked (its errors at its own name) even when traces_endpoint
        // is set too, whose value then wins.
        String legacy = f.string("endpoint", null);
        URI legacyUrl = legacy == null ? null : checkedUrl(f, "endpoint", legacy, true);
        String traces = f.string("traces_endpoint", null);
        URI chosen = traces != null ? checkedUrl(f, "traces_endpoint", traces, true) : legacyUrl;
        URI endpoint = null;
        if (traces == null && legacy == null) {
            if (!logsEndpoint) {
                // Kong's check sits in the config record: its message names the fields without
                // "config.", on the record itself (helper review 301).
                f.error(null, "at least one of these fields must be non-empty: 'traces_endpoint', 'logs_endpoint'");
            }
        } else if (chosen != null) {
            try {
                Authority authority = Authority.of(chosen);
                // The scheme in lower case (the SDK refuses "HTTPS://"); user info becomes Basic
                // authorization, as http-log makes it, and leaves the URL. A host with an
                // underscore (a Compose service's name) is kept as written, as Kong keeps it.
                if (authority.userInfo() != null
                        && headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
                    headers.put("Authorization", authority.basicAuthorization());
                }
                endpoint = new URI(chosen.getScheme().toLowerCase(java.util.Locale.ROOT)
                        + "://"
                        + authority.hostPort()
                        + (chosen.getRawPath() == null ? "" : chosen.getRawPath())
                        + (chosen.getRawQuery() == null ? "" : "?" + chosen.getRawQuery()));
            } catch (URISyntaxException e) {
                f.error(traces != null ? "traces_endpoint" : "endpoint", "could not parse url. " + e.getReason());
            }
        }
        Map<String, String> resource =
                f.stringMap("resource_attributes", name -> name.isEmpty() ? "length must be at least 1" : null);
        // Kong's default is 200 spans per export; here 1000: an export costs the same CPU whatever its
        // size up to then, and at 200 the exports cost the gateway 3 to 4 times what the spans did
        // (scripts/bench.sh, every request sampled). A collector takes either; Kong's 200 stays one line away.
        QueueSpec queue = QueueSpec.parse(f.section("queue"), DEFAULT_BATCH);
        // Integers, bounded by neither Kong's schema nor its Queue.get_plugin_params (helper review
        // 273): brought within the queue's own bounds.
        long spanCount = f.integer("batch_span_count", 200, Long.MIN_VALUE, Long.MAX_VALUE);
        long flushDelay = f.integer("batch_flush_delay", 3, Long.MIN_VALUE, Long.MAX_VALUE);
        queue = queue.withLegacy(
                NAME,
                "batch_span_count",
                spanCount != 200 ? QueueSpec.legacyBatchSize(spanCount) : -1,
                "batch_flush_delay",
                flushDelay != 3 ? QueueSpec.legacyDelayMs(flushDelay) : -1);
        long connect = f.integer("connect_timeout", 1000, 0, Integer.MAX_VALUE - 1);
        long send = f.integer("send_timeout", 5000, 0, Integer.MAX_VALUE - 1);
        long read = f.integer("read_timeout", 5000, 0, Integer.MAX_VALUE - 1);
        String traceHeader = f.string("http_response_header_for_traceid", null);
        if (traceHeader != null && !HEADER_NAME.matcher(traceHeader).matches()) {
            f.error("http_response_header_for_traceid", "bad header name '" + traceHeader + "'");
        }
        Double rate = f.has("sampling_rate") && !f.isNull("sampling_rate") ? f.number("sampling_rate", 1, 0, 1) : null;
        return new Config(
                endpoint,
                java.util.Collections.unmodifiableMap(headers),
                resource,
                queue,
                connect,
                send,
                read,
                traceHeader,
                rate,
                propagation(f));
    }

    /**
     * Kong's {@code propagation.get_plugin_params}: the {@code propagation} record when any of its
     * lists is given (an empty one counts), else what {@code header_type} means.
     */
    private static Propagation propagation(PluginFields f) {
        // Checked whether or not propagation is given: Kong's one_of holds for the field itself.
        // (one_of before the length: "" is named as not one of them, as Kong's validators order it)
        String headerType = f.oneOfText("header_type", "preserve");
        if (!headerType.equals("preserve") && !headerType.equals("ignore") && !FORMATS.contains(headerType)) {
            f.error("header_type", HEADER_TYPES);
        } else if (!headerType.equals("preserve")) {
            LOG.warning("opentelemetry: config.header_type is deprecated, please use config.propagation options"
                    + " instead");
        }
        PluginFields p = f.section("propagation");
        p.allowOnly(Set.of("extract", "inject", "clear", "default_format"), Set.of());
        // Kong's default ({default_format = "w3c"}) is the whole record's: a record given, even
        // {}, is the file's, and its default_format is required (propagation/schema.lua).
        if (f.isMap("propagation") && (!p.has("default_format") || p.isNull("default_format"))) {
            p.error("default_format", "required field missing");
        }
        String defaultFormat = p.oneOfText("default_format", "w3c");
        if (!FORMATS.contains(defaultFormat)) {
            p.error("default_format", INJECTORS);
        }
        if (p.has("extract") || p.has("inject") || p.has("clear")) {
            List<String> extract = p.oneOfTexts("extract", List.of());
            for (String e : extract) {
                if (!FORMATS.contains(e) || e.equals("b3-single")) {
                    p.error("extract", EXTRACTORS);
                }
            }
            List<String> inject = p.oneOfTexts("inject", List.of());
            for (String i : inject) {
                if (!i.equals("preserve") && !FORMATS.contains(i)) {
                    p.error("inject", INJECT);
                }
            }
            List<String> clear = p.strings("clear", List.of());
            for (String c : clear) {
                String problem = com.gitinsight.gateway.config.KongHeaderName.problem(c);
                if (problem != null) {
                    p.error("clear", problem);
                }
            }
            return new Propagation(List.copyOf(extract), List.copyOf(inject), List.copyOf(clear), defaultFormat);
        }
        return switch (headerType) {
            case "preserve" -> new Propagation(EXTRACT_ALL, List.of("preserve"), List.of(), defaultFormat);
            case "ignore" -> new Propagation(List.of(), List.of(defaultFormat), List.of(), defaultFormat);
            default -> {
                List<String> inject = new ArrayList<>(List.of("preserve", headerType));
                yield new Propagation(EXTRACT_ALL, List.copyOf(inject), List.of(), defaultFormat);
            }
        };
    }

    /** Kong 3.7's one_of for header_type, in its order. */
    private static final String HEADER_TYPES =
            "expected one of: preserve, ignore, b3, b3-single, w3c, jaeger, ot, aws, gcp, datadog";

    // Kong's one_of messages for propagation's fields (its order there is a hash table's).
    private static final String INJECTORS = "expected one of: w3c, b3, b3-single, jaeger, ot, datadog, gcp, aws";
    private static final String EXTRACTORS = "expected one of: w3c, b3, jaeger, ot, datadog, gcp, aws";
    private static final String INJECT = "expected one of: preserve, w3c, b3, b3-single, jaeger, ot, datadog, gcp, aws";
}
