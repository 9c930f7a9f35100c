package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.Set;

/**
 * Kong's {@code prometheus}: which request metrics the routes it covers record. Gateway-wide
 * metrics (upstream health, breakers, cache, rate limiting, eviction, config, JVM) are always on
 * {@code /_gateway/metrics}.
 */
public final class PrometheusSchema implements PluginSchema {

    public static final String NAME = "prometheus";

    public record Config(
            boolean perConsumer,
            boolean statusCodeMetrics,
            boolean latencyMetrics,
            boolean bandwidthMetrics,
            boolean upstreamHealthMetrics)
            implements PluginConfig {}

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's prometheus handler.lua (a log-phase plugin): the measuring itself is ObserveFilter's, outermost, so every answer is counted. */
    /** Kong's {@code typedefs.protocols}: its stream subsystem runs it too. */
    @Override
    public boolean acceptsStreamProtocols() {
        return true;
    }

    @Override
    public int priority() {
        return 13;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.observability.ObserveFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(
                Set.of(
                        "per_consumer",
                        "status_code_metrics",
                        "latency_metrics",
                        "bandwidth_metrics",
                        "upstream_health_metrics"),
                Set.of("ai_metrics", "wasm_metrics"));
        // Kong's AI proxy and Wasm filter metrics: this gateway has neither.
        f.bool("ai_metrics", false);
        f.bool("wasm_metrics", false);
        return new Config(
                f.bool("per_consumer", false),
                f.bool("status_code_metrics", false),
                f.bool("latency_metrics", false),
                f.bool("bandwidth_metrics", false),
                f.bool("upstream_health_metrics", false));
    }
}
