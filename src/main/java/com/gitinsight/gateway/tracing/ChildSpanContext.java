package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * The context of a child span no target is told of (the router's, a plugin phase's): its parent's
 * trace, flags and state, and its own id as a number, spelled in hex only if something asks. The
 * OTLP encoder writes the number as it is; the SDK's context spelled and checked every id in hex on
 * the request thread, eight times a request with {@code all} (issue 22).
 */
final class ChildSpanContext implements SpanContext {

    private final SpanContext parent;
    private final long spanId;
    private String spanIdHex;

    /** {@code spanId} not 0 (a valid id). */
    ChildSpanContext(SpanContext parent, long spanId) {
        this.parent = parent;
        this.spanId = spanId;
    }

    long spanIdValue() {
        return spanId;
    }

    @Override
    public String getTraceId() {
        return parent.getTraceId();
    }

    @Override
    public String getSpanId() {
        String hex = spanIdHex;
        if (hex == null) {
            hex = SpanId.fromLong(spanId);
            spanIdHex = hex; // (the same value whichever thread spells it first)
        }
        return hex;
    }

    @Override
    public TraceFlags getTraceFlags() {
        return parent.getTraceFlags();
    }

    @Override
    public TraceState getTraceState() {
        return parent.getTraceState();
    }

    @Override
    public boolean isRemote() {
        return false;
    }

    @Override
    public boolean isValid() {
        return parent.isValid();
    }

    @Override
    public String toString() {
        return "ChildSpanContext{" + getTraceId() + ", " + getSpanId() + "}";
    }
}
