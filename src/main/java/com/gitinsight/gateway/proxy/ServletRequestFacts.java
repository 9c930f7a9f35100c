package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.routing.RequestFacts;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/** The router's view of a servlet request. */
record ServletRequestFacts(HttpServletRequest request) implements RequestFacts {

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String host() {
        return request.getHeader("Host");
    }

    @Override
    public String rawPath() {
        return request.getRequestURI();
    }

    @Override
    public Enumeration<String> headers(String lowerName) {
        return request.getHeaders(lowerName);
    }
}
