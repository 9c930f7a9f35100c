package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import com.gitinsight.gateway.security.CorsSchema;
import com.gitinsight.gateway.upstream.Failure;
import com.gitinsight.gateway.upstream.Target;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * chose. Everything up to the backend's handshake is {@link UpstreamCall}'s, as for HTTP; the
 * relay only moves frames. A refusal is passed on with the backend's status; no connection is a
 * 502, a timeout 504.
 */
public class WebSocketFilter extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(WebSocketFilter.class.getName());
    /**
     * Headers the JDK client sets itself or refuses (so {@code preserve_host} cannot apply to a
     * handshake), and the client's own handshake fields.
     */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "host",
            "connection",
            "upgrade",
            "content-length",
            "expect",
            "sec-websocket-key",
            "sec-websocket-version",
            "sec-websocket-extensions",
            "sec-websocket-protocol",
            "sec-websocket-accept");

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
                ErrorResponses.write(
                        request, response, 426, "Upgrade Required: this route takes WebSocket connections only");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (!"GET".equals(request.getMethod())
                || !"13".equals(request.getHeader("Sec-WebSocket-Version"))
                || request.getHeader("Sec-WebSocket-Key") == null) {
            if (!streaming.websocketOnly() && request.getHeader("Sec-WebSocket-Key") == null) {
                // Not a handshake: Kong proxies it as plain HTTP, its Upgrade passed on (Kong's spec
                // "keeps upgrade when upgrading"); no backend can complete a handshake without a key.
                chain.doFilter(request, response);
                return;
            }
            // With a key, a lenient backend completes it (ws takes version 8): HttpClient reads its
            // 101 as an interim answer and waits for another until the read timeout, holding a
            // thread and counting a timeout against the target (attacker review 165). RFC 6455
            // 4.4's answer to a version the server does not take.
            ErrorResponses.write(
                    request,
                    response,
                    400,
                    "Bad WebSocket handshake (RFC 6455: GET, version 13, a key)",
                    "Sec-WebSocket-Version",
                    "13");
            return;
        }
        // Browsers apply no CORS to WebSockets, so the cors plugin's origins are enforced here (against
        // cross-site WebSocket hijacking): a handshake from an origin the route does not allow is refused.
        CorsSchema.Config cors = context.plugin(CorsSchema.NAME, CorsSchema.Config.class);
        String origin = request.getHeader("Origin");
        if (cors != null && origin != null && !cors.allows(origin)) {
            ErrorResponses.write(request, response, 403, "Origin not allowed");
            return;
        }
        if (context.match().service() == null) {
            ErrorResponses.write(request, response, 503, ErrorResponses.NO_SERVICE);
            return;
        }
        proxy(request, response, context, streaming);
    }

    /**
     * The handshake goes through the same {@link UpstreamCall} as an HTTP request: admission and
     * its refusals, the target (hashing, the sticky cookie), the path and headers, the health
     * reports and the gateway's own errors; only connect failures are retried. A WebSocket lives
     * for hours: it holds no bulkhead slot (nor counts as in flight at its target) once its
     * handshake is done.
     */
    private void proxy(
            HttpServletRequest request,
            HttpServletResponse response,
            RequestContext context,
            RouteSpec.Streaming streaming)
            throws IOException {
        WebSocketRelay relay =
                new WebSocketRelay(context.match().route().displayName(), streaming, relays, context.clientAddress());
        String full = relays.admit(relay);
        if (full != null) {
            // nginx's limit_conn answer (503); a relay holds heap for hours (attacker review 179).
            ErrorResponses.write(request, response, 503, full, "Retry-After", "5");
            return;
        }
        try {
            UpstreamCall call = new UpstreamCall(context, request, false);
            Handshake handshake =
                    call.forward(target -> connect(call, request, response, target, relay), Handshake::refused);
            if (handshake.socket() == null) {
                handshake.refusal().write(request, response);
                return;
            }
            relay.backendConnected(handshake.socket());
            upgrade(request, response, relay);
        } finally {
            relays.dialed(relay);
        }
    }

    /** The backend's socket, or the answer the client gets instead. */
    private record Handshake(WebSocket socket, LocalAnswer refusal) {
        static Handshake refused(LocalAnswer answer) {
            return new Handshake(null, answer);
        }
    }

    /** One handshake with {@code target}; what became of it, for the call to decide what follows. */
    private UpstreamCall.Outcome<Handshake> connect(
            UpstreamCall call,
            HttpServletRequest request,
            HttpServletResponse response,
            Target target,
            WebSocketRelay relay) {
        ServiceSpec service = call.service();
        URI uri = backendUri(target, service, call);
        WebSocket.Builder builder = relays.client(call.tls())
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofMillis(service.connectTimeoutMs()));
        List<String> protocols = subprotocols(request);
        if (!protocols.isEmpty()) {
            builder.subprotocols(
                    protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
        }
        // Kong sends nginx's $scheme (http or https) on a handshake too, never ws or wss.
        call.headers(NOT_FORWARDED, request.getScheme(), builder::header);
        CompletableFuture<WebSocket> opening = builder.buildAsync(uri, relay);
        try {
            WebSocket socket = opening.get(service.connectTimeoutMs() + service.readTimeoutMs(), TimeUnit.MILLISECONDS);
            return UpstreamCall.answered(101, release -> {
                release.run();
                sticky(call, response);
                upstreamStatus(request, response, 101);
                return new Handshake(socket, null);
            });
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketHandshakeException refused) {
                int status = refused.getResponse().statusCode();
                return UpstreamCall.answered(status, release -> {
                    release.run();
                    sticky(call, response);
                    // Kong passes the backend's answer on as it is: its status (a redirect, a 401)
                    // and its headers (Location, WWW-Authenticate, Set-Cookie); the JDK client
                    // keeps no body, so the message stands in for it.
                    refusalHeaders(refused.getResponse().headers(), response);
                    upstreamStatus(request, response, status);
                    return Handshake.refused(LocalAnswer.of(
                            status, "The upstream refused the WebSocket handshake (HTTP " + status + ")"));
                });
            }
            // Without the query: a WebSocket client often carries its key or token there.
            LOG.log(Level.FINE, "WebSocket connect to {0} failed: {1}", new Object[] {
                uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath(), String.valueOf(cause)
            });
            return handshakeFailure(cause);
        } catch (TimeoutException e) {
            // A backend that accepts after all is not left open.
            opening.whenComplete((late, error) -> {
                if (late != null) {
                    late.abort();
                }
            });
            return UpstreamCall.failed(
                    Failure.TIMEOUT, new SocketTimeoutException("no WebSocket handshake from " + target + " in time"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UpstreamCall.local(LocalAnswer.of(503, "The gateway is shutting down"));
        }
    }

    /**
     * A refusal's headers that describe the body the client does not get (the message stands in
     * for it), or that the gateway sets itself (its request id, the balancer's cookie is added
     * apart).
     */
    private static final java.util.Set<String> NOT_OF_A_REFUSAL =
            java.util.Set.of(":status", "etag", "last-modified", "accept-ranges", "x-kong-request-id");

    /**
     * Kong's {@code X-Kong-Upstream-Status} on the handshake's answer when {@code gateway.headers}
     * names it: the backend's status, replacing a copy the backend sent (attacker review 278).
     */
    static void upstreamStatus(HttpServletRequest request, HttpServletResponse response, int status) {
        RequestContext context = RequestContext.of(request);
        if (context != null && context.sendsUpstreamStatus()) {
            response.setHeader(com.gitinsight.gateway.http.KongHeaders.UPSTREAM_STATUS, Integer.toString(status));
        }
    }

    /** Headers of a refused handshake that describe it end to end (not its framing, nor the upgrade's). */
    static void refusalHeaders(java.net.http.HttpHeaders headers, HttpServletResponse response) {
        String connection =
                HopByHop.connectionOptions(java.util.Collections.enumeration(headers.allValues("Connection")));
        headers.map().forEach((name, values) -> {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (HopByHop.isHopByHop(name, connection)
                    || lower.startsWith("sec-websocket-")
                    || lower.startsWith("content-")
                    || NOT_OF_A_REFUSAL.contains(lower)) {
                return;
            }
            if (lower.equals("date")) {
                // The backend's replaces the one the chain's head set, as nginx passes it on: one Date.
                response.setHeader(name, values.get(0));
                return;
            }
            values.forEach(v -> response.addHeader(name, v));
        });
    }

    /**
     * What a handshake that got no answer came to. The JDK client reports a refused or unreachable
     * port as a {@link ConnectException}, a connect timeout as an {@link HttpConnectTimeoutException}
     * and a name that does not resolve as an {@link UnresolvedAddressException}, each possibly
     * wrapped; nothing was sent then, so another target may be tried, as for HTTP.
     */
    static <T> UpstreamCall.Outcome<T> handshakeFailure(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException timeout) {
                return UpstreamCall.notConnected(Failure.TIMEOUT, timeout);
            }
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                UnknownHostException unknown =
                        new UnknownHostException(c.getMessage() != null ? c.getMessage() : "unresolved");
                unknown.initCause(c);
                return UpstreamCall.notConnected(Failure.TCP, unknown);
            }
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
                return UpstreamCall.notConnected(Failure.TCP, (IOException) c);
            }
        }
        if (cause instanceof IOException io) {
            return UpstreamCall.failed(Failure.TCP, io);
        }
        if (cause instanceof IllegalArgumentException refused) {
            // The JDK client refused a value the client sent (a subprotocol named twice or holding a
            // space, a header character beyond Latin-1): the client's request is at fault, answered
            // 400, and not logged with a stack trace each time (helper review 202: any client could
            // write one per request, and was told 502).
            LOG.log(Level.FINE, "WebSocket handshake refused: {0}", refused.getMessage());
            return UpstreamCall.local(LocalAnswer.of(400, "Bad request"));
        }
        // Not the backend's doing: nothing held against the target.
        LOG.log(Level.WARNING, "WebSocket handshake not sent", cause);
        return UpstreamCall.local(LocalAnswer.of(502, ErrorResponses.BAD_GATEWAY));
    }

    /** The hash cookie the pick made for this client, on the handshake's answer (the 101 or the backend's refusal). */
    private static void sticky(UpstreamCall call, HttpServletResponse response) {
        String cookie = call.stickyCookie();
        if (cookie != null) {
            response.addHeader("Set-Cookie", cookie);
        }
    }

    private static URI backendUri(Target target, ServiceSpec service, UpstreamCall call) {
        String scheme = "https".equals(service.protocol()) ? "wss" : "ws";
        return URI.create(scheme + "://" + target.baseUri().getRawAuthority() + call.pathAndQuery());
    }

    private static List<String> subprotocols(HttpServletRequest request) {
        List<String> out = new ArrayList<>();
        for (Enumeration<String> values = request.getHeaders("Sec-WebSocket-Protocol"); values.hasMoreElements(); ) {
            for (String p : values.nextElement().split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    private void upgrade(HttpServletRequest request, HttpServletResponse response, WebSocketRelay relay)
            throws IOException {
        ServerContainer container =
                (ServerContainer) request.getServletContext().getAttribute(ServerContainer.class.getName());
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
