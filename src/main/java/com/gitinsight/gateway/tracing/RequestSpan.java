package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.StatusData;

/**
 * The request's own span ({@code kong}, Kong's root span) while the request runs: its context,
 * chosen as the SDK's tracer chooses one ({@link Tracing#requestSpan}), and its attributes, kept
 * here until it ends and is queued whole as an {@link EndedSpan}, as the request's children are.
 * The SDK's span kept them in a locked map and copied them again on the export thread (issue 22).
 * Used on the request's thread only.
 */
final class RequestSpan {

    private final Tracing tracing;
    private final SpanContext context;
    private final SpanContext parent;
    private final long startEpochNanos;
    /** Null when not sampled (nothing is kept or exported), and once ended. */
    private FixedAttributes attributes;
    /** The span queued when this one ended (null before, or when not sampled). */
    private EndedSpan ended;

    RequestSpan(
            Tracing tracing,
            SpanContext context,
            SpanContext parent,
            long startEpochNanos,
            FixedAttributes attributes) {
        this.tracing = tracing;
        this.context = context;
        this.parent = parent;
        this.startEpochNanos = startEpochNanos;
        this.attributes = context.isSampled() ? attributes : null;
    }

    SpanContext getSpanContext() {
        return context;
    }

    /** Its parent's context (invalid in a trace of its own, or in the trace a client named alone). */
    SpanContext getParentSpanContext() {
        return parent;
    }

    /** What was queued for export when it ended (null before, or when not sampled). */
    EndedSpan ended() {
        return ended;
    }

    /** Sampled and not ended (the SDK's {@code isRecording}). */
    boolean isRecording() {
        return attributes != null;
    }

    /** Sets {@code key} (cut at the SDK's limit); ignored once ended, or when not sampled. */
    void set(AttributeKey<String> key, String value) {
        if (attributes != null) {
            attributes.setLimited(key, value);
        }
    }

    void set(AttributeKey<Long> key, long value) {
        if (attributes != null) {
            attributes.set(key, value);
        }
    }

    /** Ends the span at {@code endEpochNanos} and queues it for export (once; nothing when not sampled). */
    void end(long endEpochNanos) {
        if (attributes == null) {
            return;
        }
        FixedAttributes kept = attributes; // (no longer written: the export thread reads it)
        attributes = null;
        // Kong sets no status on the request's span.
        ended = tracing.span(
                "kong", SpanKind.SERVER, context, parent, StatusData.unset(), startEpochNanos, endEpochNanos, kept);
        tracing.ended(ended);
    }
}
