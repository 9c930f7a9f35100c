package com.gitinsight.gateway.ratelimit;

import java.util.List;

/**
 * Where the window counters live (the policy). One call per request checks every window and, only
 * if all have room, counts the request in all of them, atomically: concurrent requests can never
 * be admitted past a limit.
 */
interface CounterStore {

    /** The outcome: admitted or not, and each window's count after this request. */
    record Usage(boolean admitted, long[] counts) {}

    Usage hit(String key, List<RateLimitingSchema.Limit> limits, long nowMillis) throws Unavailable;

    /** The store could not be asked (Redis down): {@code fault_tolerant} decides. */
    final class Unavailable extends Exception {
        Unavailable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
