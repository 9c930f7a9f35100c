package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.runtime.RequestTrace;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A traced request: the root span ({@code kong}, as Kong names it) and its children: a
 * {@code kong.balancer} span per try at a target (whose context the target gets, in each injected
 * format), and the phases plugins report ({@code kong.access.plugin.<name>}).
 */
final class OtelRequestTrace implements RequestTrace {

    private static final TextMapSetter<BiConsumer<String, String>> HEADERS = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.accept(key, value);
        }
    };

    // Kong writes these two as numbers (doubles); keys made once.
    private static final AttributeKey<Double> TRY_COUNT = AttributeKey.doubleKey("try_count");
    private static final AttributeKey<String> NET_PEER_IP = AttributeKey.stringKey("net.peer.ip");
    private static final AttributeKey<Double> NET_PEER_PORT = AttributeKey.doubleKey("net.peer.port");

    private final Tracing tracing;
    private final Span root;
    private final Context rootContext;
    /** The formats the backend gets the context in (Kong's inject list, preserve resolved). */
    private final List<String> inject;

    OtelRequestTrace(Tracing tracing, Span root, List<String> inject) {
        this.tracing = tracing;
        this.root = root;
        this.rootContext = Context.root().with(root);
        this.inject = inject;
    }

    Span root() {
        return root;
    }

    @Override
    public Phase phase(String name) {
        Span span = tracing.tracer.spanBuilder(name).setParent(rootContext).startSpan();
        return span::end;
    }

    @Override
    public Try upstreamTry(String host, int port, int number) {
        Span span = tracing.tracer
                .spanBuilder("kong.balancer")
                .setParent(rootContext)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(TRY_COUNT, (double) number)
                .setAttribute(NET_PEER_IP, host)
                .setAttribute(NET_PEER_PORT, (double) port)
                .startSpan();
        Context context = rootContext.with(span);
        return new Try() {
            @Override
            public void propagate(BiConsumer<String, String> headers) {
                for (String format : inject) {
                    TraceFormats.propagator(format).inject(context, headers, HEADERS);
                }
            }

            @Override
            public void answered(int status) {
                span.end();
            }

            @Override
            public void failed(String failure) {
                span.setStatus(StatusCode.ERROR, failure);
                span.end();
            }
        };
    }

    @Override
    public String traceId() {
        return root.getSpanContext().getTraceId();
    }

    @Override
    public Map<String, String> traceIds() {
        Map<String, String> ids = new LinkedHashMap<>();
        String id = traceId();
        for (String format : inject) {
            // Kong's ot keeps 8 bytes of the id; b3-single logs as b3.
            String key = format.equals("b3-single") ? "b3" : format;
            ids.put(key, format.equals("ot") ? id.substring(16) : id);
        }
        return ids;
    }
}
