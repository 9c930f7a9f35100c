package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import io.opentelemetry.extension.trace.propagation.OtTracePropagator;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The trace-context formats by Kong's names, each the OpenTelemetry SDK's propagator: w3c
 * ({@code traceparent}), b3 (multi-header; its reader takes the single {@code b3} header too),
 * b3-single, jaeger ({@code uber-trace-id}), ot ({@code ot-tracer-*}), aws ({@code X-Amzn-Trace-Id}).
 */
final class TraceFormats {

    private static final Map<String, TextMapPropagator> PROPAGATORS = Map.of(
            "w3c", W3CTraceContextPropagator.getInstance(),
            "b3", B3Propagator.injectingMultiHeaders(),
            "b3-single", B3Propagator.injectingSingleHeader(),
            "jaeger", JaegerPropagator.getInstance(),
            "ot", OtTracePropagator.getInstance(),
            "aws", AwsXrayPropagator.getInstance());

    /**
     * The request's headers as the propagators read them: no baggage (the gateway propagates none, so
     * Jaeger's and OT's readers are not handed the client's {@code uberctx-*}, {@code ot-baggage-*}
     * or {@code jaeger-baggage} to parse), and no {@code tracestate} longer than W3C's 512 characters.
     */
    private static final TextMapGetter<HttpServletRequest> REQUEST = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest carrier) {
            return Collections.emptyList();
        }

        @Override
        public String get(HttpServletRequest carrier, String key) {
            if (carrier == null || key.equalsIgnoreCase("jaeger-baggage")) {
                return null;
            }
            String value = carrier.getHeader(key);
            return value != null && key.equalsIgnoreCase("tracestate") && value.length() > 512 ? null : value;
        }
    };

    /** Every header of the B3 formats: injecting either form replaces all of the client's. */
    static final List<String> B3_HEADERS =
            List.of("b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags");

    private TraceFormats() {}

    /** Whether the request has the header a format's context is in (its propagator has nothing else to read). */
    private static boolean carries(HttpServletRequest request, String format) {
        return switch (format) {
            case "w3c" -> request.getHeader("traceparent") != null;
            case "b3", "b3-single" -> request.getHeader("b3") != null || request.getHeader("x-b3-traceid") != null;
            case "jaeger" -> request.getHeader("uber-trace-id") != null;
            case "ot" -> request.getHeader("ot-tracer-traceid") != null;
            case "aws" -> request.getHeader("x-amzn-trace-id") != null;
            default -> true;
        };
    }

    static TextMapPropagator propagator(String format) {
        return PROPAGATORS.get(format);
    }

    /** A client's trace context found in {@code request}, with the format it came in. */
    record Extracted(Context context, String format) {}

    /** The first of {@code formats} whose headers hold a valid context, or null. */
    static Extracted extract(HttpServletRequest request, List<String> formats) {
        for (String format : formats) {
            if (!carries(request, format)) {
                continue; // most requests carry no context: no propagator runs for them
            }
            Context c = PROPAGATORS.get(format).extract(Context.root(), request, REQUEST);
            SpanContext span = Span.fromContext(c).getSpanContext();
            if (span.isValid()) {
                // preserve answers in the form it was asked: b3's single header stays single.
                String as = format.equals("b3") && request.getHeader("b3") != null ? "b3-single" : format;
                return new Extracted(c, as);
            }
        }
        return null;
    }
}
