package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.config.UpstreamSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The balancer of every service, built once per configuration. A service whose host names an
 * upstream shares that upstream's balancer; any other service has a pool of one.
 */
public final class Upstreams {

    private final Map<String, Balancer> byService;

    private Upstreams(Map<String, Balancer> byService) {
        this.byService = byService;
    }

    public static Upstreams build(GatewayConfig config) {
        Map<String, Balancer> byUpstream = new HashMap<>();
        for (UpstreamSpec u : config.upstreams()) {
            List<Target> targets = u.targets().stream().map(t -> new Target(t.host(), t.port(), t.weight())).toList();
            byUpstream.put(u.name(), switch (u.algorithm()) {
                case ROUND_ROBIN -> new RoundRobinBalancer(targets);
                case LEAST_CONNECTIONS -> new LeastConnectionsBalancer(targets);
            });
        }
        Map<String, Balancer> byService = new HashMap<>();
        for (ServiceSpec s : config.services()) {
            Balancer shared = byUpstream.get(s.host());
            byService.put(s.name(), shared != null ? shared
                    : new RoundRobinBalancer(List.of(new Target(s.host(), s.port(), 100))));
        }
        return new Upstreams(Map.copyOf(byService));
    }

    public Balancer forService(String service) {
        return byService.get(service);
    }
}
