package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.PluginSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guard of every service, kept across reloads: a service whose breaker and bulkhead settings
 * did not change keeps its guard (and its breaker's state); others get a new one.
 */
public final class ServiceGuards {

    /** The plugins the guards apply around the upstream call (their handler, see PluginHandler). */
    public static final java.util.Set<String> PLUGINS =
            java.util.Set.of(CircuitBreakerSchema.NAME, BulkheadSchema.NAME);

    private final int defaultMaxConcurrent;
    private final Map<String, ServiceGuard> live = new ConcurrentHashMap<>();

    /** {@code defaultMaxConcurrent}: the bulkhead of a service without the bulkhead plugin. */
    public ServiceGuards(int defaultMaxConcurrent) {
        this.defaultMaxConcurrent = defaultMaxConcurrent;
    }

    /** The guards for {@code config}, by service name; reuses the unchanged ones. */
    public synchronized Map<String, ServiceGuard> build(GatewayConfig config) {
        Map<String, ServiceGuard> out = new HashMap<>();
        for (ServiceSpec s : config.services()) {
            CircuitBreakerSchema.Config breaker =
                    plugin(config, CircuitBreakerSchema.NAME, s.name(), CircuitBreakerSchema.Config.class);
            BulkheadSchema.Config bulkhead = plugin(config, BulkheadSchema.NAME, s.name(), BulkheadSchema.Config.class);
            int max = bulkhead == null ? defaultMaxConcurrent : bulkhead.maxConcurrentRequests();
            ServiceGuard existing = live.get(s.name());
            ServiceGuard guard = existing != null && existing.sameSettings(breaker, max)
                    ? existing
                    : new ServiceGuard(s.name(), breaker, max);
            out.put(s.name(), guard);
        }
        live.clear();
        live.putAll(out);
        return Map.copyOf(out);
    }

    /** The service's own plugin, else the global one, else null. */
    private static <T> T plugin(GatewayConfig config, String name, String service, Class<T> type) {
        for (PluginSpec.Scope scope : List.of(PluginSpec.Scope.SERVICE, PluginSpec.Scope.GLOBAL)) {
            for (PluginSpec p : config.plugins()) {
                if (p.name().equals(name)
                        && p.scope() == scope
                        && (scope == PluginSpec.Scope.GLOBAL || service.equals(p.scopeName()))) {
                    return type.cast(p.config());
                }
            }
        }
        return null;
    }
}
