package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Plugin {@code circuit-breaker} (GitInsight's, not Kong's): per service, opens after
 * {@code failure_threshold} consecutive failed requests, answers 503 for {@code open_seconds}
 * without contacting the backend, then lets {@code success_threshold} trial requests through.
 * Global or per service; each service always has its own state.
 */
public final class CircuitBreakerPlugin implements PluginSchema {

    public static final String NAME = "circuit-breaker";
    private static final Set<String> FIELDS = Set.of("failure_threshold", "open_seconds", "success_threshold",
            "failure_statuses");

    /** The parsed config; failures are gateway errors (502, 504, no connection) and these statuses. */
    public record Config(int failureThreshold, long openMillis, int successThreshold, Set<Integer> failureStatuses)
            implements PluginConfig {
        public Config {
            failureStatuses = Set.copyOf(failureStatuses);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<PluginSpec.Scope> scopes() {
        return EnumSet.of(PluginSpec.Scope.GLOBAL, PluginSpec.Scope.SERVICE);
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, Set.of());
        return new Config((int) f.integer("failure_threshold", 3, 1, 1000), f.seconds("open_seconds", 30_000, 86_400),
                (int) f.integer("success_threshold", 1, 1, 1000),
                Set.copyOf(f.integers("failure_statuses", List.of(500, 502, 503, 504), 100, 999)));
    }
}
