package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * A span handed to the SDK's batch processor whole, once it has ended: the request's own
 * ({@link RequestSpan}) and its children, which the request's trace times itself (routing, each
 * plugin's access phase, each try at a target) and knows everything about at the end. The SDK's
 * own span for each was built through its span builder, sampler, attribute map and lock on the
 * request thread, and copied again for export on the processor's thread; the processor and the
 * OTLP exporter take this one as they take theirs ({@link #toSpanData} is the span itself). A
 * child's trace, flags and trace state are its parent's (the request's span), as the SDK's sampler
 * gives a child of a local parent.
 */
final class EndedSpan implements ReadableSpan, SpanData {

    private final String name;
    private final SpanKind kind;
    private final SpanContext context;
    private final SpanContext parent;
    private final StatusData status;
    private final long startEpochNanos;
    private final long endEpochNanos;
    private final Attributes attributes;
    private final Resource resource;
    private final InstrumentationScopeInfo scope;

    EndedSpan(
            String name,
            SpanKind kind,
            SpanContext context,
            SpanContext parent,
            StatusData status,
            long startEpochNanos,
            long endEpochNanos,
            Attributes attributes,
            Resource resource,
            InstrumentationScopeInfo scope) {
        this.name = name;
        this.kind = kind;
        this.context = context;
        this.parent = parent;
        this.status = status;
        this.startEpochNanos = startEpochNanos;
        // The SDK's span never ends before it starts (a clock read out of order).
        this.endEpochNanos = Math.max(startEpochNanos, endEpochNanos);
        this.attributes = attributes;
        this.resource = resource;
        this.scope = scope;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public SpanKind getKind() {
        return kind;
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public StatusData getStatus() {
        return status;
    }

    @Override
    public long getStartEpochNanos() {
        return startEpochNanos;
    }

    @Override
    public long getEndEpochNanos() {
        return endEpochNanos;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public <T> T getAttribute(AttributeKey<T> key) {
        return attributes.get(key);
    }

    @Override
    public List<EventData> getEvents() {
        return List.of();
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public long getLatencyNanos() {
        return endEpochNanos - startEpochNanos;
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    @SuppressWarnings("deprecation") // both interfaces still declare it abstract
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion(), scope.getSchemaUrl());
    }

    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public SpanData toSpanData() {
        return this;
    }

    @Override
    public String toString() {
        return "EndedSpan{" + name + ", " + context.getSpanId() + "}";
    }
}
