package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.upstream.CosocketTimeouts;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One opentelemetry plugin config's tracer: Kong's sampler, the SDK's batch span processor
 * ({@code queue}: {@code max_batch_size} spans per export, {@code max_coalescing_delay} between
 * exports, {@code max_entries} waiting at most) and its OTLP/HTTP protobuf exporter to
 * {@code traces_endpoint} with the configured headers, retried as Kong's queue retries
 * ({@link RetryingExporter}). The resource is Kong's ({@code service.name} kong,
 * {@code service.instance.id} the node, {@code service.version}) with {@code resource_attributes}
 * over it; the scope is Kong's ({@code kong-internal} 0.1.0).
 *
 * <p>A request's spans are made here, not by the SDK's tracer: each is queued whole when it ends
 * ({@link EndedSpan}), with ids, sampling, trace state and attribute limits as the SDK's tracer
 * gives them, without its span builder, attribute map, lock and export copy (issue 22).
 */
final class Tracing {

    /** Characters an attribute's value keeps (a client chooses the URL and headers that become attributes). */
    static final int MAX_ATTRIBUTE_LENGTH = 2048;

    /** The newest equal config (a reload makes a new, equal one). */
    private volatile OpenTelemetrySchema.Config config;

    private final DroppedSpans dropped = new DroppedSpans();

    /**
     * Ids spelled in hex without the SDK's per-thread scratch buffer: a ThreadLocal, and the request
     * threads' ThreadLocal maps are the container's, large and probed past misses (async-profiler,
     * issue 22). Drawn as the SDK's random ids are; not announced as W3C level-2 random ids: Kong's
     * traceparent flags are 01 or 00, and so are ours.
     */
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    private final KongSampler sampler;

    /** Null under {@code off} (nothing is exported), as are {@link #meters} and {@link #processor}. */
    private final RetryingExporter exporter;

    private final SdkMeterProvider meters;
    /** Where ended spans go: the SDK's batch processor. */
    private final BatchSpanProcessor processor;
    /**
     * One resource and one scope object for every span: the OTLP exporter groups spans by their
     * resource's and scope's identity.
     */
    private final Resource resource;

    private final InstrumentationScopeInfo scope = InstrumentationScopeInfo.builder("kong-internal")
            .setVersion("0.1.0")
            .build();
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
        AttributesBuilder attributes = Attributes.builder()
                .put("service.name", "kong")
                .put("service.instance.id", nodeId)
                .put("service.version", version);
        config.resourceAttributes().forEach(attributes::put);
        this.resource = Resource.create(attributes.build());
        double rate = config.samplingRate() != null ? config.samplingRate() : defaultRate;
        this.sampler = new KongSampler(rate);
        if (instrumentations.exported()) {
            exporter = exporter(config);
            meters = SdkMeterProvider.builder().registerMetricReader(dropped).build();
            processor = batches(config, exporter, meters);
        } else {
            // Kong's tracing_instrumentations=off: nothing is ever sampled, so no exporter and no thread.
            exporter = null;
            meters = null;
            processor = null;
        }
    }

    private RetryingExporter exporter(OpenTelemetrySchema.Config config) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        config.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        OtlpSpanExporter.Settings settings = new OtlpSpanExporter.Settings(
                config.tracesEndpoint(),
                Duration.ofMillis(CosocketTimeouts.effective(config.connectTimeoutMs())),
                Duration.ofMillis(CosocketTimeouts.effective(config.sendTimeoutMs())
                        + CosocketTimeouts.effective(config.readTimeoutMs())),
                headers);
        OtlpSpanExporter otlp =
                new OtlpSpanExporter(new OtlpTraceEncoder(resource, scope), new OtlpHttpSender(settings));
        return new RetryingExporter(otlp, config.queue(), attemptTimeout(config));
    }

    private static long attemptTimeout(OpenTelemetrySchema.Config config) {
        return CosocketTimeouts.effective(config.connectTimeoutMs())
                + CosocketTimeouts.effective(config.sendTimeoutMs())
                + CosocketTimeouts.effective(config.readTimeoutMs())
                + 1000;
    }

    private static BatchSpanProcessor batches(
            OpenTelemetrySchema.Config config, RetryingExporter exporter, SdkMeterProvider meters) {
        long attemptTimeout = attemptTimeout(config);
        return BatchSpanProcessor.builder(exporter)
                // Kong queues each span as an entry: a delay under 50 ms exports them one by one.
                .setMaxExportBatchSize(config.queue().kongSendSize())
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

    /**
     * The request's span, started at {@code epochNanos} with {@code attributes}, as the SDK's tracer
     * starts one: in the trace of {@code parent}'s span when it is valid, else in trace
     * {@code chosenTraceId} (32 hex) when not null (Kong keeps a trace id a client sent alone, b3's
     * {@code x-b3-traceid} or ot's, and starts the request's span in it with no parent), else in a
     * new trace; sampled as Kong samples ({@link KongSampler}, which reads {@code parent}), the
     * parent's trace state kept.
     */
    RequestSpan requestSpan(FixedAttributes attributes, Context parent, String chosenTraceId, long epochNanos) {
        SpanContext parentSpan = Span.fromContext(parent).getSpanContext();
        String traceId =
                parentSpan.isValid() ? parentSpan.getTraceId() : chosenTraceId != null ? chosenTraceId : newTraceId();
        boolean sampled = sampler.shouldSample(parent, traceId, "kong", SpanKind.SERVER, Attributes.empty(), List.of())
                        .getDecision()
                == SamplingDecision.RECORD_AND_SAMPLE;
        SpanContext own = SpanContext.create(
                traceId,
                newSpanId(),
                sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                parentSpan.getTraceState());
        return new RequestSpan(this, own, parentSpan, epochNanos, attributes);
    }

    /** A string attribute within the SDK's span limit. */
    static String limited(String value) {
        return value.length() > MAX_ATTRIBUTE_LENGTH ? value.substring(0, MAX_ATTRIBUTE_LENGTH) : value;
    }

    OpenTelemetrySchema.Config config() {
        return config;
    }

    /** A new span id, as the SDK's spans get theirs. */
    String newSpanId() {
        return HEX.toHexDigits(newSpanIdValue());
    }

    /** A new trace id (32 hex, its low half not 0), drawn as the SDK's random ids are. */
    String newTraceId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = random.nextLong();
        long low;
        do {
            low = random.nextLong();
        } while (low == 0);
        return HEX.toHexDigits(high) + HEX.toHexDigits(low);
    }

    /** A new span id as a number (not 0), drawn as the SDK's random ids are. */
    long newSpanIdValue() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /** An ended span of this tracer's (its resource and scope). */
    EndedSpan span(
            String name,
            SpanKind kind,
            SpanContext context,
            SpanContext parent,
            StatusData status,
            long startEpochNanos,
            long endEpochNanos,
            Attributes attributes) {
        return new EndedSpan(
                name, kind, context, parent, status, startEpochNanos, endEpochNanos, attributes, resource, scope);
    }

    /** Queues a child span that has ended for export, as the SDK's own spans are queued when they end. */
    void ended(EndedSpan span) {
        if (processor != null) {
            processor.onEnd(span);
        }
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
        if (exporter != null) {
            exporter.stopRetrying(); // what waits gets one try each, not max_retry_time each
        }
        if (processor != null) {
            processor.forceFlush().join(millis, TimeUnit.MILLISECONDS);
            processor.shutdown().join(millis, TimeUnit.MILLISECONDS);
        }
        if (meters != null) {
            meters.shutdown();
        }
    }
}
