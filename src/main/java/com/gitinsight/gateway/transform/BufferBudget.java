package com.gitinsight.gateway.transform;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes response bodies may hold at once across all requests in flight: each response may
 * buffer up to its own bound (Kong buffers any size), and together they stay within this, so a
 * burst of large bodies is streamed or refused rather than filling the heap. Only responses being
 * transformed take from it (a compare-and-set, no lock).
 */
final class BufferBudget {

    private final AtomicLong available;

    BufferBudget(long bytes) {
        this.available = new AtomicLong(bytes);
    }

    /** Takes {@code bytes} if that many are left; whether it did. */
    boolean take(long bytes) {
        long left = available.get();
        while (left >= bytes) {
            if (available.compareAndSet(left, left - bytes)) {
                return true;
            }
            left = available.get();
        }
        return false;
    }

    void give(long bytes) {
        available.addAndGet(bytes);
    }

    long available() {
        return available.get();
    }
}
