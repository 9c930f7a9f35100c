package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginSpec;
import com.gitinsight.gateway.config.RouteSpec;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Which plugin configuration applies to each route, resolved once per configuration with Kong's
 * precedence (route, then service, then global), so a filter finds its config with one lookup;
 * and which plugin instance each configuration is (state that belongs to an instance, such as
 * rate-limit counters, is kept per instance, as Kong keys it by the instance's service and route).
 */
public final class PluginIndex {

    private final Map<String, Map<String, PluginConfig>> byRoute;
    private final Map<String, PluginConfig> global;
    private final Map<PluginConfig, String> instances;

    private PluginIndex(Map<String, Map<String, PluginConfig>> byRoute, Map<String, PluginConfig> global,
            Map<PluginConfig, String> instances) {
        this.byRoute = byRoute;
        this.global = global;
        this.instances = instances;
    }

    static PluginIndex build(GatewayConfig config) {
        Map<String, PluginConfig> global = new HashMap<>();
        // By identity: two instances with equal settings are still two instances.
        Map<PluginConfig, String> instances = new IdentityHashMap<>();
        for (PluginSpec p : config.plugins()) {
            instances.put(p.config(), instance(p));
        }
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
        return new PluginIndex(Map.copyOf(byRoute), Map.copyOf(global), Collections.unmodifiableMap(instances));
    }

    /** Where an instance is attached, by name, so it names the same instance after a reload. */
    private static String instance(PluginSpec p) {
        return switch (p.scope()) {
            case GLOBAL -> "global";
            case SERVICE -> "service:" + p.scopeName();
            case ROUTE -> "route:" + p.scopeName();
            case CONSUMER -> "consumer:" + p.scopeName();
        };
    }

    /**
     * The plugin instance {@code config} belongs to: {@code global}, {@code service:<name>},
     * {@code route:<name>} or {@code consumer:<name>} (the scope it is attached to; a plugin name
     * is unique per scope). Null for a config this index did not make.
     */
    public String instance(PluginConfig config) {
        return instances.get(config);
    }

    /** The plugin's config for {@code route} (null: no route matched, global plugins only), or null. */
    public <T extends PluginConfig> T config(RouteSpec route, String plugin, Class<T> type) {
        Map<String, PluginConfig> plugins = route == null ? global : byRoute.get(route.displayName());
        PluginConfig c = plugins == null ? null : plugins.get(plugin);
        return type.isInstance(c) ? type.cast(c) : null;
    }
}
