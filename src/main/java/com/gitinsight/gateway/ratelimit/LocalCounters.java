package com.gitinsight.gateway.ratelimit;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Policy {@code local}: counters in this node's memory (a Guava cache: idle keys expire after a
 * day, and at most {@code maxKeys} are kept, so a flood of client addresses cannot exhaust the
 * heap). Each key's windows are counted lock-free (see {@link KeyState}): never past a limit under
 * concurrency, and nothing shared by different clients.
 */
final class LocalCounters implements CounterStore {

    private final Cache<String, KeyState> keys;

    LocalCounters(long maxKeys, Duration idle) {
        keys = CacheBuilder.newBuilder().maximumSize(maxKeys).expireAfterAccess(idle).build();
    }

    /**
     * One client's windows, by period, each packed into one atomic long (window start in epoch
     * seconds, high half; count, low half): lock-free, so a hot key (every client behind one NAT)
     * never parks threads on a monitor. Windows are taken in order; when a later one is full, the
     * earlier increments are undone. A request is never admitted past a limit; a concurrent
     * request may briefly see an increment that is then undone, only when a longer window is full.
     */
    private static final class KeyState {
        private final AtomicLong[] windows = new AtomicLong[Period.values().length];

        KeyState() {
            for (int i = 0; i < windows.length; i++) {
                windows[i] = new AtomicLong();
            }
        }

        Usage hit(List<RateLimitingPlugin.Limit> limits, long now) {
            long[] counts = new long[limits.size()];
            for (int i = 0; i < counts.length; i++) {
                RateLimitingPlugin.Limit l = limits.get(i);
                long taken = take(windows[l.period().ordinal()], l.period().start(now) / 1000, l.limit());
                if (taken < 0) {
                    counts[i] = -taken - 1;
                    for (int j = 0; j < i; j++) {
                        counts[j] = undo(windows[limits.get(j).period().ordinal()]);
                    }
                    for (int j = i + 1; j < counts.length; j++) {
                        RateLimitingPlugin.Limit later = limits.get(j);
                        counts[j] = current(windows[later.period().ordinal()], later.period().start(now) / 1000);
                    }
                    return new Usage(false, counts);
                }
                counts[i] = taken;
            }
            return new Usage(true, counts);
        }

        /** The count after taking one, or {@code -count - 1} when the window is full. */
        private static long take(AtomicLong window, long startSeconds, long limit) {
            long max = Math.min(limit, 0xFFFF_FFFFL);
            while (true) {
                long v = window.get();
                long count = (v >>> 32) == (startSeconds & 0xFFFF_FFFFL) ? v & 0xFFFF_FFFFL : 0;
                if (count >= max) {
                    return -count - 1;
                }
                long next = (startSeconds & 0xFFFF_FFFFL) << 32 | (count + 1);
                if (window.compareAndSet(v, next)) {
                    return count + 1;
                }
            }
        }

        private static long undo(AtomicLong window) {
            return window.decrementAndGet() & 0xFFFF_FFFFL;
        }

        private static long current(AtomicLong window, long startSeconds) {
            long v = window.get();
            return (v >>> 32) == (startSeconds & 0xFFFF_FFFFL) ? v & 0xFFFF_FFFFL : 0;
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
