package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.config.UpstreamSpec;
import com.gitinsight.gateway.config.UpstreamSpec.TargetSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pools of one configuration: one per upstream, shared by the services whose host names it,
 * and one per other service (its host, resolved by DNS like any target). {@link #start} begins
 * their DNS discovery and active checks; {@link #close} ends them when the configuration is
 * replaced.
 */
public final class Upstreams implements AutoCloseable {

    private final Map<String, UpstreamPool> byService;
    private final List<UpstreamPool> pools;
    private final List<Runnable> stops = new ArrayList<>();

    private Upstreams(Map<String, UpstreamPool> byService, List<UpstreamPool> pools) {
        this.byService = byService;
        this.pools = pools;
    }

    /** Pools for {@code config}; {@code previous} (may be null) lends DNS answers it already has. */
    public static Upstreams build(GatewayConfig config, TargetRegistry registry, Upstreams previous) {
        Map<String, UpstreamPool> byUpstream = new HashMap<>();
        List<UpstreamPool> pools = new ArrayList<>();
        for (UpstreamSpec u : config.upstreams()) {
            UpstreamPool pool = new UpstreamPool(u.name(), u, registry, known(previous, u.name()));
            byUpstream.put(u.name(), pool);
            pools.add(pool);
        }
        Map<String, UpstreamPool> byService = new HashMap<>();
        for (ServiceSpec s : config.services()) {
            UpstreamPool shared = byUpstream.get(s.host());
            if (shared == null) {
                String name = "service:" + s.name();
                UpstreamSpec own = UpstreamSpec.simple(name, List.of(new TargetSpec(s.host(), s.port(), 100)));
                shared = new UpstreamPool(name, own, registry, known(previous, name));
                pools.add(shared);
            }
            byService.put(s.name(), shared);
        }
        Set<String> names = new HashSet<>();
        pools.forEach(p -> names.add(p.name()));
        registry.retainUpstreams(names);
        for (UpstreamPool p : pools) {
            registry.retain(p.name(), p.addresses());
        }
        return new Upstreams(Map.copyOf(byService), List.copyOf(pools));
    }

    private static Map<TargetSpec, List<Endpoint>> known(Upstreams previous, String pool) {
        if (previous == null) {
            return Map.of();
        }
        for (UpstreamPool p : previous.pools) {
            if (p.name().equals(pool)) {
                return p.endpoints();
            }
        }
        return Map.of();
    }

    /** Starts DNS discovery of named targets and active health checks. */
    public synchronized void start(UpstreamServices services) {
        for (UpstreamPool p : pools) {
            if (!p.namedTargets().isEmpty()) {
                Discovery d = services.discovery(p);
                stops.add(d::close);
                d.start();
            }
            if (p.spec().healthchecks().active().enabled()) {
                ActiveChecker c = services.checker(p);
                stops.add(c::close);
                c.start();
            }
        }
    }

    public UpstreamPool forService(String service) {
        return byService.get(service);
    }

    public List<UpstreamPool> pools() {
        return pools;
    }

    @Override
    public synchronized void close() {
        stops.forEach(Runnable::run);
        stops.clear();
    }
}
