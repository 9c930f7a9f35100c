package com.gitinsight.gateway.tracing;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A response that carries {@code http_response_header_for_traceid} with this request's trace id
 * and no other value: the header as proxy-cache stored it with an earlier answer (Kong's cache
 * stores headers before opentelemetry adds its own) or as a backend sent it is dropped, so no
 * client is handed another request's trace id, or one a backend chose. Survives {@link #reset()}
 * (the stale answer proxy-cache serves after a failure).
 */
final class TraceIdResponse extends HttpServletResponseWrapper {

    private final String name;
    private final String traceId;

    TraceIdResponse(HttpServletResponse response, String name, String traceId) {
        super(response);
        this.name = name;
        this.traceId = traceId;
        response.setHeader(name, traceId);
    }

    private boolean ours(String header) {
        return name.equalsIgnoreCase(header);
    }

    @Override
    public void setHeader(String header, String value) {
        if (!ours(header)) {
            super.setHeader(header, value);
        }
    }

    @Override
    public void addHeader(String header, String value) {
        if (!ours(header)) {
            super.addHeader(header, value);
        }
    }

    @Override
    public void setIntHeader(String header, int value) {
        if (!ours(header)) {
            super.setIntHeader(header, value);
        }
    }

    @Override
    public void addIntHeader(String header, int value) {
        if (!ours(header)) {
            super.addIntHeader(header, value);
        }
    }

    @Override
    public void setDateHeader(String header, long value) {
        if (!ours(header)) {
            super.setDateHeader(header, value);
        }
    }

    @Override
    public void addDateHeader(String header, long value) {
        if (!ours(header)) {
            super.addDateHeader(header, value);
        }
    }

    @Override
    public void reset() {
        super.reset();
        super.setHeader(name, traceId);
    }
}
