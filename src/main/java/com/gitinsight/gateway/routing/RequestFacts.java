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

    /** The normalised path ({@link RequestPath#normalize}), without the query. */
    String path();

    /** Every value of a header; used where a route lists several acceptable values. */
    java.util.Enumeration<String> headers(String lowerName);
}
