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
    /** Kong's span of this plugin's access phase. */
    private final String accessSpan;

    protected PluginFilter(String plugin, Class<C> type) {
        this.plugin = plugin;
        this.type = type;
        this.accessSpan = "kong.access.plugin." + plugin;
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
        RequestTrace trace = context.trace();
        if (trace.tracesPhases() && hasAccessPhase()) {
            // Kong's kong.access.plugin.<name>: the plugin's own work, until it passes the request
            // on (or answers it), not what the plugins after it and the backend take.
            RequestTrace.Phase phase = trace.phase(accessSpan);
            try {
                apply(config, context, request, response, (req, res) -> {
                    phase.close();
                    chain.doFilter(req, res);
                });
            } finally {
                phase.close();
            }
            return;
        }
        apply(config, context, request, response, chain);
    }

    /**
     * Whether Kong's plugin has an access phase (its span, {@code kong.access.plugin.<name>}); not
     * one that only changes the response.
     */
    protected boolean hasAccessPhase() {
        return true;
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
