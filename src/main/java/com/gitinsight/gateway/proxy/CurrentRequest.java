package com.gitinsight.gateway.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The servlet request being handled on this thread, bound by {@link CurrentRequestFilter}. Asking
 * JAX-RS for it per call (a {@code @Context} parameter) costs an injection lookup on every request;
 * this costs a thread-local read.
 */
@ApplicationScoped
public class CurrentRequest {

    private final ThreadLocal<HttpServletRequest> current = new ThreadLocal<>();

    void bind(HttpServletRequest request) {
        current.set(request);
    }

    void unbind() {
        current.remove();
    }

    /** The request of this thread; never null inside a request. */
    public HttpServletRequest get() {
        HttpServletRequest request = current.get();
        if (request == null) {
            throw new IllegalStateException("no servlet request bound to this thread");
        }
        return request;
    }
}
