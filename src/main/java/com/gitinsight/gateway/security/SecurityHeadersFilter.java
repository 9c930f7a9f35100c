package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.http.ManagedHeaders;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** Applies plugin {@code security-headers} to every response of the routes (or globally) it is on. */
public class SecurityHeadersFilter extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;

    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.at(plugins, SecurityHeadersSchema.NAME);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        SecurityHeadersSchema.Config config = context == null
                ? null
                : context.pluginOnEveryResponse(SecurityHeadersSchema.NAME, SecurityHeadersSchema.Config.class);
        if (config == null) {
            chain.doFilter(request, response);
            return;
        }
        ManagedHeaders headers = ManagedHeaders.of(request, response);
        ManagedHeaders.Mode mode = config.override() ? ManagedHeaders.Mode.OVERRIDE : ManagedHeaders.Mode.DEFAULT;
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            headers.manage(h.getKey(), h.getValue(), mode);
        }
        try {
            chain.doFilter(request, headers.over(response));
        } finally {
            headers.apply();
        }
    }
}
