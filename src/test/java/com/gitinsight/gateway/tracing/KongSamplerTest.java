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

    // Kong's 04-exporter_spec: at 0.5 the same client-sent trace id gets the same verdict every
    // time, whoever sent it (a ratio on the id keeps a trace whole across services).
    @Test
    void aClientsTraceIdGetsKongsVerdictEveryTime() {
        for (int i = 0; i < 200; i++) {
            assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(0.5, SAMPLED_AT_HALF, true));
            assertEquals(SamplingDecision.DROP, decide(0.5, NOT_SAMPLED_AT_HALF, true));
            assertEquals(
                    SamplingDecision.DROP, decide(0.5, "0a1b2c3d4e5f6a9fa3ce929d0e0e4736", true)); // LogsAndTracesIT's
        }
    }
}
