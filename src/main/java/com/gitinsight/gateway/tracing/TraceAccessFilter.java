package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Where Kong's opentelemetry access handler runs (priority 14): its propagation sets the log
 * record's {@code trace_id} there, so a request a plugin of higher priority answered (an auth
 * refusal, a rate limit, a cache hit), or that no route matched, logs none. The request's span itself starts before every
 * plugin ({@link TracingFilter}).
 */
public class TraceAccessFilter extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;

    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.at(plugins, OpenTelemetrySchema.NAME);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        // No route matched: Kong answers its 404 before any plugin's access phase.
        if (context != null && context.match() != null) {
            // Kong's span of this plugin's access phase (its propagation), as of every plugin's.
            try (com.gitinsight.gateway.runtime.RequestTrace.Phase phase =
                    context.trace().phase("kong.access.plugin." + OpenTelemetrySchema.NAME)) {
                context.trace().accessReached();
            }
        }
        chain.doFilter(request, response);
    }
}
