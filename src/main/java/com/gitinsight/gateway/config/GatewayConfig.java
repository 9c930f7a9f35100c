package com.gitinsight.gateway.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One whole, validated, immutable configuration: what the request path reads. Built once per load
 * by {@link KongConfigParser}; never mutated. {@code text} is the file as written (secrets unresolved),
 * what the admin API edits.
 */
public record GatewayConfig(
        String source,
        String hash,
        String text,
        List<ServiceSpec> services,
        List<RouteSpec> routes,
        List<UpstreamSpec> upstreams,
        List<ConsumerSpec> consumers,
        List<PluginSpec> plugins) {

    public GatewayConfig {
        services = List.copyOf(services);
        routes = List.copyOf(routes);
        upstreams = List.copyOf(upstreams);
        consumers = List.copyOf(consumers);
        plugins = List.copyOf(plugins);
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<UpstreamSpec> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** Plugins by scope, resolved once: what a route's request runs through. */
    public List<PluginSpec> pluginsFor(PluginSpec.Scope scope, String name) {
        return plugins.stream()
                .filter(p -> p.scope() == scope && name.equals(p.scopeName()))
                .toList();
    }

    public Map<String, Long> counts() {
        return Map.of(
                "services",
                (long) services.size(),
                "routes",
                (long) routes.size(),
                "upstreams",
                (long) upstreams.size(),
                "consumers",
                (long) consumers.size(),
                "plugins",
                (long) plugins.size());
    }
}
