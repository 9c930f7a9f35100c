package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.routing.Router;
import com.gitinsight.gateway.upstream.ServiceGuard;
import com.gitinsight.gateway.upstream.Upstreams;
import java.time.Instant;
import java.util.Map;

/**
 * Everything the request path reads, derived once from one configuration and never changed: a
 * reload builds a new snapshot and swaps it in; requests already running keep the one they took.
 * Live state (target health, breakers) sits in objects that outlive snapshots.
 */
public record GatewaySnapshot(
        GatewayConfig config,
        Router router,
        Upstreams upstreams,
        Map<String, ServiceGuard> guards,
        PluginIndex plugins,
        Instant loadedAt,
        long builtNanos) {

    /** Built now: {@code builtNanos} orders snapshots (the wall clock of {@code loadedAt} may step back). */
    public GatewaySnapshot(
            GatewayConfig config,
            Router router,
            Upstreams upstreams,
            Map<String, ServiceGuard> guards,
            PluginIndex plugins,
            Instant loadedAt) {
        this(config, router, upstreams, guards, plugins, loadedAt, System.nanoTime());
    }

    /** Whether this snapshot was built before {@code other} (monotonic, whatever the wall clock did). */
    public boolean builtBefore(GatewaySnapshot other) {
        return builtNanos - other.builtNanos < 0;
    }

    public ServiceGuard guard(String service) {
        return guards.get(service);
    }
}
