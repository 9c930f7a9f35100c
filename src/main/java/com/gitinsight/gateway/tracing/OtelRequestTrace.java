package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.RequestTrace;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.StatusData;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A traced request: the root span ({@code kong}, as Kong names it) and its children, as
 * {@code gateway.tracing.instrumentations} lets them be: {@code kong.router}, a {@code kong.balancer}
 * span per try at a target (whose context the target gets, in each injected format, with the
 * request's span as its parent; without them the target gets the request span's context), and
 * each plugin's access phase ({@code kong.access.plugin.<name>}). The children are ended when the
 * request's span is, after it, in the order they started: Kong queues a request's spans in its log
 * phase, the request's first (an exporter reads it as the first span), and the SDK's processor
 * queues spans as they end.
 */
final class OtelRequestTrace implements RequestTrace {

    // Kong writes try_count and the ports as numbers (doubles); keys made once.
    private static final AttributeKey<Double> TRY_COUNT = AttributeKey.doubleKey("try_count");
    private static final AttributeKey<String> NET_PEER_IP = AttributeKey.stringKey("net.peer.ip");
    private static final AttributeKey<Double> NET_PEER_PORT = AttributeKey.doubleKey("net.peer.port");
    private static final AttributeKey<String> NET_PEER_NAME = AttributeKey.stringKey("net.peer.name");
    private static final AttributeKey<Long> HTTP_STATUS_CODE = AttributeKey.longKey("http.status_code");
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.method");
    private static final AttributeKey<String> HTTP_URL = AttributeKey.stringKey("http.url");
    /**
     * A try's span's attributes: Kong's balancer instrumentation's. Its latest revision (after 3.9,
     * for Kong/kong#14381) also puts the request's method and a URL on it, the service's scheme and
     * the balancer hostname before the request's URI (helper review 306; 3.9 and before did not).
     */
    private static final FixedAttributes.Layout TRY_SPAN = new FixedAttributes.Layout(
            TRY_COUNT, NET_PEER_IP, NET_PEER_PORT, NET_PEER_NAME, HTTP_METHOD, HTTP_URL, HTTP_STATUS_CODE);

    private static final Phase NO_PHASE = () -> {};

    private final Tracing tracing;
    /** How the request's span starts; null once it has. */
    private Start start;
    /** The request's span: started when the plugin's access phase is reached, or when asked for. */
    private RequestSpan root;
    /** The children so far, ended with the request's span ({@link #finish}). */
    private final List<Child> children = new java.util.ArrayList<>(8);
    /** The formats the backend gets the context in (Kong's inject list, preserve resolved). */
    private final List<String> inject;
    /** The client's context, if it sent one (its trace id's size and b3's debug flag are passed on). */
    private final TraceFormats.Carried carried;

    private final HttpServletRequest request;
    private final RequestContext context;
    /** Written and read on the request's thread (the log record is captured there). */
    private boolean accessReached;
    /** The request URI as the spans' http.url carry it, made once (its query may be long: a token). */
    private String requestUri;

    /**
     * How the request's span (its first {@code attributes}) starts: in the client's trace
     * ({@code clientParent}, and {@code chosenTraceId} when the client named a trace but no span)
     * once the plugin's access phase is reached, as Kong's propagation applies the client's context
     * there; else a trace of its own ({@code ownParent}); either way at {@code epochNanos}.
     */
    record Start(
            FixedAttributes attributes,
            Context clientParent,
            String chosenTraceId,
            Context ownParent,
            long epochNanos) {}

    /**
     * A child span, made whole when it is exported ({@link EndedSpan}): a timed phase, or a try
     * at a target ({@code context} its span's, made when the try starts: the target gets it);
     * {@code endNanos} 0 while open.
     */
    private final class Child implements Phase {
        final String name;
        final SpanKind kind;
        final long startNanos;
        final SpanContext context;
        /** A try's attributes so far (null for a phase: it has none). */
        final FixedAttributes attributes;

        long endNanos;
        /** Failed (Kong's router span when no route matched, a try that failed). */
        boolean error;
        /** A failed try's status code (0: none). */
        long statusCode;

        Child(String name, SpanKind kind, long startNanos, SpanContext context, FixedAttributes attributes) {
            this.name = name;
            this.kind = kind;
            this.startNanos = startNanos;
            this.context = context;
            this.attributes = attributes;
        }

        void end(long nanos) {
            if (endNanos == 0) {
                endNanos = nanos;
            }
        }

        /** A plugin phase's end (closing it again changes nothing). */
        @Override
        public void close() {
            if (endNanos == 0) {
                endNanos = now();
            }
        }
    }

    /**
     * The children's clock: the epoch time when the trace was made, then the monotonic clock's
     * time since (as the SDK times a span): a wall clock stepped mid-request moves none of them.
     */
    private final long anchorEpochNanos;

    private final long anchorNanos;
    /** Failed tries held past this many children are ended at once (a service may retry thousands of times). */
    static final int MAX_HELD = 64;

    /** With the clock's anchor: {@code anchorEpochNanos} was the time when nanoTime read {@code anchorNanos}. */
    OtelRequestTrace(
            Tracing tracing,
            Start start,
            List<String> inject,
            TraceFormats.Carried carried,
            HttpServletRequest request,
            RequestContext context,
            long anchorEpochNanos,
            long anchorNanos) {
        this.anchorEpochNanos = anchorEpochNanos;
        this.anchorNanos = anchorNanos;
        this.tracing = tracing;
        this.start = start;
        this.inject = inject;
        this.carried = carried;
        this.request = request;
        this.context = context;
    }

    /** Now, in epoch nanoseconds, on the trace's clock. */
    long now() {
        return anchorEpochNanos + (System.nanoTime() - anchorNanos);
    }

    /** The request's span, started now (a trace of its own) if the access phase was not reached. */
    RequestSpan root() {
        if (root == null) {
            begin(false);
        }
        return root;
    }

    private void begin(boolean clientContext) {
        Start s = start;
        start = null;
        root = clientContext
                ? tracing.requestSpan(s.attributes(), s.clientParent(), s.chosenTraceId(), s.epochNanos())
                : tracing.requestSpan(s.attributes(), s.ownParent(), null, s.epochNanos());
    }

    /**
     * Child {@code c} ended at {@code endNanos}, queued for export in the request span's trace
     * (recording: its children are sampled, as the SDK's sampler follows a local parent).
     */
    private void export(Child c, long endNanos) {
        SpanContext parent = root.getSpanContext();
        SpanContext own = c.context != null ? c.context : new ChildSpanContext(parent, tracing.newSpanIdValue());
        Attributes attributes = c.attributes == null ? Attributes.empty() : c.attributes;
        if (c.statusCode != 0 && c.attributes != null) {
            c.attributes.set(HTTP_STATUS_CODE, c.statusCode); // (before it is queued: not read yet)
        }
        tracing.ended(tracing.span(
                c.name,
                c.kind,
                own,
                parent,
                c.error ? StatusData.error() : StatusData.unset(),
                c.startNanos,
                endNanos,
                attributes));
    }

    @Override
    public boolean tracesPhases() {
        return tracing.instrumentations.pluginAccess();
    }

    @Override
    public Phase phase(String name) {
        if (!tracing.instrumentations.pluginAccess()) {
            return NO_PHASE;
        }
        // Timed now, made a child at the end (before the access phase, the request's span has not
        // started: it starts in the client's trace there). Closing it again changes nothing.
        Child c = new Child(name, SpanKind.INTERNAL, now(), null, null);
        children.add(c);
        return c;
    }

    /**
     * Kong's {@code kong.router} span, when the instrumentations name it: routing ran in [start, end];
     * an error when no route matched, as Kong's runloop marks it before its 404.
     */
    void routed(long startEpochNanos, long endEpochNanos, boolean matched) {
        if (tracing.instrumentations.router()) {
            Child c = new Child("kong.router", SpanKind.INTERNAL, startEpochNanos, null, null);
            c.end(endEpochNanos);
            c.error = !matched;
            children.add(c);
        }
    }

    /** A failed try held past {@link #MAX_HELD} children, exported once the next try starts. */
    private Child overflow;

    @Override
    public Try upstreamTry(String ip, String name, int port, int number) {
        if (overflow != null && children.remove(overflow)) {
            export(overflow, overflow.endNanos); // out of Kong's order: a service may retry thousands of times
        }
        overflow = null;
        RequestSpan requestSpan = root();
        if (!tracing.instrumentations.balancer()) {
            return rootTry();
        }
        SpanContext parent = requestSpan.getSpanContext();
        SpanContext own = SpanContext.create(
                parent.getTraceId(), tracing.newSpanId(), parent.getTraceFlags(), parent.getTraceState());
        Child child = null;
        if (requestSpan.isRecording()) {
            FixedAttributes attributes = TRY_SPAN.create()
                    .set(TRY_COUNT, (double) number)
                    .setLimited(NET_PEER_IP, ip)
                    .set(NET_PEER_PORT, (double) port);
            if (context.match() != null && context.match().service() != null) {
                // Kong's balancer hostname: the name the call gave (the upstream's host_header, else
                // the target's; the service's host when it names no upstream), and the target's port.
                attributes
                        .setLimited(NET_PEER_NAME, name)
                        .setLimited(HTTP_METHOD, request.getMethod())
                        // The request's URI as the request span has it (a credential argument REDACTED).
                        .setLimited(HTTP_URL, context.match().service().protocol() + "://" + name + requestUri());
            }
            child = new Child("kong.balancer", SpanKind.CLIENT, now(), own, attributes);
            children.add(child);
        }
        ServiceSpec service = context.match() == null ? null : context.match().service();
        int retries = service == null ? 0 : service.retries();
        Child held = child;
        return new Try() {
            @Override
            public void propagate(BiConsumer<String, String> headers) {
                inject(own, parent.getSpanId(), headers);
            }

            @Override
            public void answered(int status) {
                // Kong marks the last try failed when it answered with a 5xx and no retry was left.
                if (held != null && status > 499 && number > retries) {
                    held.statusCode = status;
                    held.error = true;
                }
                // Kong ends the answering try's span when the body has gone (its body filter's end),
                // not at the backend's headers (helper review 159): left open, ended with the
                // request's span (finish).
            }

            @Override
            public void failed(String failure) {
                if (held == null) {
                    return;
                }
                // Kong: the code nginx gave the failed try (504 a timeout, else 502), status error.
                held.statusCode = failure.startsWith("TIMEOUT") ? 504L : 502L;
                held.error = true;
                held.end(now());
                if (children.size() > MAX_HELD) {
                    overflow = held; // exported when the next try starts: endsWithoutRetry may unmark it
                }
            }

            @Override
            public void endsWithoutRetry() {
                if (held != null && number <= retries) {
                    // Kong marks a failed try when the next try's balancer reads the failure, or in
                    // its header filter when no retry was left: neither for one nginx does not try
                    // again with retries left (helper review 274).
                    held.error = false;
                    held.statusCode = 0;
                }
            }

            @Override
            public void unresolved() {
                if (held != null) {
                    // No try for Kong: its balancer fails a name it cannot resolve before proxying.
                    children.remove(held);
                }
            }
        };
    }

    /** The target's headers: span {@code c}'s context with {@code parentId} (null: none), in each inject format. */
    private void inject(SpanContext c, String parentId, BiConsumer<String, String> headers) {
        TraceFormats.Outgoing out = new TraceFormats.Outgoing(
                c.getTraceId(),
                carried == null ? 0 : carried.traceIdBytes(),
                c.getSpanId(),
                parentId,
                c.isSampled(),
                carried == null ? null : carried.b3Flags(),
                carried == null ? null : TraceFormats.baggageAsSent(carried, context.upstreamHeaders()));
        for (String format : inject) {
            TraceFormats.inject(format, out, headers);
        }
    }

    /**
     * Ends the request's span, then its children in the order they started, each at the time it
     * ended (one still open, now), so that they are queued for export as Kong queues them.
     */
    void finish() {
        RequestSpan requestSpan = root();
        boolean recording = requestSpan.isRecording(); // (an ended span is not)
        long now = now();
        requestSpan.end(now); // on the children's clock
        // (Children are added as they start: the router's first, then phases and tries in turn.)
        for (Child c : children) {
            if (recording) {
                export(c, c.endNanos != 0 ? c.endNanos : now);
            }
        }
        children.clear();
    }

    /**
     * A try without its own span (Kong without the balancer instrumentation): the target gets the
     * request span's context, its parent the client's span when it sent one.
     */
    private Try rootTry() {
        return new Try() {
            @Override
            public void propagate(BiConsumer<String, String> headers) {
                // The request span's parent as TracingFilter chose it: the client's span.
                String parent = carried != null ? carried.requestParent() : null;
                inject(root().getSpanContext(), parent, headers);
            }

            @Override
            public void answered(int status) {}

            @Override
            public void failed(String failure) {}
        };
    }

    /**
     * The request URI with the query the backend got, credentials redacted, for the request's span;
     * asked for once the auth plugins have run.
     */
    String requestUri() {
        if (requestUri == null) {
            requestUri = TracingFilter.requestUri(request, context);
        }
        return requestUri;
    }

    @Override
    public String traceId() {
        return root().getSpanContext().getTraceId();
    }

    /**
     * The trace id Kong's header filter answers with, or null: under {@code off} no span exists
     * until the plugin's access phase makes its propagation-only one, so a request answered before
     * it (a 401 from an auth plugin, a request no route matched) gets no trace id header.
     */
    String responseTraceId() {
        return tracing.instrumentations.exported() || accessReached ? traceId() : null;
    }

    @Override
    public void accessReached() {
        accessReached = true;
        if (root == null) {
            begin(true);
        }
    }

    @Override
    public Map<String, String> traceIds() {
        if (!accessReached) {
            return Map.of();
        }
        Map<String, String> ids = new LinkedHashMap<>();
        String id = traceId();
        int bytes = carried == null ? 0 : carried.traceIdBytes();
        for (String format : inject) {
            // b3-single logs as b3, as Kong's injector names it.
            ids.put(format.equals("b3-single") ? "b3" : format, TraceFormats.formattedTraceId(format, id, bytes));
        }
        return ids;
    }
}
