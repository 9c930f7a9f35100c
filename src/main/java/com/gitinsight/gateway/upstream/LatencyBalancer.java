package com.gitinsight.gateway.upstream;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kong's {@code latency} algorithm ({@code kong/runloop/balancer/latency.lua}, a peak-EWMA): each
 * address keeps an average of its response times that decays with time (Kong's 10 s
 * {@code DECAY_TIME}: an old slow measurement fades, so a slow address is tried again); a pick
 * compares two addresses (Kong's power of two choices, here two at random when more are left)
 * and takes the lower average divided by the weight. An address not measured yet starts at the
 * average of the others (Kong's slow start), or at zero, tried first, when none is measured.
 * Requests in flight do not count, as in Kong. Lock-free.
 */
public final class LatencyBalancer implements Balancer {

    private final List<Target> targets;
    private final Target[] enabled;
    private final AtomicInteger rotation = new AtomicInteger();

    public LatencyBalancer(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.enabled = this.targets.stream().filter(t -> t.weight() > 0).toArray(Target[]::new);
        // Kong's afterHostUpdate: addresses new to the balancer start at the others' average.
        double total = 0;
        int available = 0;
        for (Target t : enabled) {
            if (t.available()) {
                total += t.latency().micros();
                available++;
            }
        }
        if (available > 0 && total > 0) {
            for (Target t : enabled) {
                t.startLatencyAt(total / available);
            }
        }
    }

    /** Kong's score: the average decayed to now, over the weight. */
    static double score(Target t, long now) {
        return t.latency().decayed(0, now) / t.weight();
    }

    @Override
    public Target pick(PickRequest request, List<Target> tried) {
        if (enabled.length == 0) {
            return null;
        }
        int start = Math.floorMod(rotation.getAndIncrement(), enabled.length);
        int left = 0;
        for (int i = 0; i < enabled.length; i++) {
            if (usable(enabled[(start + i) % enabled.length], tried)) {
                left++;
            }
        }
        if (left == 0) {
            return Balancer.firstUsable(enabled, start, tried);
        }
        // Two of those left (the first two when no more are), found by rank without a list: the
        // request path allocates nothing here.
        int first = 0;
        int second = 1;
        if (left > 2) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            first = random.nextInt(left);
            second = random.nextInt(left - 1);
            second = second >= first ? second + 1 : second;
        }
        Target a = null;
        Target b = null;
        for (int i = 0, rank = 0; i < enabled.length && (a == null || b == null && left > 1); i++) {
            Target t = enabled[(start + i) % enabled.length];
            if (usable(t, tried)) {
                if (rank == first) {
                    a = t;
                } else if (rank == second) {
                    b = t;
                }
                rank++;
            }
        }
        if (a == null || b == null) {
            // One left, or one left rotation between the two passes.
            Target one = a != null ? a : b;
            return one != null ? one : Balancer.firstUsable(enabled, start, tried);
        }
        long now = System.nanoTime();
        return score(b, now) < score(a, now) ? b : a;
    }

    private static boolean usable(Target t, List<Target> tried) {
        return t.available() && !tried.contains(t);
    }

    @Override
    public List<Target> targets() {
        return targets;
    }
}
