package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.routing.RequestPath;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.upstream.Failure;
import com.gitinsight.gateway.upstream.PickRequest;
import com.gitinsight.gateway.upstream.ServiceGuard;
import com.gitinsight.gateway.upstream.Target;
import com.gitinsight.gateway.upstream.UpstreamPool;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;

/**
 * Sends one client request to its service: passes the service's bulkhead and circuit breaker,
 * picks a healthy target, retries where that is safe, reports each outcome to the target's
 * passive health check and the breaker, and turns the upstream's answer into a streamed JAX-RS
 * response (502 for connection failures, 503 when no target or the breaker refuses, 504 for
 * timeouts).
 */
final class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class.getName());
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final UpstreamClient client;
    private final WriteWatchdog watchdog;

    Forwarder(UpstreamClient client, WriteWatchdog watchdog) {
        this.client = client;
        this.watchdog = watchdog;
    }

    Response forward(RequestContext context, Exchange exchange, InputStream body) {
        GatewaySnapshot snapshot = context.snapshot();
        RouteMatch match = context.match();
        ServiceSpec service = match.service();
        ServiceGuard guard = snapshot.guard(service.name());
        ServiceGuard.Refusal refusal = guard.admit();
        if (refusal == ServiceGuard.Refusal.OPEN) {
            return ErrorResponses.json(context, 503, ErrorResponses.BREAKER_OPEN, guard.retryAfterSeconds());
        }
        if (refusal == ServiceGuard.Refusal.AT_CAPACITY) {
            return ErrorResponses.json(context, 503, ErrorResponses.AT_CAPACITY, 1);
        }
        try {
            return attempts(snapshot.upstreams().forService(service.name()), context, exchange,
                    limited(body, context.maxBodyBytes()), guard);
        } catch (RuntimeException | Error e) {
            guard.leave();
            throw e;
        }
    }

    /** A response made here, not by a backend: the service's slot is free at once. */
    private static Response local(ServiceGuard guard, Response response) {
        guard.leave();
        return response;
    }

    /**
     * Tries targets until one answers: connect failures go to another target (up to the service's
     * {@code retries}); so do timeouts and resets of idempotent requests without a body, which
     * cannot have changed anything. A request whose body may have reached a backend is never sent
     * twice.
     */
    private Response attempts(UpstreamPool pool, RequestContext context, Exchange exchange, InputStream body,
            ServiceGuard guard) {
        RouteMatch match = context.match();
        HttpServletRequest request = exchange.request();
        ServiceSpec service = match.service();
        String path = RequestPath.escape(match.upstreamPath());
        String pathAndQuery = request.getQueryString() == null ? path : path + "?" + request.getQueryString();
        boolean hasBody = hasBody(request);
        boolean replayable = !hasBody && IDEMPOTENT.contains(request.getMethod());
        ServletPickRequest hashing = pool.hashes() ? new ServletPickRequest(request, context.consumer()) : null;
        PickRequest pick = hashing != null ? hashing : PickRequest.NONE;
        List<Target> tried = new ArrayList<>(2);
        long start = System.nanoTime();
        IOException last = null;
        boolean onlyUntried = false;
        for (int attempt = 0; attempt <= service.retries(); attempt++) {
            Target target = pool.pick(pick, tried);
            if (target != null && onlyUntried && tried.contains(target)) {
                // After a timeout or reset, as nginx's proxy_next_upstream: another server or none.
                break;
            }
            if (target == null) {
                if (last != null) {
                    break;
                }
                guard.noVerdict();
                return local(guard, ErrorResponses.json(context, 503, ErrorResponses.NO_PEER, pool.retryAfterSeconds()));
            }
            tried.add(target);
            HttpUriRequestBase upstream = new HttpUriRequestBase(request.getMethod(), target.baseUri());
            upstream.setPath(pathAndQuery);
            copyRequestHeaders(request, context, upstream, match.route().preserveHost());
            WriteWatchdog.Upload upload = null;
            if (hasBody) {
                upload = watchdog.register(upstream, service.writeTimeoutMs());
                upstream.setEntity(new StreamingRequestEntity(body, request.getContentLengthLong(), upload));
                if (untypedOptionsBody(request)) {
                    upstream.setHeader("Content-Type", ContentType.APPLICATION_OCTET_STREAM.getMimeType());
                }
            }
            target.acquire();
            boolean handedOver = false;
            long sent = System.nanoTime();
            try {
                ClassicHttpResponse response = client.open(new HttpHost(service.protocol(), target.inetAddress(),
                        target.baseUri().getHost(), target.port()), upstream, service);
                long now = System.nanoTime();
                target.reportResponse(response.getCode(), (now - sent) / 1000);
                context.answeredBy(target.address(), now - sent);
                guard.record(guard.isFailureStatus(response.getCode()), now - start);
                handedOver = true;
                return respond(exchange, response, stickyCookie(pool, hashing), exchange.releaseOnEnd(() -> {
                    target.release();
                    guard.leave();
                }));
            } catch (ConnectException | ConnectTimeoutException | NoRouteToHostException | UnknownHostException e) {
                // Nothing was sent: safe to try another target.
                last = e;
                target.reportFailure(e instanceof ConnectTimeoutException ? Failure.TIMEOUT : Failure.TCP);
                LOG.log(Level.FINE, "connect to {0} failed: {1}", new Object[] {target, e});
            } catch (StreamingRequestEntity.ClientBodyException e) {
                if (e.getCause() instanceof LimitedInputStream.TooLarge) {
                    guard.noVerdict();
                    // request-size-limiting's answer: 417 to a client that waited for 100-continue (Kong's).
                    return local(guard, ErrorResponses.json(context,
                            ErrorResponses.tooLargeStatus(exchange.request().getHeader("Expect")), ErrorResponses.TOO_LARGE));
                }
                // The client stopped sending: nothing to hold against the target or the service.
                guard.noVerdict();
                LOG.log(Level.FINE, "client body failed: {0}", e.getMessage());
                return local(guard, ErrorResponses.json(context, 400, ErrorResponses.CLIENT_BODY));
            } catch (IOException e) {
                boolean timedOut = upload != null && upload.timedOut() || isTimeout(e);
                target.reportFailure(timedOut ? Failure.TIMEOUT : Failure.TCP);
                LOG.log(Level.FINE, "exchange with {0} failed: {1}", new Object[] {target, e});
                last = timedOut ? new SocketTimeoutException(e.getMessage()) : e;
                if (!replayable) {
                    break;
                }
                onlyUntried = true;
            } finally {
                if (upload != null) {
                    watchdog.unregister(upload);
                }
                if (!handedOver) {
                    target.release();
                }
            }
        }
        if (last instanceof UnknownHostException) {
            guard.noVerdict();
            return local(guard, ErrorResponses.json(context, 503, ErrorResponses.NAME_RESOLUTION));
        }
        guard.record(true, System.nanoTime() - start);
        LOG.log(Level.FINE, "no target of {0} answered: {1}", new Object[] {service.name(), last});
        if (last instanceof SocketTimeoutException) {
            return local(guard, ErrorResponses.json(context, 504, ErrorResponses.TIMEOUT));
        }
        return local(guard, ErrorResponses.json(context, 502, ErrorResponses.BAD_GATEWAY));
    }

    /** The Set-Cookie for a hash cookie made for this request (Kong's sticky sessions), or null. */
    private static String stickyCookie(UpstreamPool pool, ServletPickRequest hashing) {
        String cookie = hashing == null ? null : hashing.newCookie();
        return cookie == null ? null : cookie + "; Path=" + pool.spec().hash().cookiePath();
    }

    private static boolean isTimeout(IOException e) {
        return e instanceof SocketTimeoutException || e instanceof InterruptedIOException;
    }

    /** HttpClient refuses an OPTIONS body without a type; that one case is labelled octet-stream. */
    private static boolean untypedOptionsBody(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Content-Type") == null;
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static InputStream limited(InputStream body, long max) {
        return max < 0 ? body : new LimitedInputStream(body, max);
    }

    private static void copyRequestHeaders(HttpServletRequest in, RequestContext context, HttpUriRequestBase out,
            boolean preserveHost) {
        UpstreamHeaders.copy(in, context, Set.of(), in.getScheme(), out::addHeader);
        String host = in.getHeader("Host");
        if (preserveHost && host != null) {
            out.setHeader("Host", host);
        }
    }

    private static Response respond(Exchange exchange, ClassicHttpResponse response, String setCookie, Runnable done) {
        Response.ResponseBuilder out = Response.status(response.getCode());
        if (setCookie != null) {
            out.header("Set-Cookie", setCookie);
        }
        Header connection = response.getFirstHeader("Connection");
        String connectionValue = connection == null ? null : connection.getValue();
        for (Header h : response.getHeaders()) {
            if (!HopByHop.isHopByHop(h.getName(), connectionValue)) {
                out.header(h.getName(), h.getValue());
            }
        }
        if (response.getEntity() == null || "HEAD".equals(exchange.request().getMethod())) {
            closeQuietly(response);
            done.run();
            return out.build();
        }
        if (response.getFirstHeader("Content-Type") == null) {
            exchange.suppressContentType();
        }
        return out.entity(new ProxiedBody(response, done, exchange::cutResponse)).build();
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing an upstream response failed", e);
        }
    }
}
