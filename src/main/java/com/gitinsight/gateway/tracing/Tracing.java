package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One opentelemetry plugin config's tracer: the SDK's tracer provider with Kong's sampler, the SDK's
 * batch span processor ({@code queue}: {@code max_batch_size} spans per export,
 * {@code max_coalescing_delay} between exports, {@code max_entries} waiting at most) and its OTLP/HTTP
 * protobuf exporter to {@code traces_endpoint} with the configured headers, retried as Kong's queue
 * retries ({@link RetryingExporter}). The resource is Kong's ({@code service.name} kong,
 * {@code service.instance.id} the node, {@code service.version}) with {@code resource_attributes}
 * over it; the scope is Kong's ({@code kong-internal} 0.1.0).
 */
final class Tracing {

    /** Characters an attribute's value keeps (a client chooses the URL and headers that become attributes). */
    static final int MAX_ATTRIBUTE_LENGTH = 2048;

    /** The newest equal config (a reload makes a new, equal one). */
    private volatile OpenTelemetrySchema.Config config;

    private final SdkTracerProvider provider;
    private final SdkMeterProvider meters;
    private final DroppedSpans dropped = new DroppedSpans();

    /** Span and trace ids; a trace id a client sent without a span id is handed to the request's span here. */
    private final ChosenTraceIds ids = new ChosenTraceIds();

    /**
     * The SDK's random ids, without announcing them as W3C level-2 random ids (Kong's traceparent
     * flags are 01 or 00, and so are ours; the SDK would set 0x02 too), except for the trace id of a
     * root span started by {@link #startRoot} with a chosen one: Kong keeps a trace id a client
     * sent alone (b3's {@code x-b3-traceid}, ot's) and starts the request's span in it with no parent.
     */
    private static final class ChosenTraceIds implements IdGenerator {
        private final IdGenerator random = IdGenerator.random();
        /** Set only around one root span's start, on the thread that starts it. */
        private final ThreadLocal<String> chosen = new ThreadLocal<>();

        @Override
        public String generateSpanId() {
            return random.generateSpanId();
        }

        @Override
        public String generateTraceId() {
            String id = chosen.get();
            return id != null ? id : random.generateTraceId();
        }
    }

    /** Under {@code off}: sees no span (none is sampled, and it asks for none). */
    private static final SpanProcessor KEEPS_NOTHING = new SpanProcessor() {
        @Override
        public void onStart(io.opentelemetry.context.Context parent, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
            return false;
        }
    };

    /** Null under {@code off} (nothing is exported), as is {@link #meters}. */
    private final RetryingExporter exporter;

    final Tracer tracer;
    /**
     * The resource the SDK's spans carry, taken from the first (the exporter groups spans by their
     * resource's and scope's identity: the children must carry the same objects).
     */
    private volatile Resource resource;
    /** Where ended spans go: the batch processor (KEEPS_NOTHING under {@code off}). */
    private final SpanProcessor processor;
    /** Which spans are exported (Kong's tracing_instrumentations). */
    final Instrumentations instrumentations;

    Tracing(
            OpenTelemetrySchema.Config config,
            double defaultRate,
            Instrumentations instrumentations,
            String nodeId,
            String version) {
        this.config = config;
        this.instrumentations = instrumentations;
        AttributesBuilder resource = Attributes.builder()
                .put("service.name", "kong")
                .put("service.instance.id", nodeId)
                .put("service.version", version);
        config.resourceAttributes().forEach(resource::put);
        double rate = config.samplingRate() != null ? config.samplingRate() : defaultRate;
        var builder = SdkTracerProvider.builder()
                .setResource(Resource.create(resource.build()))
                .setSampler(new KongSampler(rate))
                .setIdGenerator(ids)
                // A client chooses the URL and headers that become attributes; a queued span stays small.
                .setSpanLimits(SpanLimits.builder()
                        .setMaxAttributeValueLength(MAX_ATTRIBUTE_LENGTH)
                        .build());
        if (instrumentations.exported()) {
            exporter = exporter(config);
            meters = SdkMeterProvider.builder().registerMetricReader(dropped).build();
            processor = batches(config, exporter, meters);
            builder.addSpanProcessor(processor);
        } else {
            // Kong's tracing_instrumentations=off: nothing is ever sampled, so no exporter and no thread.
            // Still a processor: with none the SDK's tracer is a no-op that makes no request span (Kong
            // passes on a span of its own, not the client's).
            exporter = null;
            meters = null;
            processor = KEEPS_NOTHING;
            builder.addSpanProcessor(KEEPS_NOTHING);
        }
        provider = builder.build();
        tracer = provider.tracerBuilder("kong-internal")
                .setInstrumentationVersion("0.1.0")
                .build();
    }

    private static RetryingExporter exporter(OpenTelemetrySchema.Config config) {
        OtlpHttpSpanExporterBuilder otlp = OtlpHttpSpanExporter.builder()
                .setEndpoint(config.tracesEndpoint().toString())
                .setConnectTimeout(Duration.ofMillis(Math.max(1, config.connectTimeoutMs())))
                .setTimeout(Duration.ofMillis(Math.max(1, config.sendTimeoutMs() + config.readTimeoutMs())))
                .setRetryPolicy(null)
                .setComponentLoader(OtlpHttpSender.LOADER)
                // Marshals into buffers it keeps, not new objects per span (the batch thread's garbage).
                .setMemoryMode(MemoryMode.REUSABLE_DATA);
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            otlp.addHeader(h.getKey(), h.getValue());
        }
        return new RetryingExporter(otlp.build(), config.queue(), attemptTimeout(config));
    }

    private static long attemptTimeout(OpenTelemetrySchema.Config config) {
        return config.connectTimeoutMs() + config.sendTimeoutMs() + config.readTimeoutMs() + 1000;
    }

    private static BatchSpanProcessor batches(
            OpenTelemetrySchema.Config config, RetryingExporter exporter, SdkMeterProvider meters) {
        long attemptTimeout = attemptTimeout(config);
        return BatchSpanProcessor.builder(exporter)
                .setMaxExportBatchSize(config.queue().sendSize())
                .setMaxQueueSize(
                        Math.max(config.queue().maxEntries(), config.queue().sendSize()))
                .setScheduleDelay(Math.max(1, config.queue().coalescingDelayMs()), TimeUnit.MILLISECONDS)
                .setExporterTimeout(
                        Math.max(0, config.queue().maxRetryTimeMs()) + 2 * attemptTimeout, TimeUnit.MILLISECONDS)
                .setMeterProvider(meters)
                .build();
    }

    /** Now, as the SDK stamps spans (epoch nanoseconds). */
    long now() {
        return io.opentelemetry.sdk.common.Clock.getDefault().now();
    }

    /** Starts the request's span; in trace {@code traceId} (32 hex) when not null and the builder has no parent. */
    io.opentelemetry.api.trace.Span startRoot(io.opentelemetry.api.trace.SpanBuilder root, String traceId) {
        if (traceId == null) {
            return root.startSpan();
        }
        ids.chosen.set(traceId);
        try {
            return root.startSpan();
        } finally {
            ids.chosen.remove();
        }
    }

    OpenTelemetrySchema.Config config() {
        return config;
    }

    /** A new span id, as the SDK's spans get theirs. */
    String newSpanId() {
        return ids.generateSpanId();
    }

    /** The resource of {@code sdkSpan}, one of this tracer's, and of every span it makes. */
    Resource resource(ReadableSpan sdkSpan) {
        Resource r = resource;
        if (r == null) {
            r = sdkSpan.toSpanData().getResource();
            resource = r; // (the same object whoever sets it)
        }
        return r;
    }

    /** Queues a child span that has ended for export, as the SDK's own spans are queued when they end. */
    void ended(EndedSpan span) {
        processor.onEnd(span);
    }

    /** This tracer, now known by {@code equal} (a reload's copy of its config). */
    Tracing with(OpenTelemetrySchema.Config equal) {
        this.config = equal;
        return this;
    }

    Tracers.Status status() {
        if (exporter == null) {
            return new Tracers.Status(config.destination(), 0, 0, 0, 0, null);
        }
        return new Tracers.Status(
                config.destination(),
                exporter.exported(),
                dropped.dropped(),
                exporter.lost(),
                exporter.failedSends(),
                exporter.lastError());
    }

    /** Sends what waits (within {@code millis}) and stops. */
    void shutdown(long millis) {
        provider.forceFlush().join(millis, TimeUnit.MILLISECONDS);
        provider.shutdown().join(millis, TimeUnit.MILLISECONDS);
        if (meters != null) {
            meters.shutdown();
        }
    }
}
