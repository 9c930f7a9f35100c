package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.UpstreamSpec.HashOn;
import com.gitinsight.gateway.config.UpstreamSpec.HashPolicy;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Kong's {@code consistent-hashing}: a ring of points, each target owning points in proportion to
 * its weight, placed by hashing the target's address. A request's key (by {@code hash_on}, else
 * {@code hash_fallback}) lands on the ring and goes to the next usable target, so adding or
 * removing one of n targets moves only about 1/n of the keys. A request without a key hashes
 * the empty key, as Kong's balancer does ({@code get_value_to_hash(...) or ""}): every such
 * request goes to one target.
 */
public final class ConsistentHashBalancer implements Balancer {

    /** Kong's SERVER_POINTS: each target's points when all weigh the same. */
    private static final int SERVER_POINTS = 160;

    private static final HashFunction HASH = Hashing.murmur3_128();

    /** Kong's largest {@code slots}: the most points a ring has, whatever the targets' weights. */
    static final int MAX_POINTS = 65_536;

    private final List<Target> targets;
    private final HashPolicy policy;
    private final long[] points;
    private final Target[] owners;

    public ConsistentHashBalancer(List<Target> targets, HashPolicy policy) {
        this.targets = List.copyOf(targets);
        this.policy = policy;
        List<Target> enabled = this.targets.stream().filter(t -> t.weight() > 0).toList();
        long totalWeight = 0;
        for (Target t : enabled) {
            totalWeight += t.weight();
        }
        long wanted = 0;
        for (Target t : enabled) {
            wanted += pointsOf(t, totalWeight, enabled.size());
        }
        // Targets come from DNS too (SRV weights up to 65535, many records): the ring is scaled down
        // to Kong's largest slots count rather than growing with whatever the records say.
        int[] counts = new int[enabled.size()];
        int total = 0;
        for (int ti = 0; ti < enabled.size(); ti++) {
            long raw = pointsOf(enabled.get(ti), totalWeight, enabled.size());
            counts[ti] = (int) Math.max(1, wanted <= MAX_POINTS ? raw : raw * MAX_POINTS / wanted);
            total += counts[ti];
        }
        long[][] ring = new long[total][];
        java.util.Set<String> addresses = new java.util.HashSet<>();
        java.util.Set<String> shared = new java.util.HashSet<>();
        for (Target t : enabled) {
            if (!addresses.add(t.address())) {
                shared.add(t.address());
            }
        }
        int n = 0;
        for (int ti = 0; ti < enabled.size(); ti++) {
            Target t = enabled.get(ti);
            // Two names on one address own points of their own (the address alone would give
            // both the same points); every other target keeps the points it always had.
            String key = shared.contains(t.address()) ? t.name() + "@" + t.address() : t.address();
            for (int p = 0; p < counts[ti]; p++) {
                ring[n++] = new long[] {hash(key + "#" + p), ti};
            }
        }
        Arrays.sort(ring, (a, b) -> Long.compare(a[0], b[0]));
        points = new long[total];
        owners = new Target[total];
        for (int i = 0; i < total; i++) {
            points[i] = ring[i][0];
            owners[i] = enabled.get((int) ring[i][1]);
        }
    }

    /**
     * Kong's entries: the target's share of the total weight times the targets' count times 160
     * (about 160 each whatever the weights, so two weight-1 targets split evenly), at least one.
     */
    private static long pointsOf(Target t, long totalWeight, int targets) {
        return Math.max(1, t.weight() * (long) targets * SERVER_POINTS / totalWeight);
    }

    private static long hash(String key) {
        return HASH.hashString(key, StandardCharsets.UTF_8).asLong();
    }

    @Override
    public Target pick(PickRequest request, List<Target> tried) {
        if (owners.length == 0) {
            return null;
        }
        String key = key(request);
        int i = Arrays.binarySearch(points, hash(key));
        int start = i >= 0 ? i : (-i - 1) % points.length;
        Target owner = owners[start];
        if (tried.isEmpty() && owner.available()) {
            return owner;
        }
        return Balancer.firstUsable(owners, start, tried);
    }

    private String key(PickRequest request) {
        String key = request.hashValue(policy.on(), policy.onName());
        if (key == null && policy.fallback() != HashOn.NONE) {
            key = request.hashValue(policy.fallback(), policy.fallbackName());
        }
        return key == null ? "" : key;
    }

    /** The ring's points (for tests). */
    int size() {
        return points.length;
    }

    @Override
    public List<Target> targets() {
        return targets;
    }
}
