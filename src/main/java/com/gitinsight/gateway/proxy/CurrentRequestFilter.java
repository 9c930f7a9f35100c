package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The head of the filter chain: binds each request to its thread for the proxy resource and
 * matches its route once (a {@link RequestContext} every later filter reads).
 */
public class CurrentRequestFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    transient CurrentRequest current;

    @Inject
    transient GatewayRuntime runtime;

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        current = Unproxied.instance(current);
        runtime = Unproxied.instance(runtime);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Exchange exchange = current.bind(request, response);
        // The route is matched once, here, for every filter behind this one and the proxy.
        GatewaySnapshot snapshot = runtime.snapshot();
        RequestContext.attach(request, snapshot, snapshot.router().match(new ServletRequestFacts(request)));
        try {
            chain.doFilter(request, exchange.response());
        } finally {
            exchange.end();
            current.unbind();
        }
    }
}
