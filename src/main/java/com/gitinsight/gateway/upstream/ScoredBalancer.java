package com.gitinsight.gateway.upstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mechanism shared by the balancers that pick the lowest score (least connections, latency):
 * the enabled targets scanned from a rotating start, so ties are spread; tried and unhealthy
 * targets skipped. Subclasses give the score (the policy). Lock-free.
 */
abstract class ScoredBalancer implements Balancer {

    private final List<Target> targets;
    private final Target[] enabled;
    private final AtomicInteger rotation = new AtomicInteger();

    ScoredBalancer(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.enabled = this.targets.stream().filter(t -> t.weight() > 0).toArray(Target[]::new);
    }

    /** Lower is better. */
    abstract double score(Target t);

    @Override
    public final Target pick(PickRequest request, List<Target> tried) {
        if (enabled.length == 0) {
            return null;
        }
        int start = Math.floorMod(rotation.getAndIncrement(), enabled.length);
        Target best = null;
        double bestScore = Double.MAX_VALUE;
        for (int i = 0; i < enabled.length; i++) {
            Target t = enabled[(start + i) % enabled.length];
            if (tried.contains(t) || !t.available()) {
                continue;
            }
            double score = score(t);
            if (score < bestScore) {
                best = t;
                bestScore = score;
            }
        }
        return best != null ? best : Balancer.firstUsable(enabled, start, tried);
    }

    @Override
    public final List<Target> targets() {
        return targets;
    }
}
