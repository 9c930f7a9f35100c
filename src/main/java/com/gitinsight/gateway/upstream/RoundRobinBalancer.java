package com.gitinsight.gateway.upstream;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted round-robin, nginx's "smooth" variant: the whole cycle is computed once when the pool is
 * built, so a pick is one atomic increment and an array read, and heavy targets are interleaved
 * rather than served in bursts. A pick that skips targets out of rotation moves the cycle's
 * position past them, as Kong's wheel pointer stays where it found a peer: the targets left keep
 * their weights' proportions (else the next one in the cycle took all of a down target's share).
 */
public final class RoundRobinBalancer implements Balancer {

    private final List<Target> targets;
    private final Target[] cycle;
    private final AtomicInteger next = new AtomicInteger();

    public RoundRobinBalancer(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.cycle =
                smoothCycle(this.targets.stream().filter(t -> t.weight() > 0).toList());
    }

    @Override
    public Target pick(PickRequest request, List<Target> tried) {
        if (cycle.length == 0) {
            return null;
        }
        int position = next.getAndIncrement();
        int start = Math.floorMod(position, cycle.length);
        Target t = cycle[start];
        if (tried.isEmpty() && t.available()) {
            return t;
        }
        Target picked = Balancer.firstUsable(cycle, start, tried);
        if (picked != null && picked != t) {
            int skipped = 0;
            while (cycle[(start + skipped) % cycle.length] != picked) {
                skipped++;
            }
            // Best effort, no lock: if another pick moved on meanwhile, its own skip counts.
            next.compareAndSet(position + 1, position + 1 + skipped);
        }
        return picked;
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
