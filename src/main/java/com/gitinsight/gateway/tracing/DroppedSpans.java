package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * Reads the SDK batch processor's own count of the spans it dropped because its queue was full
 * ({@code processedSpans{dropped=true}}, or {@code otel.sdk.processor.span.processed} with an
 * {@code error.type} in the SDK's newer telemetry): the processor is the SDK's, so is the count.
 */
final class DroppedSpans implements MetricReader {

    private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    long dropped() {
        long sum = 0;
        for (MetricData m : registration.collectAllMetrics()) {
            if (!m.getName().toLowerCase(java.util.Locale.ROOT).contains("processed")) {
                continue;
            }
            for (LongPointData p : m.getLongSumData().getPoints()) {
                if (Boolean.TRUE.equals(p.getAttributes().get(DROPPED))
                        || p.getAttributes().get(ERROR_TYPE) != null) {
                    sum += p.getValue();
                }
            }
        }
        return sum;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
