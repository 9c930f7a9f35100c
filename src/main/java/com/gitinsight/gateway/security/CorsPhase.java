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

/**
 * cors's response phase (Kong's {@code header_filter}), apart from its access phase
 * ({@link CorsFilter}, priority 2000, which answers preflights): Kong runs it on every answer of a
 * request the plugin applies to, also one bot-detection (priority 2500) refused before cors's access
 * phase ran, and a global instance's on a request no route matched (the 404). cors applies to no
 * consumer in Kong, so its instance is known before authentication.
 */
public class CorsPhase extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;

    /** Before every Kong plugin (bot-detection is the first), inside the header limits. */
    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.before(plugins, BotDetectionSchema.NAME);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        CorsSchema.Config config =
                context == null || !context.snapshot().plugins().uses(CorsSchema.NAME) || context.gatewayOwn()
                        ? null
                        : context.match() == null
                                ? context.pluginOnEveryResponse(CorsSchema.NAME, CorsSchema.Config.class)
                                : context.plugin(CorsSchema.NAME, CorsSchema.Config.class);
        ManagedHeaders headers = config == null ? null : CorsFilter.originHeaders(config, request, response);
        if (headers == null) {
            chain.doFilter(request, response);
            return;
        }
        try {
            chain.doFilter(request, headers.over(response));
        } finally {
            headers.apply();
        }
    }
}
