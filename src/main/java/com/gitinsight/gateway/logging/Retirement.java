package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import java.util.Set;

/**
 * What the newest configuration keeps of a sink's queues or writers (by key), so that a request of
 * an older configuration (one that outlived a reload) can tell it brought a retired one back.
 * Configurations are ordered as they were built (monotonic), not by the wall clock, which may step back.
 */
final class Retirement {

    private record Newest(GatewaySnapshot snapshot, Set<String> live) {}

    private volatile Newest newest;

    void newest(GatewaySnapshot snapshot, Set<String> live) {
        Newest known = newest;
        if (known == null || !snapshot.builtBefore(known.snapshot())) {
            newest = new Newest(snapshot, Set.copyOf(live));
        }
    }

    /** Whether {@code snapshot} has been replaced by a newer one. */
    boolean outlived(GatewaySnapshot snapshot) {
        Newest known = newest;
        return known != null && snapshot.builtBefore(known.snapshot());
    }

    /** Whether {@code key}, used by a request of {@code snapshot}, was retired. */
    boolean retired(String key, GatewaySnapshot snapshot) {
        Newest known = newest;
        return known != null
                && snapshot.builtBefore(known.snapshot())
                && !known.live().contains(key);
    }
}
