package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.config.QueueSpec;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Kong's queue retries around the OTLP exporter: a batch that failed (any status but 200, as Kong's
 * exporter checks, or no connection) is sent again after Kong's doubling delays until {@code max_retry_time} has passed,
 * then dropped and counted. Runs on the SDK batch processor's thread: while it retries, new spans
 * wait in the processor's bounded queue ({@code max_entries}; beyond it they are dropped, counted
 * by the SDK), never on a request.
 */
final class RetryingExporter implements SpanExporter {

    private static final Logger LOG = Logger.getLogger(RetryingExporter.class.getName());

    private final SpanExporter delegate;
    private final QueueSpec queue;
    private final long attemptTimeoutMs;
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong failedSends = new AtomicLong();
    private volatile boolean stopping;
    /** The thread waiting out a retry delay (the batch processor's), woken when stopping. */
    private volatile Thread waiting;

    private volatile String lastError;

    RetryingExporter(SpanExporter delegate, QueueSpec queue, long attemptTimeoutMs) {
        this.delegate = delegate;
        this.queue = queue;
        this.attemptTimeoutMs = attemptTimeoutMs;
    }

    /** What {@link #readAhead} read, kept so that its reads are made. */
    private int readAhead;

    /**
     * Reads the first bytes of each span's strings in one short loop before the exporter marshals
     * them: the request threads wrote them on the other core, and read one by one while marshalling
     * each miss waits alone; read here, the misses overlap (the log writers' measured gain).
     */
    private static int readAhead(Collection<SpanData> spans) {
        int[] n = new int[1];
        for (SpanData span : spans) {
            n[0] += span.getName().length() + span.getTotalAttributeCount();
            span.getAttributes().forEach((key, value) -> {
                if (value instanceof String text) {
                    n[0] += text.length();
                }
            });
        }
        return n[0];
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        readAhead += readAhead(spans);
        long start = System.nanoTime();
        for (int retry = 0; ; retry++) {
            CompletableResultCode result = delegate.export(spans).join(attemptTimeoutMs, TimeUnit.MILLISECONDS);
            if (result.isSuccess()) {
                exported.addAndGet(spans.size());
                if (lastError != null) {
                    LOG.info("opentelemetry: spans are exported again");
                    lastError = null;
                }
                return CompletableResultCode.ofSuccess();
            }
            failedSends.incrementAndGet();
            Throwable failure = result.getFailureThrowable();
            String why = describe(failure);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            boolean unsendable = failure instanceof OtlpSpanExporter.Unencodable;
            if (unsendable || stopping || queue.maxRetryTimeMs() < 0 || elapsedMs > queue.maxRetryTimeMs()) {
                lost.addAndGet(spans.size());
                LOG.log(
                        lastError == null ? Level.WARNING : Level.FINE,
                        unsendable
                                ? "opentelemetry: {0} spans were lost ({1})"
                                : "opentelemetry: could not send spans due to max_retry_time exceeded; {0} spans were lost ({1})",
                        new Object[] {spans.size(), why});
                lastError = why;
                return CompletableResultCode.ofFailure();
            }
            // Kong's whole delay (a park may return early: parked again for the rest).
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(queue.retryDelayMs(retry));
            waiting = Thread.currentThread();
            for (long left = until - System.nanoTime();
                    left > 0 && !stopping && !Thread.currentThread().isInterrupted();
                    left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            waiting = null;
        }
    }

    /**
     * A failure in fixed words (the answer's status, or the socket error's): never the exception's
     * text, which quotes what a collector sent back (a malformed header line, up to 16 KB).
     */
    static String describe(Throwable failure) {
        if (failure instanceof OtlpSpanExporter.Unencodable) {
            return failure.getMessage(); // (a fixed text: the class of what failed)
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OtlpHttpSender.NotOk notOk) {
                return "the collector answered with status " + notOk.status();
            }
            if (t instanceof java.io.IOException io) {
                return "failed request: " + com.gitinsight.gateway.upstream.SocketErrors.describe(io);
            }
        }
        return failure == null
                ? "the collector did not accept the spans"
                : "failed request: " + failure.getClass().getSimpleName();
    }

    long exported() {
        return exported.get();
    }

    long lost() {
        return lost.get();
    }

    long failedSends() {
        return failedSends.get();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    /**
     * Stops retrying: a batch being retried is given up at its next failure (its delay cut short)
     * and each batch still waiting gets one try, as a retired log queue's do. A tracer being
     * replaced calls it before flushing: a collector that keeps failing (or answers 204) would
     * otherwise hold the old tracer's thread and spans for max_retry_time per batch (attacker
     * review 278).
     */
    void stopRetrying() {
        stopping = true;
        Thread t = waiting;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public CompletableResultCode shutdown() {
        stopRetrying();
        return delegate.shutdown();
    }
}
