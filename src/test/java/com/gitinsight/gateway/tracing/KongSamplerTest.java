package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kong's ratio sampler (spec 04-exporter_spec's vectors) and its handling of a client's sampled flag. */
class KongSamplerTest {

    private static final String SAMPLED_AT_HALF = "92a54b3e1a7c4f2da9e44b8a6f3e1dab";
    private static final String NOT_SAMPLED_AT_HALF = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void kongsVectorsAtHalf() {
        assertTrue(KongSampler.sampled(SAMPLED_AT_HALF, 0.5));
        assertFalse(KongSampler.sampled(NOT_SAMPLED_AT_HALF, 0.5));
        assertTrue(KongSampler.sampled(NOT_SAMPLED_AT_HALF, 1));
        assertFalse(KongSampler.sampled(SAMPLED_AT_HALF, 0));
    }

    private static SamplingDecision decide(double rate, String traceId, boolean parentSampled) {
        SpanContext parent = SpanContext.createFromRemoteParent(
                traceId,
                "00f067aa0ba902b7",
                parentSampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                TraceState.getDefault());
        return new KongSampler(rate)
                .shouldSample(
                        Context.root().with(Span.wrap(parent)),
                        traceId,
                        "kong",
                        SpanKind.SERVER,
                        Attributes.empty(),
                        List.of())
                .getDecision();
    }

    @Test
    void aClientsNotSampledIsHonouredButItsSampledDoesNotForceTheRate() {
        assertEquals(SamplingDecision.DROP, decide(1, SAMPLED_AT_HALF, false));
        assertEquals(SamplingDecision.DROP, decide(0.5, NOT_SAMPLED_AT_HALF, true));
        assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(0.5, SAMPLED_AT_HALF, true));
    }

    @Test
    void anUntrustedClientCannotForceSamplingWithAChosenTraceId() {
        // All zeros in its first 8 bytes: Kong's ratio samples it at any rate above 0.
        String forced = "0000000000000000a3ce929d0e0e4736";
        assertTrue(KongSampler.sampled(forced, 0.01));
        SpanContext parent = SpanContext.createFromRemoteParent(
                forced, "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault());
        Context untrusted = Context.root().with(Span.wrap(parent)).with(KongSampler.UNTRUSTED, true);
        int sampled = 0;
        for (int i = 0; i < 2000; i++) {
            if (new KongSampler(0.01)
                            .shouldSample(untrusted, forced, "kong", SpanKind.SERVER, Attributes.empty(), List.of())
                            .getDecision()
                    == SamplingDecision.RECORD_AND_SAMPLE) {
                sampled++;
            }
        }
        assertTrue(sampled < 100, sampled + " of 2000 at rate 0.01");
    }
}
