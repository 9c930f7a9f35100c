package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * Kong's sampling ({@code kong/pdk/tracing.lua}): a client's "not sampled" is always honoured, its
 * "sampled" is not obeyed blindly (the rate still applies, so a client cannot make the gateway
 * export every request); otherwise a trace is kept when the first 8 bytes of its id, read
 * little-endian as Kong reads them, fall below {@code rate} of the 64-bit range (the same trace id
 * gives the same verdict on Kong and here, and at every service that samples by Kong's or
 * OpenTelemetry's ratio: a trace is kept whole or not at all). A client can choose an id that is
 * kept (as on Kong): that makes its own requests traced, no more; the span queue stays bounded. A
 * span inside the gateway follows its root.
 */
final class KongSampler implements Sampler {

    /** Set when the client said "not sampled" (with or without ids: b3's {@code b3: 0} alone counts). */
    static final ContextKey<Boolean> NOT_SAMPLED = ContextKey.named("gateway-client-not-sampled");

    private final double rate;

    KongSampler(double rate) {
        this.rate = rate;
    }

    @Override
    public SamplingResult shouldSample(
            Context parentContext,
            String traceId,
            String name,
            SpanKind spanKind,
            Attributes attributes,
            List<LinkData> parentLinks) {
        if (Boolean.TRUE.equals(parentContext.get(NOT_SAMPLED))) {
            return SamplingResult.drop();
        }
        SpanContext parent = Span.fromContext(parentContext).getSpanContext();
        if (parent.isValid() && (!parent.isSampled() || !parent.isRemote())) {
            return parent.isSampled() ? SamplingResult.recordAndSample() : SamplingResult.drop();
        }
        return sampled(traceId, rate) ? SamplingResult.recordAndSample() : SamplingResult.drop();
    }

    /** Whether Kong samples {@code traceId} (32 hex digits) at {@code rate}. */
    static boolean sampled(String traceId, double rate) {
        if (rate >= 1) {
            return true;
        }
        if (rate <= 0) {
            return false;
        }
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | Integer.parseInt(traceId, i * 2, i * 2 + 2, 16);
        }
        // An unsigned 64-bit value as a fraction of 2^64.
        double fraction = (value >>> 11) * 0x1.0p-53;
        return fraction < rate;
    }

    @Override
    public String getDescription() {
        return "KongSampler{rate=" + rate + "}";
    }
}
