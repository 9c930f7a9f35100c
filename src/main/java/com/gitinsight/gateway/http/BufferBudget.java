package com.gitinsight.gateway.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes bodies may hold at once across all requests in flight: each body may be buffered up
 * to its own bound (Kong buffers any size), and together they stay within this, so a burst of
 * large bodies is streamed or refused rather than filling the heap. Only bodies being buffered
 * take from it (a compare-and-set, no lock).
 */
public final class BufferBudget {

    private final AtomicLong available;

    public BufferBudget(long bytes) {
        this.available = new AtomicLong(bytes);
    }

    /** Takes {@code bytes} if that many are left; whether it did. */
    public boolean take(long bytes) {
        long left = available.get();
        while (left >= bytes) {
            if (available.compareAndSet(left, left - bytes)) {
                return true;
            }
            left = available.get();
        }
        return false;
    }

    public void give(long bytes) {
        available.addAndGet(bytes);
    }

    public long available() {
        return available.get();
    }
}
