package com.gitinsight.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;

/**
 * Per-key rate state for the local policies: small {@code long[]}s updated by CAS, in a Caffeine
 * map bounded by size (a flood of client addresses cannot exhaust the heap), and removed by a
 * periodic {@link #sweep} once dead (every window ended, every bucket full again), so idle keys do
 * not stay.
 *
 * <p>Why not the cache's own expiry: measured with JMH among 100k keys, any read-recording expiry
 * (Guava's access queue, Caffeine's expireAfterAccess or variable expiry) cost 1-2 us per check;
 * size-bounded reads cost under 0.2 us. A state's death is also exact here (its windows say when
 * it holds nothing), where an idle timeout is a guess.
 *
 * <p>Removal is safe against a concurrent take: the sweeper raises the state's retired flag (its
 * last slot) and only then re-checks that it is dead; a taker reads the flag after its CAS. So
 * either the sweeper sees the take (and keeps the state) or the taker sees the flag and, once the
 * state is gone from the map, takes again from a fresh one: no count is lost.
 */
final class SweptStates {

    /** Whether a state holds nothing that matters any more. */
    interface Liveness {
        boolean dead(long[] state, long nowMillis);
    }

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final Cache<String, long[]> states;
    private final int slots;
    private final Liveness liveness;

    SweptStates(long maxKeys, int slots, Liveness liveness) {
        // Maintenance on the calling thread, amortized: no unmanaged pool threads in the container.
        this.states = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .executor(Runnable::run)
                .build();
        this.slots = slots;
        this.liveness = liveness;
    }

    /** The key's state ({@code slots} longs, all 0 when new). */
    long[] get(String key) {
        return states.get(key, k -> new long[slots + 1]);
    }

    /**
     * After a take on {@code state}: true if it counts; false if the state was retired and
     * removed, and the caller must take again from {@link #get}.
     */
    boolean kept(String key, long[] state) {
        if ((long) SLOT.getVolatile(state, slots) == 0) {
            return true;
        }
        // A sweep is deciding right now; it settles without blocking.
        while ((long) SLOT.getVolatile(state, slots) != 0 && states.asMap().get(key) == state) {
            Thread.onSpinWait();
        }
        return (long) SLOT.getVolatile(state, slots) == 0;
    }

    /** Removes the dead states; returns how many. */
    int sweep(long nowMillis) {
        int removed = 0;
        for (Map.Entry<String, long[]> e : states.asMap().entrySet()) {
            long[] state = e.getValue();
            if (!liveness.dead(state, nowMillis) || !SLOT.compareAndSet(state, slots, 0L, 1L)) {
                continue;
            }
            if (liveness.dead(state, nowMillis) && states.asMap().remove(e.getKey(), state)) {
                removed++;
            } else {
                SLOT.setVolatile(state, slots, 0L);
            }
        }
        return removed;
    }

    long size() {
        states.cleanUp();
        return states.estimatedSize();
    }

    static long read(long[] state, int slot) {
        return (long) SLOT.getVolatile(state, slot);
    }

    static boolean swap(long[] state, int slot, long expected, long value) {
        return SLOT.compareAndSet(state, slot, expected, value);
    }

    static long add(long[] state, int slot, long delta) {
        return (long) SLOT.getAndAdd(state, slot, delta) + delta;
    }
}
