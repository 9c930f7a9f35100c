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

    private static final TextMapGetter<HttpServletRequest> REQUEST = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest carrier) {
            return Collections.list(carrier.getHeaderNames());
        }

        @Override
        public String get(HttpServletRequest carrier, String key) {
            return carrier == null ? null : carrier.getHeader(key);
        }
    };

    private TraceFormats() {}

    static TextMapPropagator propagator(String format) {
        return PROPAGATORS.get(format);
    }

    /** A client's trace context found in {@code request}, with the format it came in. */
    record Extracted(Context context, String format) {}

    /** The first of {@code formats} whose headers hold a valid context, or null. */
    static Extracted extract(HttpServletRequest request, List<String> formats) {
        for (String format : formats) {
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
