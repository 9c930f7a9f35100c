package com.gitinsight.gateway.http;

import jakarta.servlet.ServletRequest;

/**
 * Response headers plugins add after response-transformer's header work in Kong (opentelemetry's
 * {@code http_response_header_for_traceid}, correlation-id's echo: their header_filter runs after
 * response-transformer's, priority 800): named on the request, so that response-transformer here
 * does not remove, rename or replace them.
 */
public final class LateResponseHeader {

    private static final String ATTRIBUTE = LateResponseHeader.class.getName();

    private LateResponseHeader() {}

    /** Names {@code header} as one of the request's late headers (a request has one or two). */
    public static void name(ServletRequest request, String header) {
        Object known = request.getAttribute(ATTRIBUTE);
        if (known instanceof String one) {
            request.setAttribute(ATTRIBUTE, new String[] {one, header});
        } else if (known instanceof String[] some) {
            String[] more = java.util.Arrays.copyOf(some, some.length + 1);
            more[some.length] = header;
            request.setAttribute(ATTRIBUTE, more);
        } else {
            request.setAttribute(ATTRIBUTE, header);
        }
    }

    /** Whether {@code header} is one of the request's late headers. */
    public static boolean is(ServletRequest request, String header) {
        if (request == null) {
            return false;
        }
        Object known = request.getAttribute(ATTRIBUTE);
        if (known instanceof String one) {
            return one.equalsIgnoreCase(header);
        }
        if (known instanceof String[] some) {
            for (String name : some) {
                if (name.equalsIgnoreCase(header)) {
                    return true;
                }
            }
        }
        return false;
    }
}
