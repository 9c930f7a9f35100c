package com.gitinsight.gateway.routing;

/**
 * What the router needs to know of a request. Implemented over the servlet request by the proxy,
 * and by plain records in tests.
 */
public interface RequestFacts {

    String method();

    /** The Host header as sent (may carry a port), or null. */
    String host();

    /**
     * The port the request arrived on, which a route host with a port compares when the Host
     * header names none (Kong's {@code net.dst.port}); -1 when unknown.
     */
    default int localPort() {
        return -1;
    }

    /**
     * Whether the request came over TLS to the gateway's own listener (not a proxy's word): Kong
     * checks a route's snis then, so they do not add to its weight here. False by default.
     */
    default boolean tls() {
        return false;
    }

    /** The normalised path ({@link RequestPath#normalize}), without the query. */
    String path();

    /** Every value of a header; used where a route lists several acceptable values. */
    java.util.Enumeration<String> headers(String lowerName);

    /**
     * A header value as UTF-8 text, or null when its bytes are not UTF-8: Kong compares a value's
     * bytes with the file's UTF-8 text, and a container hands the bytes over one a character. By
     * default only ASCII is text.
     */
    default String headerText(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return null;
            }
        }
        return value;
    }
}
