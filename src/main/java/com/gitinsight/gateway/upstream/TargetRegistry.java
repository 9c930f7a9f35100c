package com.gitinsight.gateway.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live state of every target (in-flight count, health, latency) by upstream and address. It
 * outlives configurations, so a reload or a DNS change keeps the state of the targets that stay.
 */
public final class TargetRegistry {

    private final ConcurrentHashMap<String, TargetState> states = new ConcurrentHashMap<>();
    private final TargetHealth.Clock clock;

    public TargetRegistry() {
        this(TargetHealth.Clock.SYSTEM);
    }

    public TargetRegistry(TargetHealth.Clock clock) {
        this.clock = clock;
    }

    TargetState state(String upstream, String address) {
        return states.computeIfAbsent(
                upstream + " " + address, k -> new TargetState(new TargetHealth(upstream, address, clock)));
    }

    /** Forgets the targets of {@code upstream} not in {@code addresses}. */
    void retain(String upstream, Set<String> addresses) {
        String prefix = upstream + " ";
        states.keySet().removeIf(k -> k.startsWith(prefix) && !addresses.contains(k.substring(prefix.length())));
    }

    /** Forgets every upstream not in {@code upstreams}. */
    void retainUpstreams(Set<String> upstreams) {
        states.keySet().removeIf(k -> !upstreams.contains(k.substring(0, k.indexOf(' '))));
    }
}
