package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.QueueSpec;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Kong's queue retries around the OTLP exporter: a failed export is sent again, then given up after max_retry_time. */
class RetryingExporterTest {

    /** Fails its first {@code failures} exports (as a 500 or a refused connection does). */
    private static class Flaky implements SpanExporter {
        final AtomicInteger calls = new AtomicInteger();
        final int failures;

        Flaky(int failures) {
            this.failures = failures;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return calls.incrementAndGet() <= failures
                    ? CompletableResultCode.ofExceptionalFailure(new OtlpHttpSender.NotOk(500)) // OtlpSpanExporter's
                    : CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /** Two real spans, made by the SDK and captured as its exporter would get them. */
    private static final List<SpanData> TWO = spans();

    private static List<SpanData> spans() {
        List<SpanData> captured = new java.util.ArrayList<>();
        SpanExporter capture = new Flaky(0) {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                captured.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }
        };
        try (io.opentelemetry.sdk.trace.SdkTracerProvider provider =
                io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                        .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(capture))
                        .build()) {
            provider.get("test").spanBuilder("kong").startSpan().end();
            provider.get("test").spanBuilder("kong.balancer").startSpan().end();
        }
        return List.copyOf(captured);
    }

    @Test
    void aFailedExportIsRetriedUntilItIsAccepted() {
        Flaky collector = new Flaky(2);
        RetryingExporter exporter =
                new RetryingExporter(collector, new QueueSpec(200, 0, 100, 0, 5_000, 5, 20, 1), 1000);
        assertTrue(exporter.export(TWO).isSuccess());
        assertEquals(3, collector.calls.get());
        assertEquals(2, exporter.exported());
        assertEquals(0, exporter.lost());
    }

    @Test
    void aBatchIsLostOnceMaxRetryTimeHasPassed() {
        Flaky collector = new Flaky(Integer.MAX_VALUE);
        RetryingExporter exporter = new RetryingExporter(collector, new QueueSpec(200, 0, 100, 0, 100, 5, 20, 1), 1000);
        assertFalse(exporter.export(TWO).isSuccess());
        assertTrue(collector.calls.get() > 1, "retried first");
        assertEquals(2, exporter.lost());
        assertEquals("the collector answered with status 500", exporter.lastError());
    }

    // Attacker review 99: the failure's text (a parser's message quoting a collector's header line)
    // reached health's last_error.
    @Test
    void aFailureIsReportedInFixedWordsNeverInTheExceptionsText() {
        String quoted = "Invalid header: <script>secret-from-the-collector";
        assertEquals(
                "failed request: closed",
                RetryingExporter.describe(
                        io.opentelemetry.exporter.internal.FailedExportException.httpFailedExceptionally(
                                new java.io.IOException(quoted))));
        assertEquals(
                "failed request: connection refused",
                RetryingExporter.describe(
                        io.opentelemetry.exporter.internal.FailedExportException.httpFailedExceptionally(
                                new java.net.ConnectException("Connection refused"))));
        assertEquals(
                "failed request: IllegalStateException", RetryingExporter.describe(new IllegalStateException(quoted)));
    }

    // Attacker review 278: a tracer being replaced stops retrying, so a collector that keeps failing
    // (or answers 204) does not hold its thread and spans for max_retry_time per batch.
    @Test
    void stoppingCutsARetryDelayShortAndGivesTheBatchUp() throws Exception {
        Flaky collector = new Flaky(Integer.MAX_VALUE);
        // One hour of retries, each waiting at least a minute.
        RetryingExporter exporter =
                new RetryingExporter(collector, new QueueSpec(200, 0, 100, 0, 3_600_000, 60_000, 60_000, 1), 1000);
        java.util.concurrent.CompletableFuture<Boolean> done = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> exporter.export(TWO).isSuccess());
        org.awaitility.Awaitility.await().until(() -> collector.calls.get() >= 1);
        exporter.stopRetrying();
        assertFalse(done.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, exporter.lost());
        // What waits then gets one try each.
        int before = collector.calls.get();
        assertFalse(exporter.export(TWO).isSuccess());
        assertEquals(before + 1, collector.calls.get());
    }
}
