package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.routing.RequestPath;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import com.gitinsight.gateway.security.CorsPlugin;
import com.gitinsight.gateway.upstream.Failure;
import com.gitinsight.gateway.upstream.PickRequest;
import com.gitinsight.gateway.upstream.ServiceGuard;
import com.gitinsight.gateway.upstream.Target;
import com.gitinsight.gateway.upstream.UpstreamPool;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Proxies WebSocket upgrades. Runs after every plugin filter, so a refused handshake gets the
 * plugin's status before any upgrade. The backend's handshake comes first (the JDK
 * client): only once it accepted is the client's upgraded (Jakarta WebSocket's
 * {@code upgradeHttpToWebSocket}, portable across containers), with the subprotocol the backend
 * chose. A refusal is passed on with the backend's status; no connection is a 502, a timeout 504.
 */
public class WebSocketFilter extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(WebSocketFilter.class.getName());
    /** Headers the JDK client sets itself or refuses, and the client's own handshake fields. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "upgrade", "content-length",
            "expect", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-protocol", "sec-websocket-accept", "x-forwarded-for");

    @Inject
    transient WebSocketRelays relays;

    /**
     * Innermost: a handshake is proxied only after every plugin ran on it (authentication, IP
     * restriction, rate limits, the correlation id), as Kong proxies after every access phase.
     */
    @Override
    public long order(PluginRegistry plugins) {
        return INNERMOST;
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        relays = Unproxied.instance(relays);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        if (context == null || context.match() == null) {
            chain.doFilter(request, response);
            return;
        }
        RouteSpec.Streaming streaming = context.match().route().streaming();
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            if (streaming.websocketOnly()) {
                // No "Upgrade: websocket" header on it (RFC 9110 asks for one): Grizzly takes a response
                // carrying Upgrade for an upgraded connection and holds it open until its idle timeout.
                ErrorResponses.write(request, response, 426, "Upgrade Required: this route takes WebSocket connections only");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (!"GET".equals(request.getMethod()) || !"13".equals(request.getHeader("Sec-WebSocket-Version"))
                || request.getHeader("Sec-WebSocket-Key") == null) {
            ErrorResponses.write(request, response, 400, "Bad WebSocket handshake (RFC 6455: GET, version 13, a key)",
                    "Sec-WebSocket-Version", "13");
            return;
        }
        // Browsers apply no CORS to WebSockets, so the cors plugin's origins are enforced here (against
        // cross-site WebSocket hijacking): a handshake from an origin the route does not allow is refused.
        CorsPlugin.Config cors = context.plugin(CorsPlugin.NAME, CorsPlugin.Config.class);
        String origin = request.getHeader("Origin");
        if (cors != null && origin != null && !cors.allows(origin)) {
            ErrorResponses.write(request, response, 403, "Origin not allowed");
            return;
        }
        proxy(request, response, context, streaming);
    }

    private void proxy(HttpServletRequest request, HttpServletResponse response, RequestContext context,
            RouteSpec.Streaming streaming) throws IOException {
        GatewaySnapshot snapshot = context.snapshot();
        RouteMatch match = context.match();
        ServiceSpec service = match.service();
        ServiceGuard guard = snapshot.guard(service.name());
        ServiceGuard.Refusal refusal = guard.admit();
        if (refusal == ServiceGuard.Refusal.OPEN) {
            ErrorResponses.write(request, response, 503, ErrorResponses.BREAKER_OPEN,
                    "Retry-After", Long.toString(guard.retryAfterSeconds()));
            return;
        }
        if (refusal == ServiceGuard.Refusal.AT_CAPACITY) {
            ErrorResponses.write(request, response, 503, ErrorResponses.AT_CAPACITY, "Retry-After", "1");
            return;
        }
        // A WebSocket lives for hours: it holds no bulkhead slot once its handshake is done.
        try {
            UpstreamPool pool = snapshot.upstreams().forService(service.name());
            Target target = pool.pick(PickRequest.NONE, List.of());
            if (target == null) {
                ErrorResponses.write(request, response, 503, ErrorResponses.NO_PEER,
                        "Retry-After", Long.toString(pool.retryAfterSeconds()));
                return;
            }
            URI uri = backendUri(target, service, match, request);
            WebSocketRelay relay = new WebSocketRelay(match.route().displayName(), streaming, relays);
            WebSocket socket = connect(request, response, context, service, target, uri, relay);
            if (socket == null) {
                return;
            }
            relay.backendConnected(socket);
            upgrade(request, response, relay);
        } finally {
            guard.leave();
        }
    }

    private static URI backendUri(Target target, ServiceSpec service, RouteMatch match, HttpServletRequest request) {
        URI base = target.baseUri();
        String scheme = "https".equals(service.protocol()) ? "wss" : "ws";
        String path = RequestPath.escape(match.upstreamPath());
        String pathAndQuery = request.getQueryString() == null ? path : path + "?" + request.getQueryString();
        return URI.create(scheme + "://" + base.getRawAuthority() + pathAndQuery);
    }

    /** The backend's socket, or null when its handshake failed (the response is written). */
    private WebSocket connect(HttpServletRequest request, HttpServletResponse response, RequestContext context,
            ServiceSpec service, Target target, URI uri, WebSocketRelay relay) throws IOException {
        WebSocket.Builder builder = relays.client().newWebSocketBuilder()
                .connectTimeout(Duration.ofMillis(service.connectTimeoutMs()));
        List<String> protocols = subprotocols(request);
        if (!protocols.isEmpty()) {
            builder.subprotocols(protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
        }
        forwardHeaders(request, context, builder);
        target.acquire();
        try {
            return builder.buildAsync(uri, relay).get(service.connectTimeoutMs() + service.readTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketHandshakeException refused) {
                int status = refused.getResponse().statusCode();
                target.reportResponse(status, 0);
                ErrorResponses.write(request, response, status >= 400 ? status : 502,
                        "The upstream refused the WebSocket handshake (HTTP " + status + ")");
            } else {
                target.reportFailure(Failure.TCP);
                LOG.log(Level.FINE, "WebSocket connect to {0} failed: {1}", new Object[] {uri, String.valueOf(cause)});
                ErrorResponses.write(request, response, 502, ErrorResponses.BAD_GATEWAY);
            }
            return null;
        } catch (TimeoutException e) {
            target.reportFailure(Failure.TIMEOUT);
            ErrorResponses.write(request, response, 504, ErrorResponses.TIMEOUT);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ErrorResponses.write(request, response, 503, "The gateway is shutting down");
            return null;
        } finally {
            target.release();
            context.answeredBy(target.address(), 0);
        }
    }

    private static List<String> subprotocols(HttpServletRequest request) {
        List<String> out = new ArrayList<>();
        for (Enumeration<String> values = request.getHeaders("Sec-WebSocket-Protocol"); values.hasMoreElements();) {
            for (String p : values.nextElement().split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    private static void forwardHeaders(HttpServletRequest in, RequestContext context, WebSocket.Builder out) {
        UpstreamHeaders.copy(in, context, NOT_FORWARDED, "https".equals(in.getScheme()) ? "wss" : "ws", out::header);
    }

    private void upgrade(HttpServletRequest request, HttpServletResponse response, WebSocketRelay relay)
            throws IOException {
        ServerContainer container = (ServerContainer) request.getServletContext()
                .getAttribute(ServerContainer.class.getName());
        String id = relays.park(relay);
        try {
            container.upgradeHttpToWebSocket(request, response, RelayEndpoint.config(relays), Map.of("relay", id));
        } catch (DeploymentException | RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket upgrade failed", e);
            if (!response.isCommitted()) {
                ErrorResponses.write(request, response, 500, "The WebSocket upgrade failed");
            }
        }
        if (response.getStatus() != 101 && relays.claim(id) != null) {
            relay.abandon();
            if (!response.isCommitted()) {
                ErrorResponses.write(request, response, 500, "The WebSocket upgrade failed");
            }
        }
    }
}
