package com.gitinsight.gateway.ratelimit;

/**
 * The generic cell rate algorithm, as nginx's limit_req behaves: each key has a theoretical
 * arrival time (TAT); a request is admitted when the TAT it would push forward stays within
 * {@code burst} intervals of now. Returns how long to wait: 0 admitted at once, a positive delay
 * admitted after it (when {@code nodelay} is off), or a negative value: refused, retry after its
 * magnitude.
 */
final class Gcra {

    private Gcra() {}

    /** The new TAT for an admitted request, or {@code Long.MIN_VALUE} when refused. */
    static long next(long tat, long now, long interval, int burst) {
        long start = Math.max(tat, now);
        long next = start + interval;
        return next - now > (long) (burst + 1) * interval ? Long.MIN_VALUE : next;
    }

    /** Nanoseconds until a request would be admitted again, given the stored TAT. */
    static long retryAfter(long tat, long now, long interval, int burst) {
        return Math.max(0, tat + interval - (long) (burst + 1) * interval - now);
    }
}
