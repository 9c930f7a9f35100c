package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.routing.RequestFacts;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/** The router's view of a servlet request, with its path already normalised. */
record ServletRequestFacts(HttpServletRequest request, String path) implements RequestFacts {

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String host() {
        return request.getHeader("Host");
    }

    @Override
    public int localPort() {
        return request.getLocalPort();
    }

    @Override
    public Enumeration<String> headers(String lowerName) {
        return request.getHeaders(lowerName);
    }
}
