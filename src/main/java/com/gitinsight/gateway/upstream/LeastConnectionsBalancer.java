package com.gitinsight.gateway.upstream;

import java.util.List;

/**
 * Kong's least-connections: the target with the fewest requests in flight relative to its weight.
 * Ties rotate so that an idle pool is still spread evenly.
 */
public final class LeastConnectionsBalancer extends ScoredBalancer {

    public LeastConnectionsBalancer(List<Target> targets) {
        super(targets);
    }

    @Override
    double score(Target t) {
        return (t.active() + 1.0) / t.weight();
    }
}
