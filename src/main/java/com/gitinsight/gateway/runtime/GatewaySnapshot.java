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
        Instant loadedAt) {

    public ServiceGuard guard(String service) {
        return guards.get(service);
    }
}
