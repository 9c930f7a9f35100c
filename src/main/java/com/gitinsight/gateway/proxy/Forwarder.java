package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.http.ClientTooSlow;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.HeaderNames;
import com.gitinsight.gateway.http.KongHeaders;
import com.gitinsight.gateway.http.LimitedInputStream;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.upstream.Failure;
import com.gitinsight.gateway.upstream.Target;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
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
 * The HTTP transport of {@link UpstreamCall}: sends one client request to the target the call
 * picked, with the body streamed and watched for the write timeout, and turns the upstream's
 * answer into a streamed JAX-RS response. Admission, the pick, retries, health reporting and the
 * gateway's own errors are the call's.
 */
final class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class.getName());
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final UpstreamClient client;
    private final WriteWatchdog watchdog;
    private final RequestBuffering buffering;

    Forwarder(UpstreamClient client, WriteWatchdog watchdog, RequestBuffering buffering) {
        this.client = client;
        this.watchdog = watchdog;
        this.buffering = buffering;
    }

    Response forward(RequestContext context, Exchange exchange, InputStream body) {
        HttpServletRequest request = exchange.request();
        // A plugin that read the client's body (key-auth's key_in_body, request-transformer) hands on what goes
        // instead.
        InputStream replaced = context.upstreamBody();
        boolean hasBody = replaced != null || hasBody(request);
        String method = method(context, request);
        UpstreamCall call = new UpstreamCall(context, request, !hasBody && IDEMPOTENT.contains(method));
        InputStream limited = limited(replaced != null ? replaced : body, context.maxBodyBytes());
        boolean ownConnection = false;
        if (hasBody) {
            try {
                BodyStart.Peeked peeked = BodyStart.peek(limited);
                limited = peeked.body();
                ownConnection = peeked.looksLikeARequest();
            } catch (IOException e) {
                return clientBodyFailed(e, request).response(request);
            }
        }
        long length = replaced != null ? context.upstreamBodyLength() : request.getContentLengthLong();
        InputStream sent = limited;
        boolean closeAfter = ownConnection;
        if (!hasBody || length >= 0 || !context.match().route().requestBuffering()) {
            return call.forward(
                    target -> send(call, exchange, sent, hasBody, closeAfter, length, method, target),
                    answer -> answer.response(request));
        }
        RequestBuffering.Held held;
        try {
            held = buffering.hold(sent);
        } catch (IOException e) {
            return clientBodyFailed(e, request).response(request);
        }
        try {
            return call.forward(
                    target -> send(call, exchange, held.body(), true, closeAfter, held.length(), method, target),
                    answer -> answer.response(request));
        } finally {
            // The classic client has written the whole request before it hands back an answer.
            held.release().run();
        }
    }

    /** Reading the client's body failed: request-size-limiting's 413 (417 to a 100-continue), else 400. */
    private static LocalAnswer clientBodyFailed(IOException e, HttpServletRequest request) {
        if (e instanceof LimitedInputStream.TooLarge) {
            // request-size-limiting's answer: 417 to a client that waited for 100-continue (Kong's).
            return LocalAnswer.of(ErrorResponses.tooLargeStatus(request.getHeader("Expect")), ErrorResponses.TOO_LARGE);
        }
        // The client stopped sending: nothing to hold against the target or the service.
        LOG.log(Level.FINE, "client body failed: {0}", e.getMessage());
        return LocalAnswer.of(ClientTooSlow.status(e), ClientTooSlow.message(e));
    }

    /** The method the backend gets: a plugin's override (request-transformer's http_method), else the client's. */
    private static String method(RequestContext context, HttpServletRequest request) {
        return context.upstreamMethod() != null ? context.upstreamMethod() : request.getMethod();
    }

    /** One attempt at {@code target}; what became of it, for the call to decide what follows. */
    private UpstreamCall.Outcome<Response> send(
            UpstreamCall call,
            Exchange exchange,
            InputStream body,
            boolean hasBody,
            boolean closeAfter,
            long length,
            String method,
            Target target) {
        HttpServletRequest request = exchange.request();
        ServiceSpec service = call.service();
        HttpUriRequestBase upstream = new UpstreamRequest(method, target.baseUri());
        upstream.setPath(call.pathAndQuery());
        String name = call.hostName(target);
        boolean defaultPort = target.port() == ("https".equals(service.protocol()) ? 443 : 80);
        if ((defaultPort || !name.equals(target.baseUri().getHost())) && !name.startsWith("[")) {
            // The Host the target gets: the upstream's host_header, else its name, with the port
            // unless it is the scheme's own (Kong's runloop).
            upstream.setAuthority(new org.apache.hc.core5.net.URIAuthority(name, defaultPort ? -1 : target.port()));
        }
        call.headers(Set.of(), request.getScheme(), upstream::addHeader);
        String host = call.preservedHost();
        if (host != null) {
            upstream.setHeader("Host", host);
        }
        WriteWatchdog.Upload upload = null;
        if (closeAfter) {
            upstream.setHeader("Connection", "close"); // see BodyStart
        }
        if (hasBody) {
            upload = watchdog.register(upstream, service.writeTimeoutMs());
            upstream.setEntity(new StreamingRequestEntity(body, length, upload));
            if (untypedOptionsBody(method, request)) {
                upstream.setHeader("Content-Type", ContentType.APPLICATION_OCTET_STREAM.getMimeType());
            }
        }
        try {
            java.net.InetAddress address = target.inetAddress();
            if (address == null && !name.equals(target.baseUri().getHost())) {
                // host_header names the Host, not where to connect (targets are resolved up front;
                // only a test's target is not).
                address = java.net.InetAddress.getByName(target.host());
            }
            ClassicHttpResponse response = client.open(
                    new HttpHost(service.protocol(), address, name, target.port()), upstream, service, call.tls());
            if (response.containsHeader("Transfer-Encoding") && response.containsHeader("Content-Length")) {
                // Both framings (RFC 9112 6.3: a splitting attempt): the client would get the
                // Content-Length beside a body of another length. nginx answers 502 once (its
                // invalid_header is no reason to try the next target) and counts no connection failure.
                upstream.cancel();
                closeQuietly(response);
                LOG.log(
                        Level.WARNING,
                        "upstream {0} sent Content-Length and Transfer-Encoding headers at the same time",
                        target);
                return UpstreamCall.local(LocalAnswer.upstreamFailure(502, ErrorResponses.BAD_GATEWAY));
            }
            return UpstreamCall.answered(
                    response.getCode(),
                    release ->
                            respond(exchange, response, upstream, call.stickyCookie(), exchange.releaseOnEnd(release)));
        } catch (ConnectException | ConnectTimeoutException | NoRouteToHostException | UnknownHostException e) {
            // Nothing was sent: safe to try another target.
            return UpstreamCall.notConnected(e instanceof ConnectTimeoutException ? Failure.TIMEOUT : Failure.TCP, e);
        } catch (StreamingRequestEntity.ClientBodyException e) {
            return UpstreamCall.local(clientBodyFailed(e.getCause() instanceof IOException cause ? cause : e, request));
        } catch (org.apache.hc.core5.http.ConnectionRequestTimeoutException e) {
            // Every pooled connection to the target stayed in use (gateway.upstream.max-connections-per-target):
            // the gateway's own limit, not the target's failure (no passive health count, no 504).
            LOG.log(Level.FINE, "no free connection to {0}: {1}", new Object[] {target, e.getMessage()});
            return UpstreamCall.local(new LocalAnswer(503, ErrorResponses.NO_CONNECTION, 1));
        } catch (org.apache.hc.client5.http.ClientProtocolException
                | org.apache.hc.core5.http.MessageConstraintException e) {
            // The backend's head does not parse, or is past the head limits (HttpLimits): nginx's
            // invalid_header ("upstream sent invalid header" / "too big header"), which Kong's
            // proxy_next_upstream (nginx's "error timeout") does not retry (helper reviews 160, 162:
            // it was tried again, retries times). 502 once, as the two-framings case.
            upstream.cancel();
            LOG.log(Level.WARNING, "upstream {0} sent an invalid response: {1}", new Object[] {target, e.getMessage()});
            return UpstreamCall.local(LocalAnswer.upstreamFailure(502, ErrorResponses.BAD_GATEWAY));
        } catch (IOException e) {
            if (upload != null && upload.timedOut()) {
                return UpstreamCall.failedSending(Failure.TIMEOUT, e);
            }
            return UpstreamCall.failed(isTimeout(e) ? Failure.TIMEOUT : Failure.TCP, e);
        } finally {
            if (upload != null) {
                watchdog.unregister(upload);
            }
        }
    }

    private static boolean isTimeout(IOException e) {
        return e instanceof SocketTimeoutException || e instanceof InterruptedIOException;
    }

    /** HttpClient refuses an OPTIONS body without a type; that one case is labelled octet-stream. */
    private static boolean untypedOptionsBody(String method, HttpServletRequest request) {
        return "OPTIONS".equals(method)
                && request.getHeader("Content-Type") == null
                && RequestContext.of(request).upstreamHeaders().get("Content-Type") == null;
    }

    /**
     * Whether the client's body goes upstream: a length, chunks, or over HTTP/2 a method that takes
     * a body without a length ({@link com.gitinsight.gateway.http.BodyFraming}, which every body
     * reader shares); such a body is streamed under the send's write timeout, empty if none came.
     */
    static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || com.gitinsight.gateway.http.BodyFraming.unknownLength(request);
    }

    private static InputStream limited(InputStream body, long max) {
        return max < 0 ? body : new LimitedInputStream(body, max);
    }

    /**
     * Which of a backend's headers the balancer's new cookie replaces, or -1: Kong's set_cookie
     * replaces the first {@code Set-Cookie} of the same name, or the client would keep the
     * backend's value and hash to another target next time.
     */
    static int replacedCookie(Header[] headers, String setCookie) {
        if (setCookie != null) {
            String prefix = setCookie.substring(0, setCookie.indexOf('=') + 1);
            for (int i = 0; i < headers.length; i++) {
                if (headers[i].getName().equalsIgnoreCase("Set-Cookie")
                        && headers[i].getValue().startsWith(prefix)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Response respond(
            Exchange exchange,
            ClassicHttpResponse response,
            HttpUriRequestBase upstream,
            String setCookie,
            Runnable done) {
        // A body never sent whole is never read to its end: closing a response reads the rest of it.
        Runnable abandon = () -> {
            upstream.cancel();
            closeQuietly(response);
        };
        try {
            Response.ResponseBuilder out = Response.status(response.getCode());
            if (setCookie != null) {
                out.header("Set-Cookie", setCookie);
            }
            String connectionValue = HopByHop.connectionOptions(response.getHeaders("Connection"));
            RequestContext context = RequestContext.of(exchange.request());
            if (context != null && !com.gitinsight.gateway.http.StatusReasons.containerNames(response.getCode())) {
                // nginx passes a backend's status line on; Payara's listener would write "CUSTOM".
                context.upstreamReason(com.gitinsight.gateway.http.StatusReasons.sendable(response.getReasonPhrase()));
            }
            // The gateway's X-Kong-Request-Id replaces a backend's (not logged, not cached).
            boolean ownId = context != null && context.kongRequestIdDownstream();
            // Kong's X-Kong-Upstream-Status, when gateway.headers names it: the backend's status,
            // whatever a plugin makes of the answer later (a backend's copy replaced).
            boolean ownStatus = context != null && context.sendsUpstreamStatus();
            if (ownStatus) {
                out.header(KongHeaders.UPSTREAM_STATUS, Integer.toString(response.getCode()));
            }
            // Kong keeps a backend's Trailer header for a client that asked for trailers.
            boolean trailers = HopByHop.wantsTrailers(exchange.request());
            Header[] headers = response.getHeaders();
            int replaced = replacedCookie(headers, setCookie);
            for (int i = 0; i < headers.length; i++) {
                Header h = headers[i];
                if (i == replaced) {
                    continue;
                }
                boolean keptTrailer = trailers && h.getName().equalsIgnoreCase("Trailer");
                // A name that is no token (X-A B) is refused in requests and never passed on to a
                // client either (attacker review 188): a lenient client or cache would read it apart.
                if ((keptTrailer || !HopByHop.isHopByHop(h.getName(), connectionValue))
                        && !(ownId && KongHeaders.REQUEST_ID.equalsIgnoreCase(h.getName()))
                        && !(ownStatus && KongHeaders.UPSTREAM_STATUS.equalsIgnoreCase(h.getName()))
                        && RequestFraming.isToken(h.getName())) {
                    out.header(HeaderNames.shared(h.getName()), h.getValue());
                }
            }
            if (response.getFirstHeader("Content-Type") == null
                    || connectionValue != null && HopByHop.listsToken(connectionValue, "content-type")) {
                // None sent (or none passed on): none made up (JAX-RS would label it octet-stream,
                // or a HEAD with the resource's type: helper review 245).
                exchange.suppressContentType();
            }
            if (response.getEntity() == null || "HEAD".equals(exchange.request().getMethod())) {
                // A HEAD whose method a plugin changed (request-transformer) may have a body.
                abandon.run();
                done.run();
                return out.build();
            }
            if (context != null
                    && response.getEntity().getContentLength() < 0
                    && !response.getEntity().isChunked()) {
                context.markResponseUnframed(); // ends at the backend's close: a cut one looks whole
            }
            // JAX-RS may never write the entity (a header it cannot parse fails the response first).
            exchange.onUnwritten(abandon);
            return out.entity(new ProxiedBody(response, upstream, done, exchange::cutResponse))
                    .build();
        } catch (RuntimeException e) {
            abandon.run(); // a status JAX-RS refuses (above 599), say
            throw e;
        }
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing an upstream response failed", e);
        }
    }
}
