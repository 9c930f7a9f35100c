package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.routing.Router;
import com.gitinsight.gateway.upstream.Upstreams;
import java.time.Instant;

/**
 * Everything the request path reads, derived once from one configuration and never changed: a
 * reload builds a new snapshot and swaps it in; requests already running keep the one they took.
 */
public record GatewaySnapshot(GatewayConfig config, Router router, Upstreams upstreams, Instant loadedAt) {

    public static GatewaySnapshot of(GatewayConfig config) {
        return new GatewaySnapshot(config, Router.build(config), Upstreams.build(config), Instant.now());
    }
}
