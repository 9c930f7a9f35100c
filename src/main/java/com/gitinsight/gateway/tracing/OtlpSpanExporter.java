package com.gitinsight.gateway.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * The OTLP/HTTP protobuf exporter behind the SDK's batch span processor: a batch of one tracer's
 * spans written by {@link OtlpTraceEncoder} and posted by {@link OtlpHttpSender}; a 200 is success,
 * anything else a failure {@link RetryingExporter} retries as Kong's queue does (Kong's exporter
 * takes only a 200). Runs on the batch processor's thread.
 */
final class OtlpSpanExporter implements SpanExporter {

    private static final Logger LOG = Logger.getLogger(OtlpSpanExporter.class.getName());

    private final OtlpTraceEncoder encoder;
    private final OtlpHttpSender sender;
    private final List<EndedSpan> batch = new ArrayList<>();

    OtlpSpanExporter(OtlpTraceEncoder encoder, OtlpHttpSender sender) {
        this.encoder = encoder;
        this.sender = sender;
    }

    /** Whether an encoding defect's stack trace was logged (once per exporter). */
    private boolean defectLogged;

    /** The encoding buffer a batch may leave grown: larger, it is given back after the send. */
    static final int KEPT_BUFFER_BYTES = 4 * 1024 * 1024;

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
        ProtoBuffer body;
        try {
            for (SpanData span : spans) {
                batch.add((EndedSpan) span); // (the processor gets nothing else: Tracing.ended)
            }
            body = encoder.encode(batch);
        } catch (RuntimeException | OutOfMemoryError e) {
            // A batch no try can send (a span this exporter cannot write, a request past the
            // encoder's bound, or the heap's): lost at once, counted; the thread goes on.
            encoder.release(KEPT_BUFFER_BYTES);
            if (!(e instanceof ProtoBuffer.TooLarge) && !(e instanceof OutOfMemoryError) && !defectLogged) {
                // A defect, not a size: its stack trace once (the count and reason are in health).
                defectLogged = true;
                LOG.log(Level.WARNING, "opentelemetry: a batch of spans could not be encoded", e);
            }
            return CompletableResultCode.ofExceptionalFailure(new Unencodable(e));
        } finally {
            batch.clear();
        }
        try {
            return send(body);
        } finally {
            encoder.release(KEPT_BUFFER_BYTES);
        }
    }

    private CompletableResultCode send(ProtoBuffer body) {
        CompletableResultCode result = new CompletableResultCode();
        sender.send(
                new MessageWriter() {
                    @Override
                    public void writeMessage(OutputStream out) throws IOException {
                        body.writeTo(out);
                    }

                    @Override
                    public int getContentLength() {
                        return body.length();
                    }
                },
                response -> {
                    if (response.getStatusCode() == 200) {
                        result.succeed();
                    } else {
                        result.failExceptionally(new OtlpHttpSender.NotOk(response.getStatusCode()));
                    }
                },
                result::failExceptionally);
        return result;
    }

    /** A batch the encoder refused: sending it again would fail again. */
    static final class Unencodable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unencodable(Throwable cause) {
            super(
                    "the spans could not be encoded: "
                            + (cause instanceof ProtoBuffer.TooLarge
                                    ? cause.getMessage() + " (lower queue.max_batch_size)"
                                    : cause.getClass().getSimpleName()),
                    cause);
        }
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess(); // (each export is sent before it returns)
    }

    @Override
    public CompletableResultCode shutdown() {
        return sender.shutdown();
    }

    /** What the sender reads of the SDK's sender settings: no proxy, retry policy, compression or executor. */
    record Settings(URI endpoint, Duration connectTimeout, Duration timeout, Map<String, List<String>> headers)
            implements HttpSenderConfig {

        Settings {
            headers = Map.copyOf(headers);
        }

        @Override
        public URI getEndpoint() {
            return endpoint;
        }

        @Override
        public String getContentType() {
            return "application/x-protobuf";
        }

        @Override
        public Compressor getCompressor() {
            return null;
        }

        @Override
        public Duration getTimeout() {
            return timeout;
        }

        @Override
        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        @Override
        public Supplier<Map<String, List<String>>> getHeadersSupplier() {
            return () -> headers;
        }

        @Override
        public ProxyOptions getProxyOptions() {
            return null;
        }

        @Override
        public RetryPolicy getRetryPolicy() {
            return null;
        }

        @Override
        public SSLContext getSslContext() {
            return null; // the JVM's trust store
        }

        @Override
        public X509TrustManager getTrustManager() {
            return null;
        }

        @Override
        public ExecutorService getExecutorService() {
            return null;
        }
    }
}
