package com.gitinsight.gateway.upstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kong's {@code latency} algorithm: the target with the lowest moving average of response time,
 * scaled by its requests in flight and weight, so a fast target is preferred without being
 * flooded. A target not measured yet scores zero and is tried first.
 */
public final class LatencyBalancer implements Balancer {

    private final List<Target> targets;
    private final Target[] enabled;
    private final AtomicInteger rotation = new AtomicInteger();

    public LatencyBalancer(List<Target> targets) {
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
        double bestScore = Double.MAX_VALUE;
        for (int i = 0; i < enabled.length; i++) {
            Target t = enabled[(start + i) % enabled.length];
            if (tried.contains(t) || !t.available()) {
                continue;
            }
            double score = t.latencyMicros() * (t.active() + 1.0) / t.weight();
            if (score < bestScore) {
                best = t;
                bestScore = score;
            }
        }
        return best != null ? best : Balancer.firstUsable(enabled, start, tried);
    }

    @Override
    public List<Target> targets() {
        return targets;
    }
}
