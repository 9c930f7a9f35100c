package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The servlet filter of one plugin: {@link #apply} runs where the request's route, service or the
 * global plugins configure it; elsewhere the request passes on untouched. It runs at its plugin's
 * priority among the other filters (Kong's order; see {@code proxy.PluginFilters}).
 */
public abstract class PluginFilter<C extends PluginConfig> extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;

    private final String plugin;
    private final Class<C> type;

    protected PluginFilter(String plugin, Class<C> type) {
        this.plugin = plugin;
        this.type = type;
    }

    /** The plugin this filter runs. */
    public final String plugin() {
        return plugin;
    }

    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.at(plugins, plugin);
    }

    @Override
    protected final void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        // No context: a node with no configuration yet answering its health checks; no plugin runs.
        C config = context == null ? null : config(context);
        if (config == null) {
            chain.doFilter(request, response);
            return;
        }
        apply(config, context, request, response, chain);
    }

    /**
     * This request's config of the plugin, or null: none where no route matched, as Kong runs no
     * plugin there; a plugin whose Kong phase runs before routing overrides it.
     */
    protected C config(RequestContext context) {
        return context.plugin(plugin, type);
    }

    /** The plugin's work on a request it applies to; passes the request on with {@code chain} or answers it. */
    protected abstract void apply(
            C config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException;
}
