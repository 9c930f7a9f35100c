package com.gitinsight.gateway.upstream;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted round-robin, nginx's "smooth" variant: the whole cycle is computed once when the pool is
 * built, so a pick is one atomic increment and an array read, and heavy targets are interleaved
 * rather than served in bursts. When the cycle's turn falls on a target out of rotation (or tried
 * already), the turn goes to one of the others at random by weight, so they keep their
 * proportions, as Kong's shuffled wheel keeps them (the next one in the cycle took all of a down
 * target's share), at a cost in targets, not weights.
 */
public final class RoundRobinBalancer implements Balancer {

    private final List<Target> targets;
    private final Target[] cycle;
    /** The targets in rotation when healthy (weight above 0), each once. */
    private final Target[] enabled;

    private final AtomicInteger next = new AtomicInteger();

    public RoundRobinBalancer(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.enabled = this.targets.stream().filter(t -> t.weight() > 0).toArray(Target[]::new);
        this.cycle = smoothCycle(List.of(enabled));
    }

    @Override
    public Target pick(PickRequest request, List<Target> tried) {
        if (cycle.length == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), cycle.length);
        Target t = cycle[start];
        if (tried.isEmpty() && t.available()) {
            return t;
        }
        return byWeight(tried);
    }

    /** One of the usable targets not tried yet, drawn by weight; else a tried one; null when none is usable. */
    private Target byWeight(List<Target> tried) {
        long total = 0;
        Target fallback = null;
        for (Target t : enabled) {
            if (t.available()) {
                if (!tried.contains(t)) {
                    total += t.weight();
                } else if (fallback == null) {
                    fallback = t;
                }
            }
        }
        if (total == 0) {
            return fallback;
        }
        long draw = java.util.concurrent.ThreadLocalRandom.current().nextLong(total);
        Target last = null;
        for (Target t : enabled) {
            if (t.available() && !tried.contains(t)) {
                last = t;
                draw -= t.weight();
                if (draw < 0) {
                    return t;
                }
            }
        }
        // A target left rotation between the two passes (attacker review 168): the last one seen.
        return last != null ? last : fallback;
    }

    @Override
    public List<Target> targets() {
        return targets;
    }

    static Target[] smoothCycle(List<Target> enabled) {
        if (enabled.isEmpty()) {
            return new Target[0];
        }
        int gcd = 0;
        for (Target t : enabled) {
            gcd = BigInteger.valueOf(gcd).gcd(BigInteger.valueOf(t.weight())).intValue();
        }
        int[] weights = new int[enabled.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = enabled.get(i).weight() / gcd;
        }
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int[] current = new int[weights.length];
        List<Target> order = new ArrayList<>(total);
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order.add(enabled.get(best));
        }
        return order.toArray(new Target[0]);
    }
}
