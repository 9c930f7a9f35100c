package com.gitinsight.gateway.upstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kong's least-connections: the target with the fewest requests in flight relative to its weight.
 * Ties rotate so that an idle pool is still spread evenly. Reads the targets' atomic counters; no
 * lock.
 */
public final class LeastConnectionsBalancer implements Balancer {

    private final List<Target> targets;
    private final Target[] enabled;
    private final AtomicInteger rotation = new AtomicInteger();

    public LeastConnectionsBalancer(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.enabled = this.targets.stream().filter(t -> t.weight() > 0).toArray(Target[]::new);
    }

    @Override
    public Target pick(PickRequest request, List<Target> tried) {
        if (enabled.length == 0) {
            return null;
        }
        int start = Math.floorMod(rotation.getAndIncrement(), enabled.length);
        Target best = null;
        double bestLoad = Double.MAX_VALUE;
        for (int i = 0; i < enabled.length; i++) {
            Target t = enabled[(start + i) % enabled.length];
            if (tried.contains(t) || !t.available()) {
                continue;
            }
            double load = (t.active() + 1.0) / t.weight();
            if (load < bestLoad) {
                best = t;
                bestLoad = load;
            }
        }
        return best != null ? best : Balancer.firstUsable(enabled, start, tried);
    }

    @Override
    public List<Target> targets() {
        return targets;
    }
}
