package com.gitinsight.gateway.tracing;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A response that carries {@code http_response_header_for_traceid} with this request's trace id
 * and no other value: the header as proxy-cache stored it with an earlier answer (Kong's cache
 * stores headers before opentelemetry adds its own) or as a backend sent it is dropped, so no
 * client is handed another request's trace id, or one a backend chose. Survives {@link #reset()}
 * (the stale answer proxy-cache serves after a failure).
 *
 * <p>The id is asked for when the response is about to be committed (its body started, an error
 * sent, or {@link #complete()} at the end), as Kong's header filter asks: by then it is known
 * whether the request reached the plugin's access phase (the client's trace) or not (its own).
 */
final class TraceIdResponse extends HttpServletResponseWrapper {

    private final String name;
    private final java.util.function.Supplier<String> traceId;
    private boolean set;

    TraceIdResponse(HttpServletResponse response, String name, java.util.function.Supplier<String> traceId) {
        super(response);
        this.name = name;
        this.traceId = traceId;
    }

    /** Sets the header unless set already or too late (the response committed). */
    void complete() {
        if (!set && !isCommitted()) {
            set = true;
            String id = traceId.get();
            if (id != null) {
                super.setHeader(name, id);
            }
        }
    }

    @Override
    public jakarta.servlet.ServletOutputStream getOutputStream() throws java.io.IOException {
        complete();
        return super.getOutputStream();
    }

    @Override
    public java.io.PrintWriter getWriter() throws java.io.IOException {
        complete();
        return super.getWriter();
    }

    @Override
    public void flushBuffer() throws java.io.IOException {
        complete();
        super.flushBuffer();
    }

    @Override
    public void sendError(int sc, String msg) throws java.io.IOException {
        complete();
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws java.io.IOException {
        complete();
        super.sendError(sc);
    }

    @Override
    public void sendRedirect(String location) throws java.io.IOException {
        complete();
        super.sendRedirect(location);
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
        String id = set ? traceId.get() : null;
        if (id != null) {
            super.setHeader(name, id);
        }
    }
}
