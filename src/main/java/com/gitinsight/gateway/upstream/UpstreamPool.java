package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;
import com.gitinsight.gateway.config.UpstreamSpec;
import com.gitinsight.gateway.config.UpstreamSpec.TargetSpec;
import com.google.common.net.InetAddresses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One upstream's balancer over its current targets. The target list changes when DNS answers
 * differently; each change builds a new balancer and swaps it in, so a pick never locks.
 */
public final class UpstreamPool {

    private final String name;
    private final UpstreamSpec spec;
    private final TargetRegistry registry;
    private final Map<TargetSpec, List<Endpoint>> endpoints = new LinkedHashMap<>();
    private volatile Balancer balancer;

    UpstreamPool(String name, UpstreamSpec spec, TargetRegistry registry, Map<TargetSpec, List<Endpoint>> known) {
        this.name = name;
        this.spec = spec;
        this.registry = registry;
        for (TargetSpec t : spec.targets()) {
            List<Endpoint> previous = known.get(t);
            endpoints.put(t, previous != null ? previous : initial(t));
        }
        rebuild();
    }

    /** Before DNS answers: an IP as itself, a name connected to by name, an SRV name as nothing. */
    private static List<Endpoint> initial(TargetSpec t) {
        if (t.isSrv()) {
            return List.of();
        }
        if (InetAddresses.isInetAddress(t.host())) {
            return List.of(new Endpoint(t.host(), InetAddresses.forString(t.host()), t.port(), t.weight()));
        }
        return List.of(new Endpoint(t.host(), null, t.port(), t.weight()));
    }

    public String name() {
        return name;
    }

    public UpstreamSpec spec() {
        return spec;
    }

    /** Does picking read the request (consistent hashing)? If not, pass {@link PickRequest#NONE}. */
    public boolean hashes() {
        return spec.algorithm() == UpstreamSpec.Algorithm.CONSISTENT_HASHING;
    }

    /** The target for the next attempt; null when none is in rotation or the upstream is unhealthy. */
    public Target pick(PickRequest request, List<Target> tried) {
        double threshold = spec.healthchecks().threshold();
        if (threshold > 0 && !healthy(threshold)) {
            return null;
        }
        return balancer.pick(request, tried);
    }

    /**
     * Kong's balancer health: more than {@code threshold} percent of the upstream's weight is in
     * rotation. Below it Kong answers no request from this upstream ("Balancer is unhealthy"), so
     * that the few targets left are not overwhelmed.
     */
    private boolean healthy(double threshold) {
        long total = 0;
        long available = 0;
        for (Target t : balancer.targets()) {
            total += t.weight();
            if (t.available()) {
                available += t.weight();
            }
        }
        return total > 0 && available * 100.0 / total > threshold;
    }

    public List<Target> targets() {
        return balancer.targets();
    }

    /** The targets as configured that need DNS (names, SRV names). */
    List<TargetSpec> namedTargets() {
        return spec.targets().stream()
                .filter(t -> !InetAddresses.isInetAddress(t.host()))
                .toList();
    }

    synchronized Map<TargetSpec, List<Endpoint>> endpoints() {
        return Map.copyOf(endpoints);
    }

    /** DNS answered for {@code target}: its addresses join or leave the pool. */
    synchronized void update(TargetSpec target, List<Endpoint> resolved) {
        if (resolved.equals(endpoints.get(target))) {
            return;
        }
        endpoints.put(target, List.copyOf(resolved));
        rebuild();
        registry.retain(name, balancer.targets().stream().map(Target::address).collect(Collectors.toSet()));
    }

    private synchronized void rebuild() {
        Map<String, Target> byAddress = new LinkedHashMap<>();
        for (Map.Entry<TargetSpec, List<Endpoint>> e : endpoints.entrySet()) {
            PassiveRule rule = PassiveRule.of(spec.healthchecks().passive(), e.getKey());
            for (Endpoint ep : e.getValue()) {
                // Two names that resolve to one address are two targets, each with its own Host and
                // TLS name and weight, as Kong's balancer gives each target its addresses (an
                // ingress serving tenant-a and tenant-b by name); they share the address's live
                // state (in flight, health), which belongs to the socket they connect to.
                byAddress.putIfAbsent(
                        ep.key() + '\u0000' + ep.name(),
                        new Target(
                                ep.name(),
                                ep.address(),
                                ep.port(),
                                ep.weight(),
                                registry.state(name, ep.key()),
                                rule,
                                spec.algorithm() == UpstreamSpec.Algorithm.LATENCY));
            }
        }
        List<Target> targets = new ArrayList<>(byAddress.values());
        balancer = switch (spec.algorithm()) {
            case ROUND_ROBIN -> new RoundRobinBalancer(targets);
            case LEAST_CONNECTIONS -> new LeastConnectionsBalancer(targets);
            case CONSISTENT_HASHING ->
                new ConsistentHashBalancer(targets, spec.hash(), spec.targets().size());
            case LATENCY -> new LatencyBalancer(targets);
        };
    }

    /** Addresses currently in the pool, for pruning the registry. */
    Set<String> addresses() {
        return balancer.targets().stream().map(Target::address).collect(Collectors.toSet());
    }

    /**
     * Seconds a client should wait when no target is in rotation: until the first ejection ends,
     * else until the next probe of unhealthy targets, else 30.
     */
    public long retryAfterSeconds() {
        long soonest = Long.MAX_VALUE;
        for (Target t : balancer.targets()) {
            long n = t.health().nanosUntilRetry();
            if (n > 0) {
                soonest = Math.min(soonest, n);
            }
        }
        if (soonest != Long.MAX_VALUE) {
            return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(soonest + 999_999_999L));
        }
        HealthCheckSpec.Active active = spec.healthchecks().active();
        if (active.unhealthyIntervalMs() > 0) {
            return Math.max(1, (active.unhealthyIntervalMs() + 999) / 1000);
        }
        return 30;
    }

    public List<TargetStatus> status() {
        return balancer.targets().stream()
                .map(t -> t.health().status(t.weight()))
                .toList();
    }

    /**
     * A target as the file writes it ({@code name:port}, Kong's {@code target}) and its address's
     * status; {@code unresolved}: a name DNS never answered (Kong's {@code dns_error}), tried by name.
     */
    public record WrittenStatus(String written, TargetStatus status, boolean unresolved) {}

    /** Each target's status with the target as written (two names on one address are two). */
    public List<WrittenStatus> statusAsWritten() {
        return balancer.targets().stream()
                .map(t -> new WrittenStatus(
                        t.written(),
                        t.health().status(t.weight()),
                        t.inetAddress() == null && !com.google.common.net.InetAddresses.isInetAddress(t.name())))
                .toList();
    }

    /** Forces the health of the target at {@code address} ({@code host:port}); false if there is none. */
    public boolean force(String address, boolean healthy) {
        boolean found = false;
        for (Target t : balancer.targets()) {
            // By address, or as written (Kong's /targets/{target}/healthy: every address of the name).
            if (t.address().equals(address) || t.written().equalsIgnoreCase(address)) {
                t.health().force(healthy);
                found = true;
            }
        }
        return found;
    }
}
