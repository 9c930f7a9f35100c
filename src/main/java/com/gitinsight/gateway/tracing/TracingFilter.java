package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.http.UrlArgs;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plugin {@code opentelemetry}: traces the request as Kong does. The root span {@code kong}
 * (server) covers every plugin and the upstream call, so this filter sits above all plugins (Kong
 * starts its root span before any plugin runs; its priority, 14, orders it among the log-phase
 * plugins); the client's trace context, read in the configured formats, is its parent; the
 * backend gets the context of the try's {@code kong.balancer} span (the request's span without
 * balancer spans) in the inject formats (the client's copies of those headers, and the
 * {@code clear} ones, never pass). The trace id goes to
 * the access log, Kong's log record ({@code trace_id}) and, when configured, a response header.
 */
public class TracingFilter extends PluginFilter<OpenTelemetrySchema.Config> {

    private static final long serialVersionUID = 1L;
    // Keys made once (the API's string overloads make one per call).
    private static final AttributeKey<String> HTTP_CLIENT_IP = AttributeKey.stringKey("http.client_ip");
    private static final AttributeKey<String> HTTP_FLAVOR = AttributeKey.stringKey("http.flavor");
    private static final AttributeKey<String> HTTP_HOST = AttributeKey.stringKey("http.host");
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.method");
    private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<String> HTTP_SCHEME = AttributeKey.stringKey("http.scheme");
    private static final AttributeKey<Long> HTTP_STATUS_CODE = AttributeKey.longKey("http.status_code");
    private static final AttributeKey<String> HTTP_URL = AttributeKey.stringKey("http.url");
    private static final AttributeKey<String> KONG_REQUEST_ID = AttributeKey.stringKey("kong.request.id");
    private static final AttributeKey<String> NET_PEER_IP = AttributeKey.stringKey("net.peer.ip");
    /** The request span's attributes. */
    static final FixedAttributes.Layout REQUEST_SPAN = new FixedAttributes.Layout(
            HTTP_CLIENT_IP,
            HTTP_FLAVOR,
            HTTP_HOST,
            HTTP_METHOD,
            HTTP_ROUTE,
            HTTP_SCHEME,
            HTTP_STATUS_CODE,
            HTTP_URL,
            KONG_REQUEST_ID,
            NET_PEER_IP);

    @Inject
    transient Tracers tracers;

    public TracingFilter() {
        super(OpenTelemetrySchema.NAME, OpenTelemetrySchema.Config.class);
    }

    @Override
    public void init() {
        tracers = Unproxied.instance(tracers);
    }

    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.logPhase(plugins, OpenTelemetrySchema.NAME);
    }

    /**
     * Kong starts the request's span before routing and a global instance exports it in the log
     * phase: a request no route matched (a 404) is traced by a global instance too (never the
     * gateway's own endpoints).
     */
    @Override
    protected OpenTelemetrySchema.Config config(RequestContext context) {
        if (context.headRefusal() > 0) {
            // nginx refuses an oversized head before Kong's rewrite phase starts the request's span:
            // Kong's error page exports nothing (helper review 274).
            return null;
        }
        if (context.match() != null) {
            return super.config(context);
        }
        return context.gatewayOwn()
                ? null
                : context.pluginOnEveryResponse(OpenTelemetrySchema.NAME, OpenTelemetrySchema.Config.class);
    }

    @Override
    protected void apply(
            OpenTelemetrySchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (config.tracesEndpoint() == null) {
            chain.doFilter(request, response); // only a logs_endpoint: Kong traces nothing either
            return;
        }
        Tracing tracing = tracers.of(context.pluginInstance(config), config, context.snapshot());
        if (tracing == null) {
            chain.doFilter(request, response); // its tracer could not be made (said once, counted)
            return;
        }
        OpenTelemetrySchema.Propagation propagation = config.propagation();
        // Kong reads the client's context in the plugin's access phase, which a request no route
        // matched never reaches: its span is a trace of its own, whatever the client sent.
        TraceFormats.Carried carried =
                context.match() == null ? null : TraceFormats.extract(request, propagation.extract());
        Context parent = Context.root();
        String chosenTraceId = null;
        if (carried != null) {
            String parentSpan = carried.requestParent();
            if (parentSpan != null) {
                // Kong sets the request span's parent whenever the client named its span, in the
                // client's trace or, without one (aws's Parent without Root), in a new trace.
                parent = parent.with(Span.wrap(SpanContext.createFromRemoteParent(
                        carried.hasTraceId() ? carried.traceId() : tracing.newTraceId(),
                        parentSpan,
                        Boolean.FALSE.equals(carried.sampled()) ? TraceFlags.getDefault() : TraceFlags.getSampled(),
                        TraceState.getDefault())));
            } else if (carried.hasTraceId()) {
                chosenTraceId = carried.traceId(); // Kong: the client's trace, no parent span
            }
            if (Boolean.FALSE.equals(carried.sampled())) {
                parent = parent.with(KongSampler.NOT_SAMPLED, true);
            }
        }
        Context own = Context.root();
        if (!tracing.instrumentations.exported()) {
            // Kong's tracing_instrumentations=off: the context is passed on, not sampled; nothing exported.
            parent = parent.with(KongSampler.NOT_SAMPLED, true);
            own = own.with(KongSampler.NOT_SAMPLED, true);
        }
        String host = host(request); // (read once: the URL attribute at the end names it too)
        FixedAttributes attributes = REQUEST_SPAN
                .create()
                .setLimited(HTTP_METHOD, request.getMethod())
                .setLimited(HTTP_HOST, host)
                .setLimited(HTTP_SCHEME, request.getScheme())
                .setLimited(HTTP_FLAVOR, flavor(request.getProtocol()))
                .setLimited(HTTP_CLIENT_IP, context.clientAddress())
                .setLimited(NET_PEER_IP, com.gitinsight.gateway.http.ClientAddress.canonical(request.getRemoteAddr()))
                .setLimited(KONG_REQUEST_ID, context.kongRequestId());
        // Started where Kong applies the client's context (the plugin's access phase), or as a
        // trace of its own when a plugin answered before it (TraceAccessFilter, OtelRequestTrace).
        // One anchor for the children: routing's start, on the epoch clock. Kong's request span
        // starts at KONG_PROCESSING_START, the request's arrival in milliseconds (its started_at),
        // before routing (kong.router is its child): never after it, whatever the clocks' grain.
        long anchorEpoch = tracing.now();
        long anchorNanos = System.nanoTime();
        long routedAt = anchorEpoch - (anchorNanos - context.routingStartNanos());
        long arrived = Math.min(routedAt, context.startedMillis() * 1_000_000L);
        OtelRequestTrace.Start start = new OtelRequestTrace.Start(attributes, parent, chosenTraceId, own, arrived);
        // Each format replaces only the headers it writes, as Kong's injectors do: a client's b3
        // header stays beside an injected x-b3-* (and an x-b3-parentspanid where none is written).
        List<String> inject = inject(propagation, carried);
        for (String format : inject) {
            for (String field : TraceFormats.written(format)) {
                context.upstreamHeader(field, null);
            }
        }
        for (String header : propagation.clear()) {
            context.upstreamHeader(header, null);
        }
        OtelRequestTrace trace =
                new OtelRequestTrace(tracing, start, inject, carried, request, context, anchorEpoch, anchorNanos);
        trace.routed(
                routedAt,
                routedAt + (context.routingEndNanos() - context.routingStartNanos()),
                context.match() != null);
        context.trace(trace);
        HttpServletResponse answer = response;
        TraceIdResponse withId = null;
        if (config.responseHeaderForTraceId() != null) {
            // This request's trace id only: a copy a cached answer or the backend carries is not sent.
            withId = new TraceIdResponse(response, config.responseHeaderForTraceId(), trace::responseTraceId);
            answer = withId;
            // Nor does response-transformer remove or rename it: Kong adds it after that plugin ran.
            com.gitinsight.gateway.http.LateResponseHeader.name(request, config.responseHeaderForTraceId());
        }
        try {
            chain.doFilter(request, answer);
            if (withId != null) {
                withId.complete(); // a response without a body: set before the container commits it
            }
        } catch (IOException | ServletException | RuntimeException e) {
            if (withId != null) {
                withId.complete(); // the error answer written after this filter carries it too
            }
            // Kong sets no status on the request's span (only its balancer and DNS spans fail): a
            // client gone mid-body is no error of the trace's (helper review 159).
            throw e;
        } finally {
            try {
                RequestSpan root = trace.root();
                // At the end, once auth plugins said which arguments held credentials: never exported.
                if (root.isRecording()) {
                    root.set(HTTP_URL, request.getScheme() + "://" + host + trace.requestUri());
                    root.set(HTTP_STATUS_CODE, response.getStatus());
                    // Kong's runloop sets it for every response, "" when no route matched.
                    root.set(HTTP_ROUTE, context.match() == null ? "" : route(context));
                }
            } finally {
                trace.finish(); // the spans held for Kong's order are never lost
            }
        }
    }

    /** nginx's {@code $host}, which Kong's request span names (helper review 274: its trailing dot dropped). */
    private static String host(HttpServletRequest request) {
        return com.gitinsight.gateway.http.HostValue.nginx(request.getServerName());
    }

    /** Kong's inject list with {@code preserve} made the client's format (else {@code default_format}), once each. */
    static List<String> inject(OpenTelemetrySchema.Propagation p, TraceFormats.Carried carried) {
        List<String> out = new ArrayList<>(2);
        for (String format : p.inject()) {
            String f = format.equals("preserve") ? (carried != null ? carried.format() : p.defaultFormat()) : format;
            if (!out.contains(f)) {
                out.add(f);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Kong's http.url: scheme, host (no port) and the request URI with its query, the query as the
     * backend got it (a hidden key is gone) and every argument an auth plugin read a credential from
     * redacted.
     */
    /** The request URI with its query as the backend got it, credentials redacted (the spans' http.url). */
    static String requestUri(HttpServletRequest request, RequestContext context) {
        String query = context.upstreamQuery() == null
                ? request.getQueryString()
                : context.upstreamQuery().isEmpty() ? null : context.upstreamQuery();
        query = UrlArgs.redacted(query, context.credentialArguments(), "REDACTED");
        return request.getRequestURI() + (query == null ? "" : "?" + query);
    }

    private static String flavor(String protocol) {
        return switch (protocol) {
            case "HTTP/1.0" -> "1.0";
            case "HTTP/2.0", "HTTP/2" -> "2.0";
            default -> "1.1";
        };
    }

    /** Kong's http.route: the route's first configured path. */
    private static String route(RequestContext context) {
        return context.match().route().paths().isEmpty()
                ? ""
                : context.match().route().paths().get(0).raw();
    }
}
