package com.gitinsight.gateway.http;

import jakarta.servlet.ServletRequest;

/**
 * A response header a plugin adds after every other plugin's header work in Kong
 * (opentelemetry's {@code http_response_header_for_traceid}, added in its header_filter after
 * response-transformer's): named on the request, so that the plugins that run before it here do
 * not remove, rename or replace it.
 */
public final class LateResponseHeader {

    private static final String ATTRIBUTE = LateResponseHeader.class.getName();

    private LateResponseHeader() {}

    public static void name(ServletRequest request, String header) {
        request.setAttribute(ATTRIBUTE, header);
    }

    /** Whether {@code header} is the request's late header. */
    public static boolean is(ServletRequest request, String header) {
        return request != null
                && request.getAttribute(ATTRIBUTE) instanceof String late
                && late.equalsIgnoreCase(header);
    }
}
