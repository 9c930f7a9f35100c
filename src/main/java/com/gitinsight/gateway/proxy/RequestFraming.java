package com.gitinsight.gateway.proxy;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * Request framing the container lets through but a backend or a front proxy may read otherwise
 * (request smuggling): both {@code Content-Length} and {@code Transfer-Encoding}, a
 * {@code Transfer-Encoding} other than one {@code chunked}, several {@code Host} or
 * {@code Content-Length} headers.
 */
final class RequestFraming {

    private RequestFraming() {
    }

    /** What is wrong with the request's framing, or null when it is sound. */
    static String problem(HttpServletRequest request) {
        String te = single(request.getHeaders("Transfer-Encoding"));
        if (te != null) {
            if (te == MANY || !te.trim().equalsIgnoreCase("chunked")) {
                return "Transfer-Encoding must be exactly chunked";
            }
            if (request.getHeader("Content-Length") != null) {
                return "A request may not carry both Content-Length and Transfer-Encoding";
            }
        }
        if (single(request.getHeaders("Host")) == MANY) {
            return "A request carries one Host header";
        }
        if (single(request.getHeaders("Content-Length")) == MANY) {
            return "A request carries one Content-Length header";
        }
        return null;
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
