package com.gitinsight.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;

/**
 * How a request's body is framed, in one place for every reader (the forwarder, request-transformer,
 * proxy-cache's key, key-auth's and hmac-auth's body checks, request-size-limiting): they must
 * agree, or a body one of them takes for absent reaches the backend unchecked.
 */
public final class BodyFraming {

    /** Methods whose requests carry no body in practice (HTTP/2 tells it by the stream only). */
    private static final Set<String> BODYLESS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private BodyFraming() {}

    /**
     * Whether the body's length is not known ahead, so it is read to its end: chunked, or over
     * HTTP/2 (a body needs no Content-Length there: it ends with the stream) a request without one
     * whose method takes a body. Whether such a stream carries any byte is known only by reading
     * it, which every reader does under its own bound.
     */
    public static boolean unknownLength(HttpServletRequest request) {
        if (request.getHeader("Transfer-Encoding") != null) {
            return true;
        }
        return request.getContentLengthLong() < 0 && framedByStream(request) && !BODYLESS.contains(request.getMethod());
    }

    /** Whether a message's body is framed by its stream (HTTP/2 and later), not by a length or chunks. */
    private static boolean framedByStream(HttpServletRequest request) {
        String protocol = request.getProtocol();
        return protocol != null && (protocol.startsWith("HTTP/2") || protocol.startsWith("HTTP/3"));
    }
}
