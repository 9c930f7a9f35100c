package com.gitinsight.gateway.upstream;

import java.util.List;

/**
 * Kong's {@code latency} algorithm: the target with the lowest moving average of response time,
 * scaled by its requests in flight and weight, so a fast target is preferred without being
 * flooded. A target not measured yet scores zero and is tried first.
 */
public final class LatencyBalancer extends ScoredBalancer {

    public LatencyBalancer(List<Target> targets) {
        super(targets);
    }

    @Override
    double score(Target t) {
        return t.latencyMicros() * (t.active() + 1.0) / t.weight();
    }
}
