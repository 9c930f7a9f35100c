package com.gitinsight.gateway.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Kong's write_timeout: the longest an upstream may leave one write of the request body blocked.
 * A blocking socket write has no timeout of its own, so one sweeper thread cancels the exchange
 * (closing its connection) when a write has been stuck too long. Only requests with a body register.
 */
final class WriteWatchdog implements AutoCloseable {

    private final Set<Upload> uploads = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;

    WriteWatchdog(long sweepMillis) {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-write-watchdog");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    Upload register(Cancellable exchange, long timeoutMillis) {
        Upload upload = new Upload(exchange, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        uploads.add(upload);
        return upload;
    }

    void unregister(Upload upload) {
        uploads.remove(upload);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Upload u : uploads) {
            long started = u.writeStarted;
            if (started != 0 && now - started > u.timeoutNanos) {
                u.timedOut = true;
                uploads.remove(u);
                u.exchange.cancel();
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /** One request body being sent; the entity marks each write. */
    static final class Upload {
        private final Cancellable exchange;
        private final long timeoutNanos;
        private volatile long writeStarted;
        private volatile boolean timedOut;

        Upload(Cancellable exchange, long timeoutNanos) {
            this.exchange = exchange;
            this.timeoutNanos = timeoutNanos;
        }

        void writing() {
            long now = System.nanoTime();
            writeStarted = now == 0 ? 1 : now;
        }

        void idle() {
            writeStarted = 0;
        }

        boolean timedOut() {
            return timedOut;
        }

        /** Ends the exchange at once: its connection is closed, nothing more reaches the backend. */
        void abort() {
            exchange.cancel();
        }
    }
}
