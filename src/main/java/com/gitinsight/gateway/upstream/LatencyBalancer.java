package com.gitinsight.gateway.upstream;

import java.util.ArrayList;
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
        List<Target> left = new ArrayList<>(enabled.length);
        for (int i = 0; i < enabled.length; i++) {
            Target t = enabled[(start + i) % enabled.length];
            if (t.available() && !tried.contains(t)) {
                left.add(t);
            }
        }
        if (left.isEmpty()) {
            return Balancer.firstUsable(enabled, start, tried);
        }
        Target a = left.get(0);
        if (left.size() == 1) {
            return a;
        }
        Target b = left.get(1);
        if (left.size() > 2) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int i = random.nextInt(left.size());
            int j = random.nextInt(left.size() - 1);
            a = left.get(i);
            b = left.get(j >= i ? j + 1 : j);
        }
        long now = System.nanoTime();
        return score(b, now) < score(a, now) ? b : a;
    }

    @Override
    public List<Target> targets() {
        return targets;
    }
}
