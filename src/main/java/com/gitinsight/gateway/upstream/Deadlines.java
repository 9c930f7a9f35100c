package com.gitinsight.gateway.upstream;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Aborts an exchange that outlives its deadline. HttpClient's timeouts bound the connect and each
 * read, not a write the other side never takes nor an answer dripped a byte at a time; a sender
 * that calls an endpoint from its own thread (http-log, the OTLP exporter) arms one deadline per
 * exchange. One timer thread per owner, started at the first deadline.
 */
public final class Deadlines implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    public Deadlines(String threadName) {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // a met deadline leaves nothing queued
    }

    /** A deadline for one exchange; closing it (the exchange is over) disarms it. */
    public static final class Armed implements AutoCloseable {
        private final AtomicBoolean passed = new AtomicBoolean();
        private volatile ScheduledFuture<?> abort;

        /** Whether the deadline passed and the exchange was aborted (a failure then is a timeout). */
        public boolean passed() {
            return passed.get();
        }

        @Override
        public void close() {
            abort.cancel(false);
        }
    }

    /** Cancels {@code exchange} in {@code millis} unless the returned deadline is closed first. */
    public Armed arm(Cancellable exchange, long millis) {
        Armed armed = new Armed();
        armed.abort = timer.schedule(
                () -> {
                    armed.passed.set(true);
                    exchange.cancel();
                },
                millis,
                TimeUnit.MILLISECONDS);
        return armed;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
