package com.gitinsight.gateway.security;

import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code cors}. A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
 * answered here with 204, before authentication, rate limiting or any backend call (unless
 * {@code preflight_continue}); other requests get the Access-Control headers on their response,
 * replacing a backend's. {@code Vary: Origin} always; a disallowed origin gets no
 * Access-Control-Allow-* header; with {@code credentials} the origin is echoed, never {@code *}.
 */
public class CorsFilter extends PluginFilter<CorsPlugin.Config> {

    private static final long serialVersionUID = 1L;

    public CorsFilter() {
        super(CorsPlugin.NAME, CorsPlugin.Config.class);
    }

    @Override
    protected void apply(CorsPlugin.Config config, RequestContext context, HttpServletRequest request,
            HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        ManagedHeaders headers = ManagedHeaders.of(request, response);
        headers.manage("Vary", "Origin", ManagedHeaders.Mode.APPEND);
        boolean allowed = origin != null && config.allows(origin);
        if (allowed) {
            headers.manage("Access-Control-Allow-Origin",
                    config.anyOrigin() && !config.credentials() ? "*" : origin, ManagedHeaders.Mode.OVERRIDE);
            if (config.credentials()) {
                headers.manage("Access-Control-Allow-Credentials", "true", ManagedHeaders.Mode.OVERRIDE);
            }
        }
        boolean preflight = "OPTIONS".equals(request.getMethod()) && origin != null
                && request.getHeader("Access-Control-Request-Method") != null;
        if (preflight && !config.preflightContinue()) {
            if (allowed) {
                headers.manage("Access-Control-Allow-Methods", config.methods(), ManagedHeaders.Mode.OVERRIDE);
                String allowHeaders = config.headers() != null ? config.headers()
                        : request.getHeader("Access-Control-Request-Headers");
                if (allowHeaders != null && !allowHeaders.isEmpty()) {
                    headers.manage("Access-Control-Allow-Headers", allowHeaders, ManagedHeaders.Mode.OVERRIDE);
                }
                if (config.maxAge() != null) {
                    headers.manage("Access-Control-Max-Age", config.maxAge(), ManagedHeaders.Mode.OVERRIDE);
                }
                if (config.privateNetwork() && "true".equals(request.getHeader("Access-Control-Request-Private-Network"))) {
                    headers.manage("Access-Control-Allow-Private-Network", "true", ManagedHeaders.Mode.OVERRIDE);
                }
            }
            headers.setStatus(204);
            headers.setContentLength(0);
            headers.apply();
            return;
        }
        if (allowed && config.exposedHeaders() != null) {
            headers.manage("Access-Control-Expose-Headers", config.exposedHeaders(), ManagedHeaders.Mode.OVERRIDE);
        }
        try {
            chain.doFilter(request, headers);
        } finally {
            headers.apply();
        }
    }
}
