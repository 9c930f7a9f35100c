package com.gitinsight.gateway.http;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The request's query as the client sent it, telling "no query" from an empty one: nginx keeps a
 * bare {@code ?} ({@code /request?}) and Kong sends it upstream; the servlet API gives null for
 * both. Where the server's HTTP layer can tell them apart (Payara's Grizzly, {@code
 * proxy.MalformedUriGuard}'s probe) it marks the empty one with {@link #EMPTY}.
 */
public final class RawQuery {

    /** Request attribute set (to TRUE) on a request whose target ended with an empty query. */
    public static final String EMPTY = "com.gitinsight.gateway.emptyQuery";

    private RawQuery() {}

    /** The query as sent: null when there was no {@code ?}, {@code ""} for a bare one. */
    public static String of(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null && request.getAttribute(EMPTY) != null) {
            return "";
        }
        return query;
    }
}
