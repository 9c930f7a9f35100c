package com.gitinsight.gateway.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * One client request and its response, bound to the handling thread by {@link CurrentRequestFilter}.
 * The response is wrapped so that the proxy can stop JAX-RS from inventing a Content-Type the
 * upstream did not send (Jersey labels any streamed entity {@code application/octet-stream}).
 */
public final class Exchange {

    private final HttpServletRequest request;
    private final Response response;

    Exchange(HttpServletRequest request, HttpServletResponse response) {
        this.request = request;
        this.response = new Response(response);
    }

    public HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    /** The upstream response had no Content-Type: the client's must not get one either. */
    void suppressContentType() {
        response.suppressContentType = true;
    }

    private static final class Response extends HttpServletResponseWrapper {
        private boolean suppressContentType;

        Response(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setContentType(String type) {
            if (!suppressContentType) {
                super.setContentType(type);
            }
        }

        @Override
        public void setHeader(String name, String value) {
            if (!suppressContentType || !"Content-Type".equalsIgnoreCase(name)) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!suppressContentType || !"Content-Type".equalsIgnoreCase(name)) {
                super.addHeader(name, value);
            }
        }
    }
}
