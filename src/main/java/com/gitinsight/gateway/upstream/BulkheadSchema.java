package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.EnumSet;
import java.util.Set;

/**
 * Plugin {@code bulkhead} (GitInsight's): at most {@code max_concurrent_requests} requests in flight
 * to one service; more get 503 at once, so a slow service cannot hold the request threads the
 * others need. Without it each service gets the default from {@code gateway.bulkhead.*}.
 */
public final class BulkheadSchema implements PluginSchema {

    public static final String NAME = "bulkhead";

    public record Config(int maxConcurrentRequests) implements PluginConfig {}

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
        f.allowOnly(Set.of("max_concurrent_requests"), Set.of());
        if (!f.has("max_concurrent_requests")) {
            f.error("max_concurrent_requests", "required field missing");
        }
        return new Config((int) f.integer("max_concurrent_requests", 1, 1, 1_000_000));
    }
}
