package com.gitinsight.gateway.messaging;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rejected messages said at WARNING at most once per {@link #INTERVAL_NANOS}, with the count of those
 * not said since: a publisher chooses how many bad messages it sends, and each was a line (with a
 * stack trace when it could not be handled) on every node (helper review 250). The counts stay in
 * the listener's status.
 */
final class RejectionLog {

    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unsaid = new AtomicLong();
    private final java.util.function.LongSupplier clock;
    private final String what;

    /** {@code what}: what the lines are about, in the plural ("rejected messages"). */
    RejectionLog(Logger log, java.util.function.LongSupplier clock, String what) {
        this.log = log;
        this.clock = clock;
        this.what = what;
    }

    /** Says {@code line} (and {@code thrown}, may be null) unless a line was said within the interval. */
    void warn(Supplier<String> line, Throwable thrown) {
        long now = clock.getAsLong();
        long allowed = nextAllowed.get();
        if ((allowed == Long.MIN_VALUE || now - allowed >= 0)
                && nextAllowed.compareAndSet(allowed, now + INTERVAL_NANOS)) {
            long before = unsaid.getAndSet(0);
            String text = line.get()
                    + (before > 0 ? " (" + before + " more since the last such line, not logged)" : "")
                    + "; " + what + " are logged at most once a minute";
            log.log(Level.WARNING, text, thrown);
        } else {
            unsaid.incrementAndGet();
        }
    }
}
