package com.gitinsight.gateway.logging;

import java.time.Instant;
import java.util.Set;

/**
 * What the newest configuration keeps of a sink's queues or writers (by key), so that a request of
 * an older configuration (one that outlived a reload) can tell it brought a retired one back.
 */
final class Retirement {

    private record Newest(Instant loadedAt, Set<String> live) {}

    private volatile Newest newest;

    void newest(Instant loadedAt, Set<String> live) {
        Newest known = newest;
        if (known == null || !loadedAt.isBefore(known.loadedAt())) {
            newest = new Newest(loadedAt, Set.copyOf(live));
        }
    }

    /** Whether a configuration loaded at {@code loadedAt} has been replaced by a newer one. */
    boolean outlived(Instant loadedAt) {
        Newest known = newest;
        return known != null && loadedAt.isBefore(known.loadedAt());
    }

    /** Whether {@code key}, used by a request of the configuration loaded at {@code loadedAt}, was retired. */
    boolean retired(String key, Instant loadedAt) {
        Newest known = newest;
        return known != null
                && loadedAt.isBefore(known.loadedAt())
                && !known.live().contains(key);
    }
}
