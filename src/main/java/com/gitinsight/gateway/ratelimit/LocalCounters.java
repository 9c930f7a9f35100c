package com.gitinsight.gateway.ratelimit;

import java.util.List;

/**
 * Policy {@code local}: counters in this node's memory, one small state per key (see
 * {@link SweptStates}: bounded in number, removed once every window in it has ended). Each key's
 * windows are counted lock-free (see {@link KeyState}): never past a limit under concurrency, and
 * nothing shared by different clients.
 */
final class LocalCounters implements CounterStore {

    private static final Period[] PERIODS = Period.values();

    private final SweptStates keys;

    LocalCounters(long maxKeys) {
        keys = new SweptStates(maxKeys, PERIODS.length, LocalCounters::dead);
    }

    /**
     * One client's windows, by period, each packed into one long (window start in epoch seconds,
     * high half; count, low half) of one array updated by CAS: lock-free, so a hot key (every
     * client behind one NAT) never parks threads on a monitor, and one object per key, so a check
     * among many keys costs one memory fetch more than the map lookup. Windows are taken in order;
     * when a later one is full, the earlier increments are undone. A request is never admitted past
     * a limit; a concurrent request may briefly see an increment that is then undone, only when a
     * longer window is full.
     */
    private static final class KeyState {

        static Usage hit(long[] windows, List<RateLimitingSchema.Limit> limits, long now) {
            long[] counts = new long[limits.size()];
            for (int i = 0; i < counts.length; i++) {
                RateLimitingSchema.Limit l = limits.get(i);
                long taken = take(windows, l.period().ordinal(), l.period().start(now) / 1000, l.limit());
                if (taken < 0) {
                    counts[i] = -taken - 1;
                    for (int j = 0; j < i; j++) {
                        counts[j] = undo(windows, limits.get(j).period().ordinal());
                    }
                    for (int j = i + 1; j < counts.length; j++) {
                        RateLimitingSchema.Limit later = limits.get(j);
                        counts[j] = current(
                                windows,
                                later.period().ordinal(),
                                later.period().start(now) / 1000);
                    }
                    return new Usage(false, counts);
                }
                counts[i] = taken;
            }
            return new Usage(true, counts);
        }

        /** The count after taking one, or {@code -count - 1} when the window is full. */
        private static long take(long[] windows, int slot, long startSeconds, long limit) {
            long max = Math.min(limit, 0xFFFF_FFFFL);
            while (true) {
                long v = SweptStates.read(windows, slot);
                long count = (v >>> 32) == (startSeconds & 0xFFFF_FFFFL) ? v & 0xFFFF_FFFFL : 0;
                if (count >= max) {
                    return -count - 1;
                }
                long next = (startSeconds & 0xFFFF_FFFFL) << 32 | (count + 1);
                if (SweptStates.swap(windows, slot, v, next)) {
                    return count + 1;
                }
            }
        }

        private static long undo(long[] windows, int slot) {
            return SweptStates.add(windows, slot, -1) & 0xFFFF_FFFFL;
        }

        private static long current(long[] windows, int slot, long startSeconds) {
            long v = SweptStates.read(windows, slot);
            return (v >>> 32) == (startSeconds & 0xFFFF_FFFFL) ? v & 0xFFFF_FFFFL : 0;
        }
    }

    @Override
    public Usage hit(String key, List<RateLimitingSchema.Limit> limits, long nowMillis) {
        while (true) {
            long[] state = keys.get(key);
            Usage usage = KeyState.hit(state, limits, nowMillis);
            if (keys.kept(key, state)) {
                return usage;
            }
        }
    }

    /** Every window in the state has ended (or was never used). */
    private static boolean dead(long[] state, long nowMillis) {
        for (int slot = 0; slot < PERIODS.length; slot++) {
            long v = SweptStates.read(state, slot);
            if (v != 0 && PERIODS[slot].end((v >>> 32) * 1000) > nowMillis) {
                return false;
            }
        }
        return true;
    }

    int sweep(long nowMillis) {
        return keys.sweep(nowMillis);
    }

    long size() {
        return keys.size();
    }
}
