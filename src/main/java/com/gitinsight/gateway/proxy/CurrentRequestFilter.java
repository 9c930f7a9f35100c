package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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

    /** Request line plus headers larger than this get 431 (nginx's large_client_header_buffers: 32k). */
    @Inject
    @ConfigProperty(name = "gateway.max-header-bytes", defaultValue = "32768")
    transient int maxHeaderBytes;

    private static int headerBytes(HttpServletRequest request) {
        String query = request.getQueryString();
        int total = request.getRequestURI().length() + (query == null ? 0 : query.length());
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements();) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements();) {
                total += name.length() + values.nextElement().length() + 4;
            }
        }
        return total;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (headerBytes(request) > maxHeaderBytes) {
            ErrorResponses.write(request, response, 431, "Request header fields too large");
            return;
        }
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
