package com.gitinsight.gateway.proxy;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * Request framing the container lets through but a backend or a front proxy may read otherwise
 * (request smuggling): both {@code Content-Length} and {@code Transfer-Encoding}, a
 * {@code Transfer-Encoding} other than one {@code chunked}, several {@code Host} or
 * {@code Content-Length} headers (or of any header nginx takes once: {@code Authorization}...), a
 * header name that is not a token ({@code Transfer-Encoding :}).
 *
 * <p>Payara's HTTP layer (Grizzly) refuses {@code Transfer-Encoding} before {@code Content-Length}
 * itself, but takes {@code Content-Length} then {@code Transfer-Encoding: chunked} as chunked and
 * hides the length from the application, so the gateway cannot tell that request from a plain
 * chunked one: {@link #closeAfter} closes the connection after every chunked request, as RFC 9112
 * 6.1 asks after one that carried both (chunked uploads are rare; the cost is one new connection).
 */
final class RequestFraming {

    private RequestFraming() {}

    /**
     * The headers nginx takes once only (its {@code ngx_http_headers_in} table's unique lines; Host,
     * Content-Length and Transfer-Encoding are checked below with their own messages).
     */
    private static final java.util.Set<String> UNIQUE = uniqueNames();

    private static java.util.Set<String> uniqueNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(java.util.List.of(
                "Authorization",
                "If-Modified-Since",
                "If-Unmodified-Since",
                "If-Match",
                "If-None-Match",
                "Content-Range",
                "If-Range",
                "Expect"));
        return java.util.Collections.unmodifiableSet(names);
    }

    /** What is wrong with the request's framing, or null when it is sound. */
    static String problem(HttpServletRequest request) {
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            if (!isToken(name)) {
                // Grizzly keeps "Transfer-Encoding : chunked" as a header named with the blank: no
                // check here knows it, and a lenient backend would read it as the framing.
                return "A header name must be a token (RFC 9110 5.1): no blanks or separators";
            }
            if (UNIQUE.contains(name) && single(request.getHeaders(name)) == MANY) {
                // nginx's ngx_http_process_unique_header_line ("client sent duplicate header
                // line"): Kong answers 400 before any plugin. Two Authorization lines were checked
                // by the first and both sent on, for a backend that reads the last (helper review 212).
                return "A request carries one " + name + " header";
            }
        }
        String te = single(request.getHeaders("Transfer-Encoding"));
        if (te != null) {
            // Blanks (SP, HTAB) around it only: trim() also dropped control bytes, and Grizzly does
            // not de-chunk "\u000bchunked", so its body was lost and the rest forwarded whole
            // (attacker review 236; nginx answers 501 to an unknown coding).
            if (te == MANY || !withoutBlanks(te).equalsIgnoreCase("chunked")) {
                return "Transfer-Encoding must be exactly chunked";
            }
            // nginx: "client sent HTTP/1.0 request with Transfer-Encoding header", 400 (RFC 9112
            // 6.1: faulty framing). Grizzly does not de-chunk such a request: its body was dropped
            // and the rest forwarded as a whole request (attacker review 234).
            if (!"HTTP/1.1".equals(request.getProtocol())) {
                return "An " + request.getProtocol() + " request may not carry Transfer-Encoding";
            }
            // getHeaders, not getHeader: Grizzly answers getHeader("Content-Length") from the parsed
            // length, which it clears for a chunked request; the header itself is still there.
            Enumeration<String> lengths = request.getHeaders("Content-Length");
            if (lengths != null && lengths.hasMoreElements()) {
                return "A request may not carry both Content-Length and Transfer-Encoding";
            }
        }
        String host = single(request.getHeaders("Host"));
        if (host == MANY) {
            return "A request carries one Host header";
        }
        if (host != null && !com.gitinsight.gateway.http.HostValue.valid(host)) {
            return "Invalid Host header";
        }
        if (single(request.getHeaders("Content-Length")) == MANY) {
            return "A request carries one Content-Length header";
        }
        return null;
    }

    /** {@code value} without the spaces and tabs (RFC 9110's OWS) around it. */
    static String withoutBlanks(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    /** Whether the connection must close after this request's response. */
    static boolean closeAfter(HttpServletRequest request) {
        return request.getHeader("Transfer-Encoding") != null || asksToClose(request);
    }

    /**
     * The client asks for the connection to close: {@code close} among its {@code Connection}
     * tokens (nginx finds it anywhere; Grizzly only in a header that is exactly {@code close}: LWP's
     * {@code TE, close} kept the connection and ran what came behind it, attacker review 260), or
     * HTTP/1.0 without {@code keep-alive}.
     */
    static boolean asksToClose(HttpServletRequest request) {
        if (request.getHeader("Connection") == null) {
            return "HTTP/1.0".equals(request.getProtocol()); // one lookup for most requests
        }
        boolean keepAlive = false;
        for (Enumeration<String> values = request.getHeaders("Connection");
                values != null && values.hasMoreElements(); ) {
            for (String token : values.nextElement().split(",")) {
                String t = token.trim();
                if (t.equalsIgnoreCase("close")) {
                    return true;
                }
                keepAlive |= t.equalsIgnoreCase("keep-alive");
            }
        }
        return "HTTP/1.0".equals(request.getProtocol()) && !keepAlive;
    }

    /** Whether an answer says the connection closes after it ({@code close} among its Connection tokens). */
    static boolean closes(jakarta.servlet.http.HttpServletResponse response) {
        if (!response.containsHeader("Connection")) {
            return false;
        }
        for (String value : response.getHeaders("Connection")) {
            for (String token : value.split(",")) {
                if (token.trim().equalsIgnoreCase("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** RFC 9110 5.6.2's {@code token}: the only characters a header name may have. */
    static boolean isToken(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static final String MANY = new String("many");

    /** The only value, {@link #MANY} when there are several, null when none. */
    private static String single(Enumeration<String> values) {
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String first = values.nextElement();
        return values.hasMoreElements() ? MANY : first;
    }
}
