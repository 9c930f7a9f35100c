package com.gitinsight.gateway.ratelimit;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Policy {@code local}: counters in this node's memory (a Guava cache: idle keys expire after a
 * day, and at most {@code maxKeys} are kept, so a flood of client addresses cannot exhaust the
 * heap). Each key's windows are checked and counted under that key's own lock: exact under
 * concurrency, and no lock shared by different clients.
 */
final class LocalCounters implements CounterStore {

    private final Cache<String, KeyState> keys;

    LocalCounters(long maxKeys, Duration idle) {
        keys = CacheBuilder.newBuilder().maximumSize(maxKeys).expireAfterAccess(idle).build();
    }

    /** One client's windows, by period. */
    private static final class KeyState {
        private final long[] windowStart = new long[Period.values().length];
        private final long[] count = new long[Period.values().length];

        synchronized Usage hit(List<RateLimitingPlugin.Limit> limits, long now) {
            long[] counts = new long[limits.size()];
            boolean admitted = true;
            for (int i = 0; i < counts.length; i++) {
                RateLimitingPlugin.Limit l = limits.get(i);
                int p = l.period().ordinal();
                long start = l.period().start(now);
                if (windowStart[p] != start) {
                    windowStart[p] = start;
                    count[p] = 0;
                }
                counts[i] = count[p];
                if (count[p] >= l.limit()) {
                    admitted = false;
                }
            }
            if (admitted) {
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = ++count[limits.get(i).period().ordinal()];
                }
            }
            return new Usage(admitted, counts);
        }
    }

    @Override
    public Usage hit(String key, List<RateLimitingPlugin.Limit> limits, long nowMillis) {
        KeyState state = keys.getIfPresent(key);
        if (state == null) {
            try {
                state = keys.get(key, KeyState::new);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        return state.hit(limits, nowMillis);
    }

    long size() {
        keys.cleanUp();
        return keys.size();
    }
}
