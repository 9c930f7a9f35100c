package com.gitinsight.gateway.observability;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.http.CountingResponse;
import com.gitinsight.gateway.http.TrustedProxies;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.RequestIds;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Observes each answered request, outermost after the route match: records the {@code prometheus}
 * plugin's metrics for the routes it covers, and writes the access-log line (when the access log
 * is on): time, request id, client, method, path, route, service, target, status, bytes sent,
 * total, upstream and gateway latencies, cache status and consumer. Does nothing when neither
 * applies.
 */
public class ObserveFilter extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    @Inject
    transient AccessLog log;

    @Inject
    transient TrustedProxies clients;

    @Inject
    transient GatewayMetrics metrics;

    /** Outermost: metrics and the access log time and count everything the plugins do. */
    @Override
    public long order(PluginRegistry plugins) {
        return OUTERMOST;
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        log = Unproxied.instance(log);
        clients = Unproxied.instance(clients);
        metrics = Unproxied.instance(metrics);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        // Which instance measures is known only once authentication has named the consumer (a
        // consumer's own prometheus entry, as Kong's log phase sees it): decided after the chain.
        boolean mayMeasure = context != null
                && context.match() != null
                && context.snapshot().plugins().uses(PrometheusSchema.NAME);
        if (!log.enabled() && !mayMeasure) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        CountingResponse counting = new CountingResponse(response);
        try {
            chain.doFilter(request, counting);
        } finally {
            long nanos = System.nanoTime() - start;
            PrometheusSchema.Config measured =
                    mayMeasure ? context.plugin(PrometheusSchema.NAME, PrometheusSchema.Config.class) : null;
            if (measured != null) {
                metrics.record(
                        context,
                        measured,
                        counting.getStatus(),
                        nanos,
                        // Kong's ingress is nginx's request_length: the request line, counted here
                        // (the headers are not: reading them all costs each request), and a declared
                        // body once it went upstream (an early refusal of "Content-Length:
                        // 999999999999" read none of it).
                        // Worked out only where bandwidth is measured (the query is a new string).
                        !measured.bandwidthMetrics()
                                ? 0
                                : requestLineBytes(request)
                                        + (context.upstreamStatus() > 0
                                                ? Math.max(0, request.getContentLengthLong())
                                                : 0),
                        counting.bytes());
            }
            if (log.enabled()) {
                log.offer(line(request, counting, startMillis, nanos));
            }
        }
    }

    /** {@code METHOD /path?query HTTP/1.1} and its CRLF, as the client sent it. */
    static long requestLineBytes(HttpServletRequest request) {
        String query = request.getQueryString();
        return request.getMethod().length()
                + request.getRequestURI().length()
                + (query == null ? 0 : query.length() + 1)
                + request.getProtocol().length()
                + 4;
    }

    /** The longest client-given value a line holds: 16,384 queued lines stay within tens of megabytes. */
    static final int MAX_VALUE = 2048;

    static String cut(String value) {
        return com.gitinsight.gateway.http.Cut.atMost(value, MAX_VALUE, "...(truncated)");
    }

    private static final String KEY_AUTH_ADMIN = "/key-auth/";

    /**
     * The path as the access log shows it: the admin API names a key-auth credential by its key
     * (as Kong's does), and the key is the secret itself.
     */
    static String logged(String uri) {
        if (uri.startsWith("/_gateway/admin/consumers/")) {
            int at = uri.indexOf(KEY_AUTH_ADMIN);
            if (at > 0 && at + KEY_AUTH_ADMIN.length() < uri.length()) {
                return uri.substring(0, at + KEY_AUTH_ADMIN.length()) + "REDACTED";
            }
        }
        return uri;
    }

    private String line(HttpServletRequest request, CountingResponse response, long startMillis, long nanos) {
        RequestContext context = RequestContext.of(request);
        StringWriter out = new StringWriter(384);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(startMillis).toString());
            g.writeStringField("request_id", RequestIds.of(request));
            g.writeStringField("client", clients.clientText(request));
            g.writeStringField("method", cut(request.getMethod()));
            g.writeStringField("path", cut(logged(request.getRequestURI())));
            boolean matched = context != null && context.match() != null;
            g.writeStringField("route", matched ? context.match().route().displayName() : null);
            g.writeStringField(
                    "service",
                    matched && context.match().service() != null
                            ? context.match().service().name()
                            : null);
            g.writeStringField("target", context == null ? null : context.target());
            g.writeNumberField("status", response.getStatus());
            g.writeNumberField("bytes", response.bytes());
            long upstream = context == null ? -1 : context.upstreamNanos();
            g.writeNumberField("latency_ms", nanos / 1e6);
            if (upstream >= 0) {
                g.writeNumberField("upstream_latency_ms", upstream / 1e6);
            }
            g.writeNumberField("gateway_latency_ms", (nanos - Math.max(0, upstream)) / 1e6);
            // proxy-cache's status (ProxyCacheFilter.STATUS_ATTRIBUTE), kept when its X-Cache-Status header is off.
            Object cache = request.getAttribute("com.gitinsight.gateway.cache.status");
            g.writeStringField("cache", cache != null ? cache.toString() : response.getHeader("X-Cache-Status"));
            g.writeStringField("consumer", context == null ? null : context.consumer());
            String traceId = context == null ? null : context.trace().traceId();
            if (traceId != null) {
                g.writeStringField("trace_id", traceId);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
