package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Plugin {@code circuit-breaker} (GitInsight's, not Kong's): per service, opens after
 * {@code failure_threshold} consecutive failed requests ({@code mode: consecutive}, the default)
 * or when at least {@code failure_rate}% of the calls of the last {@code window_seconds} failed,
 * once there were {@code minimum_calls} of them ({@code mode: rate}, resilience4j's time window,
 * Envoy's outlier detection by success rate); answers 503 for {@code open_seconds} without
 * contacting the backend, then lets {@code success_threshold} trial requests through. A rate
 * keeps one client's few failing calls on a public route from opening the breaker for everyone
 * while others' calls succeed. Global or per service; each service always has its own state.
 */
public final class CircuitBreakerSchema implements PluginSchema {

    public static final String NAME = "circuit-breaker";
    private static final Set<String> FIELDS = Set.of(
            "failure_threshold",
            "open_seconds",
            "success_threshold",
            "failure_statuses",
            "mode",
            "failure_rate",
            "minimum_calls",
            "window_seconds");

    /** What opens the breaker. */
    public enum Mode {
        CONSECUTIVE,
        RATE
    }

    /**
     * The parsed config; failures are gateway errors (502, 504, no connection) and these statuses.
     * {@code failureRate}, {@code minimumCalls} and {@code windowSeconds} apply in {@link Mode#RATE}.
     */
    public record Config(
            int failureThreshold,
            long openMillis,
            int successThreshold,
            Set<Integer> failureStatuses,
            Mode mode,
            int failureRate,
            int minimumCalls,
            int windowSeconds)
            implements PluginConfig {
        public Config {
            failureStatuses = Set.copyOf(failureStatuses);
        }

        /** A breaker that opens on consecutive failures. */
        public Config(int failureThreshold, long openMillis, int successThreshold, Set<Integer> failureStatuses) {
            this(failureThreshold, openMillis, successThreshold, failureStatuses, Mode.CONSECUTIVE, 50, 20, 60);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** GitInsight's: not a filter; applied by the proxy when it picks a target, after every plugin (0: below Kong's last access-phase plugin, correlation-id at 1). */
    @Override
    public int priority() {
        return 0;
    }

    @Override
    public PluginHandler handler() {
        return new PluginHandler("com.gitinsight.gateway.upstream.ServiceGuards", PluginHandler.Phase.UPSTREAM);
    }

    @Override
    public Set<PluginSpec.Scope> scopes() {
        return EnumSet.of(PluginSpec.Scope.GLOBAL, PluginSpec.Scope.SERVICE);
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, Set.of());
        String mode = f.oneOfText("mode", "consecutive");
        if (!mode.equals("consecutive") && !mode.equals("rate")) {
            f.error("mode", "expected one of: consecutive, rate");
        }
        return new Config(
                (int) f.integer("failure_threshold", 3, 1, 1000),
                f.seconds("open_seconds", 30_000, 86_400),
                (int) f.integer("success_threshold", 1, 1, 1000),
                Set.copyOf(f.integers("failure_statuses", List.of(500, 502, 503, 504), 100, 999)),
                mode.equals("rate") ? Mode.RATE : Mode.CONSECUTIVE,
                (int) f.integer("failure_rate", 50, 1, 100),
                (int) f.integer("minimum_calls", 20, 1, 100_000),
                (int) f.integer("window_seconds", 60, 1, 3600));
    }
}
