package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rest of the chain as the proxy behaves: sets the backend's status and headers, streams its
 * body ({@code {"call":N}} padded to {@code size} bytes) and closes, as Jersey does. It can fail
 * mid-body as the proxy reports it (the request's context marked, the stream closed anyway, since
 * Jersey closes it after a failure it has logged), and it ignores a client gone away (Jersey only
 * logs that too).
 */
final class FakeBackend implements FilterChain {

    private final List<String> headers = new ArrayList<>();
    private String contentType = "application/json";
    private int status = 200;
    private int size = 64;
    private boolean declareLength = true;
    private int failAfter = -1;
    private boolean failureReported;
    int calls;

    /** Adds a response header. */
    FakeBackend header(String name, String value) {
        headers.add(name);
        headers.add(value);
        return this;
    }

    /**
     * The backend answers {@code status} (as the proxy records it) but the client gets {@code sent}:
     * the gateway's own answer, a 502 for a backend that failed before its first body byte.
     */
    FakeBackend answeredByTheGateway(int sent) {
        this.gatewayStatus = sent;
        return this;
    }

    private int gatewayStatus = -1;

    FakeBackend status(int status) {
        this.status = status;
        return this;
    }

    /** Bodies of {@code size} bytes; {@code declared}: with Content-Length, else chunked. */
    FakeBackend body(int size, boolean declared) {
        this.size = size;
        this.declareLength = declared;
        return this;
    }

    /** The backend's connection breaks after {@code bytes} of the body, and the proxy reports it. */
    FakeBackend failAfter(int bytes) {
        this.failAfter = bytes;
        this.failureReported = true;
        return this;
    }

    /** The body ends after {@code bytes}, whatever its Content-Length said, and nothing reports it. */
    FakeBackend endAfter(int bytes) {
        this.failAfter = bytes;
        this.failureReported = false;
        return this;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) throws IOException {
        calls++;
        HttpServletResponse r = (HttpServletResponse) response;
        RequestContext context = RequestContext.of(request);
        if (context != null) {
            context.upstreamStatus(status); // as the proxy records the backend's answer
        }
        r.setStatus(gatewayStatus > 0 ? gatewayStatus : status);
        r.setContentType(contentType);
        for (int i = 0; i < headers.size(); i += 2) {
            r.addHeader(headers.get(i), headers.get(i + 1));
        }
        byte[] body = body();
        if (declareLength) {
            r.setHeader("Content-Length", Integer.toString(body.length));
        }
        if ("HEAD".equals(((jakarta.servlet.http.HttpServletRequest) request).getMethod())) {
            return; // as the proxy: headers only, Jersey never opens the stream
        }
        ServletOutputStream out = r.getOutputStream();
        int sent = failAfter >= 0 ? failAfter : body.length;
        try {
            // In pieces, as the proxy relays a body: a client gone mid-way stops the relay.
            for (int at = 0; at < sent; at += 256) {
                out.write(body, at, Math.min(256, sent - at));
            }
        } catch (IOException clientGone) {
            // Jersey logs a failed write to the client and closes the response; so does this.
        }
        if (failureReported) {
            RequestContext.of(request).markResponseTruncated();
        }
        out.close();
    }

    private byte[] body() {
        StringBuilder sb = new StringBuilder("{\"call\":").append(calls).append('}');
        while (sb.length() < size) {
            sb.append(' ');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
