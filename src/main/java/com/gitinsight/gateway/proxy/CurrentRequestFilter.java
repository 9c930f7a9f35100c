package com.gitinsight.gateway.proxy;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Binds each request to its thread for the proxy resource; the first filter of the chain. */
@WebFilter(filterName = "current-request", urlPatterns = "/*", asyncSupported = true)
public class CurrentRequestFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    transient CurrentRequest current;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Exchange exchange = current.bind(request, response);
        try {
            chain.doFilter(request, exchange.response());
        } finally {
            exchange.end();
            current.unbind();
        }
    }
}
