package com.gitinsight.gateway.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Aborts an exchange that outlives its deadline. HttpClient's timeouts bound the connect and each
 * read, not a write the other side never takes nor an answer dripped a byte at a time; a sender
 * that calls an endpoint from its own thread (http-log, the OTLP exporter) arms one deadline per
 * exchange. One timer thread per owner, started at the first deadline.
 *
 * <p>Arming does not schedule a task: one check is kept scheduled for the earliest deadline that
 * may be pending, and it looks at every armed exchange when it runs. An exchange that ends before
 * its deadline (nearly all of them) only leaves the set. Scheduling and cancelling a task per
 * exchange woke the timer thread each time: with http-log's batches that was 0.4 us per logged
 * request (async-profiler, the plugin-cost bench), a twentieth of the plugin's sender.
 */
public final class Deadlines implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Deadlines.class.getName());
    private static final long NONE = Long.MAX_VALUE;
    /** The longest deadline taken as given (a longer one is as good as none, and would overflow). */
    private static final long MAX_MILLIS = TimeUnit.DAYS.toMillis(365);

    private final ScheduledThreadPoolExecutor timer;
    private final Set<Armed> armed = ConcurrentHashMap.newKeySet();
    /** When the next check is scheduled for ({@code System.nanoTime}), or {@link #NONE}. */
    private final AtomicLong checkAt = new AtomicLong(NONE);

    private final AtomicLong checksScheduled = new AtomicLong();

    public Deadlines(String threadName) {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** A deadline for one exchange; closing it (the exchange is over) disarms it. */
    public final class Armed implements AutoCloseable {
        private final AtomicBoolean passed = new AtomicBoolean();
        private final Cancellable exchange;
        private final long deadline;

        private Armed(Cancellable exchange, long deadline) {
            this.exchange = exchange;
            this.deadline = deadline;
        }

        /** Whether the deadline passed and the exchange was aborted (a failure then is a timeout). */
        public boolean passed() {
            return passed.get();
        }

        @Override
        public void close() {
            armed.remove(this);
        }
    }

    /** Cancels {@code exchange} in {@code millis} unless the returned deadline is closed first. */
    public Armed arm(Cancellable exchange, long millis) {
        if (timer.isShutdown()) {
            throw new RejectedExecutionException("deadlines closed"); // as scheduling on a closed timer would
        }
        long now = System.nanoTime();
        Armed a = new Armed(exchange, now + TimeUnit.MILLISECONDS.toNanos(Math.max(0, Math.min(millis, MAX_MILLIS))));
        armed.add(a);
        checkBy(a.deadline, now);
        return a;
    }

    /** Makes sure a check runs at {@code deadline} or earlier. */
    private void checkBy(long deadline, long now) {
        while (true) {
            long scheduled = checkAt.get();
            if (scheduled != NONE && scheduled - deadline <= 0) {
                return; // an earlier check comes first; it schedules the next one
            }
            if (checkAt.compareAndSet(scheduled, deadline)) {
                checksScheduled.incrementAndGet();
                timer.schedule(() -> check(deadline), Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
                return;
            }
        }
    }

    /**
     * Aborts every exchange past its deadline, then schedules a check for the earliest left. A
     * check an earlier one replaced does nothing: that one carries on (two would each go on
     * rescheduling, a chain more for every replacement).
     */
    private void check(long scheduledFor) {
        // Cleared first: a deadline armed while this runs schedules its own check if it must.
        if (!checkAt.compareAndSet(scheduledFor, NONE)) {
            return;
        }
        long now = System.nanoTime();
        long next = NONE;
        for (Armed a : armed) {
            if (a.deadline - now <= 0) {
                if (armed.remove(a)) {
                    a.passed.set(true);
                    abort(a.exchange);
                }
            } else if (next == NONE || a.deadline - next < 0) {
                next = a.deadline;
            }
        }
        if (next != NONE) {
            checkBy(next, now);
        }
    }

    /** One exchange's abort: one that fails leaves the others to be aborted. */
    private static void abort(Cancellable exchange) {
        try {
            exchange.cancel();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "an exchange past its deadline could not be aborted", e);
        }
    }

    /** Checks scheduled so far (for tests: not one per exchange). */
    long checksScheduled() {
        return checksScheduled.get();
    }

    /** Exchanges armed and not yet closed nor aborted (for tests). */
    int armedCount() {
        return armed.size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
