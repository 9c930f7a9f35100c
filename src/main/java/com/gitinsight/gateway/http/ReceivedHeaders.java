package com.gitinsight.gateway.http;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request's header section as it arrived, frozen: what every check and the backend read.
 *
 * <p>Payara's HTTP layer (Grizzly) adds a request's trailer fields to its headers: those of a
 * chunked body once the body has been read to its end, those of an HTTP/2 stream whenever its
 * trailing HEADERS frame arrives. A check made before the body was read (proxy-cache's "a request
 * with Cookie is not cached", ip-restriction, a route's {@code headers}) and the header copy made
 * after it (request buffering, the cache key's body digest) would then read two different
 * requests: a {@code Cookie} sent as a trailer reached the backend on a request the cache stored
 * for everyone. nginx never takes a trailer for a header, so no trailer reaches a backend behind
 * Kong either: here the headers stay as they were when the request came in, and trailers are
 * never forwarded. A request whose trailers had already joined its headers when it reached the
 * gateway is refused (see {@link #asReceived}).
 */
public final class ReceivedHeaders extends HttpServletRequestWrapper {

    /** The answer to a request whose trailers are among its headers already. */
    public static final String REFUSED = "Request trailers are not accepted";

    private final Map<String, List<String>> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<String> names = new ArrayList<>();
    private final long contentLength;
    private final String contentType;
    private final Cookie[] cookies;

    private ReceivedHeaders(HttpServletRequest request) {
        super(request);
        Enumeration<String> all = request.getHeaderNames();
        while (all != null && all.hasMoreElements()) {
            String name = all.nextElement();
            if (values.containsKey(name)) {
                continue;
            }
            values.put(name, Collections.unmodifiableList(Collections.list(request.getHeaders(name))));
            names.add(name);
        }
        contentLength = request.getContentLengthLong();
        contentType = request.getContentType();
        // Parsed now, while the Cookie lines are the client's own (Payara parses them once, lazily).
        cookies = values.containsKey("Cookie") ? request.getCookies() : null;
    }

    /**
     * {@code request} as every check and the backend read it: its headers frozen now when trailers
     * may still join them (a chunked body, an HTTP/2 stream); null when trailers have joined them
     * already, where no check can tell them apart (a chunked request received whole with its head,
     * whose {@code Content-Length} trailer even took its {@code Transfer-Encoding} away): such a
     * request is refused ({@link #REFUSED}). Over HTTP/2 the container marks no trailer: one that
     * came with the head is read as a header, by every check and the backend alike.
     */
    public static HttpServletRequest asReceived(HttpServletRequest request) {
        // Frozen first, the container's mark read after: a trailer merged while the headers were
        // copied is seen, and one merged later never reaches the copy. Looked for on every request:
        // a Content-Length trailer can leave one looking like a request without a body.
        HttpServletRequest read = mayGainTrailers(request) ? new ReceivedHeaders(request) : request;
        // Not by the request line's protocol, which a client writes ("HTTP/2.0" over HTTP/1.1):
        // the container's own HTTP/2 requests are told apart by ContainerTrailers.
        return ContainerTrailers.merged(request) ? null : read;
    }

    /**
     * Whether trailer fields may still join this request's headers: a chunked body (HTTP/1.1), or
     * any HTTP/2 stream (its trailers are decoded as they arrive, body read or not).
     */
    static boolean mayGainTrailers(HttpServletRequest request) {
        if (request.getHeader("Transfer-Encoding") != null) {
            return true;
        }
        String protocol = request.getProtocol();
        return protocol != null && (protocol.startsWith("HTTP/2") || protocol.startsWith("HTTP/3"));
    }

    @Override
    public String getHeader(String name) {
        List<String> lines = values.get(name);
        return lines == null || lines.isEmpty() ? null : lines.get(0);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        List<String> lines = values.get(name);
        return Collections.enumeration(lines == null ? List.of() : lines);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(names);
    }

    // The container reads a header's first line, which a trailer (appended after) never changes.
    @Override
    public int getIntHeader(String name) {
        return getHeader(name) == null ? -1 : super.getIntHeader(name);
    }

    @Override
    public long getDateHeader(String name) {
        return getHeader(name) == null ? -1 : super.getDateHeader(name);
    }

    @Override
    public long getContentLengthLong() {
        return contentLength;
    }

    @Override
    public int getContentLength() {
        return contentLength > Integer.MAX_VALUE ? -1 : (int) contentLength;
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public Cookie[] getCookies() {
        return cookies == null ? null : cookies.clone();
    }
}
