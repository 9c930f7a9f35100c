package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginSpec;
import com.gitinsight.gateway.config.RouteSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * Which plugin configuration applies to each route, resolved once per configuration with Kong's
 * precedence (route, then service, then global), so a filter finds its config with one lookup.
 */
public final class PluginIndex {

    private final Map<String, Map<String, PluginConfig>> byRoute;
    private final Map<String, PluginConfig> global;

    private PluginIndex(Map<String, Map<String, PluginConfig>> byRoute, Map<String, PluginConfig> global) {
        this.byRoute = byRoute;
        this.global = global;
    }

    static PluginIndex build(GatewayConfig config) {
        Map<String, PluginConfig> global = new HashMap<>();
        for (PluginSpec p : config.plugins()) {
            if (p.scope() == PluginSpec.Scope.GLOBAL) {
                global.put(p.name(), p.config());
            }
        }
        Map<String, Map<String, PluginConfig>> byRoute = new HashMap<>();
        for (RouteSpec r : config.routes()) {
            Map<String, PluginConfig> effective = new HashMap<>(global);
            for (PluginSpec p : config.pluginsFor(PluginSpec.Scope.SERVICE, r.service())) {
                effective.put(p.name(), p.config());
            }
            for (PluginSpec p : config.pluginsFor(PluginSpec.Scope.ROUTE, r.displayName())) {
                effective.put(p.name(), p.config());
            }
            byRoute.put(r.displayName(), Map.copyOf(effective));
        }
        return new PluginIndex(Map.copyOf(byRoute), Map.copyOf(global));
    }

    /** The plugin's config for {@code route} (null: no route matched, global plugins only), or null. */
    public <T extends PluginConfig> T config(RouteSpec route, String plugin, Class<T> type) {
        Map<String, PluginConfig> plugins = route == null ? global : byRoute.get(route.displayName());
        PluginConfig c = plugins == null ? null : plugins.get(plugin);
        return type.isInstance(c) ? type.cast(c) : null;
    }
}
