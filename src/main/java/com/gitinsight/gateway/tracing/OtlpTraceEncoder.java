package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.HexFormat;
import java.util.List;

/**
 * One tracer's ended spans as an OTLP/HTTP protobuf request ({@code ExportTraceServiceRequest}),
 * written in one pass into a buffer the exporter's thread reuses. The SDK's stateless marshaler
 * walked every span twice (sizes, then bytes) through its generic attribute and id paths, the ids
 * decoded from hex through a map: about three quarters of the exporter thread's time with every
 * request traced (issue 22). The bytes are the SDK's for the same spans, field for field
 * ({@code OtlpTraceEncoderTest} compares them); the resource and scope, the same for every span of
 * the tracer, are written once.
 */
final class OtlpTraceEncoder {

    // opentelemetry/proto/collector/trace/v1 and trace/v1, common/v1, resource/v1 field numbers.
    private static final int REQUEST_RESOURCE_SPANS = 1;
    private static final int RESOURCE_SPANS_RESOURCE = 1;
    private static final int RESOURCE_SPANS_SCOPE_SPANS = 2;
    private static final int RESOURCE_ATTRIBUTES = 1;
    private static final int SCOPE_SPANS_SCOPE = 1;
    private static final int SCOPE_SPANS_SPANS = 2;
    private static final int SCOPE_NAME = 1;
    private static final int SCOPE_VERSION = 2;
    private static final int SCOPE_ATTRIBUTES = 3;
    private static final int SPAN_TRACE_ID = 1;
    private static final int SPAN_SPAN_ID = 2;
    private static final int SPAN_TRACE_STATE = 3;
    private static final int SPAN_PARENT_SPAN_ID = 4;
    private static final int SPAN_NAME = 5;
    private static final int SPAN_KIND = 6;
    private static final int SPAN_START = 7;
    private static final int SPAN_END = 8;
    private static final int SPAN_ATTRIBUTES = 9;
    private static final int SPAN_STATUS = 15;
    private static final int SPAN_FLAGS = 16;
    private static final int STATUS_MESSAGE = 2;
    private static final int STATUS_CODE = 3;
    private static final int KEY_VALUE_KEY = 1;
    private static final int KEY_VALUE_VALUE = 2;
    private static final int ANY_STRING = 1;
    private static final int ANY_BOOL = 2;
    private static final int ANY_INT = 3;
    private static final int ANY_DOUBLE = 4;
    private static final int ANY_ARRAY = 5;
    private static final int ARRAY_VALUES = 1;
    /** The span flags' bits saying whether the parent is remote, and that they say it (OTLP 1.1). */
    private static final int HAS_IS_REMOTE = 0x100;

    private static final int IS_REMOTE = 0x200;

    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    /** The resource's and the scope's fields, written once. */
    private final byte[] resourceField;

    private final byte[] scopeField;
    /**
     * The largest request written: an OpenTelemetry Collector refuses a body over 20 MiB by
     * default, and a larger buffer (grown by copying) would take a small gateway heap's headroom.
     * A batch past it is lost and counted ({@link OtlpSpanExporter}); lower {@code max_batch_size}.
     */
    static final int MAX_REQUEST_BYTES = 16 << 20;

    private final ProtoBuffer out = new ProtoBuffer(64 * 1024, MAX_REQUEST_BYTES);

    // The last id decoded: a request's spans share its trace id and (the children) their parent's.
    private String traceIdHex;
    private long traceIdHigh;
    private long traceIdLow;
    private String parentIdHex;
    private long parentId;
    private TraceState traceState;
    private String traceStateText;

    OtlpTraceEncoder(Resource resource, InstrumentationScopeInfo scope) {
        this.resource = resource;
        this.scope = scope;
        ProtoBuffer b = new ProtoBuffer(256, MAX_REQUEST_BYTES);
        int r = b.beginMessage(RESOURCE_SPANS_RESOURCE);
        attributes(b, RESOURCE_ATTRIBUTES, resource.getAttributes());
        b.endMessage(r);
        this.resourceField = b.toByteArray();
        b.reset();
        int s = b.beginMessage(SCOPE_SPANS_SCOPE);
        if (!scope.getName().isEmpty()) {
            b.string(SCOPE_NAME, scope.getName());
        }
        if (scope.getVersion() != null && !scope.getVersion().isEmpty()) {
            b.string(SCOPE_VERSION, scope.getVersion());
        }
        attributes(b, SCOPE_ATTRIBUTES, scope.getAttributes());
        b.endMessage(s);
        this.scopeField = b.toByteArray();
    }

    /** Empties the buffer, giving it back when a batch grew it past {@code keptBytes}. */
    void release(int keptBytes) {
        out.release(keptBytes);
    }

    /**
     * {@code spans}, every one this tracer's (its resource and scope), as one request; the buffer
     * returned holds it until the next call.
     */
    ProtoBuffer encode(List<EndedSpan> spans) {
        out.reset();
        if (spans.isEmpty()) {
            return out;
        }
        int resourceSpans = out.beginMessage(REQUEST_RESOURCE_SPANS);
        out.bytes(resourceField);
        int scopeSpans = out.beginMessage(RESOURCE_SPANS_SCOPE_SPANS);
        out.bytes(scopeField);
        for (int i = 0; i < spans.size(); i++) {
            EndedSpan span = spans.get(i);
            if (span.getResource() != resource || span.getInstrumentationScopeInfo() != scope) {
                throw new IllegalArgumentException("a span of another tracer: " + span);
            }
            span(span);
        }
        out.endMessage(scopeSpans);
        out.endMessage(resourceSpans);
        return out;
    }

    private void span(EndedSpan span) {
        int start = out.beginMessage(SCOPE_SPANS_SPANS);
        SpanContext context = span.getSpanContext();
        String traceId = context.getTraceId();
        if (traceId != traceIdHex) { // (identity: a request's spans share the string)
            traceIdHigh = HexFormat.fromHexDigitsToLong(traceId, 0, 16);
            traceIdLow = HexFormat.fromHexDigitsToLong(traceId, 16, 32);
            traceIdHex = traceId;
        }
        out.tag(SPAN_TRACE_ID, ProtoBuffer.LENGTH_DELIMITED);
        out.varint(16);
        out.bigEndian64(traceIdHigh);
        out.bigEndian64(traceIdLow);
        out.tag(SPAN_SPAN_ID, ProtoBuffer.LENGTH_DELIMITED);
        out.varint(8);
        out.bigEndian64(
                context instanceof ChildSpanContext child
                        ? child.spanIdValue()
                        : HexFormat.fromHexDigitsToLong(context.getSpanId()));
        TraceState state = context.getTraceState();
        if (!state.isEmpty()) {
            out.string(SPAN_TRACE_STATE, traceStateText(state));
        }
        SpanContext parent = span.getParentSpanContext();
        if (parent.isValid()) {
            String parentHex = parent.getSpanId();
            if (parentHex != parentIdHex) {
                parentId = HexFormat.fromHexDigitsToLong(parentHex);
                parentIdHex = parentHex;
            }
            out.tag(SPAN_PARENT_SPAN_ID, ProtoBuffer.LENGTH_DELIMITED);
            out.varint(8);
            out.bigEndian64(parentId);
        }
        if (!span.getName().isEmpty()) {
            out.string(SPAN_NAME, span.getName());
        }
        out.tag(SPAN_KIND, ProtoBuffer.VARINT);
        out.varint(span.getKind().ordinal() + 1L); // INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER: 1 to 5
        if (span.getStartEpochNanos() != 0) {
            out.tag(SPAN_START, ProtoBuffer.FIXED64);
            out.fixed64(span.getStartEpochNanos());
        }
        if (span.getEndEpochNanos() != 0) {
            out.tag(SPAN_END, ProtoBuffer.FIXED64);
            out.fixed64(span.getEndEpochNanos());
        }
        attributes(out, SPAN_ATTRIBUTES, span.getAttributes());
        // (No dropped attributes, events or links: an EndedSpan has none.)
        StatusData status = span.getStatus();
        int s = out.beginMessage(SPAN_STATUS);
        if (!status.getDescription().isEmpty()) {
            out.string(STATUS_MESSAGE, status.getDescription());
        }
        int code = switch (status.getStatusCode()) {
            case UNSET -> 0;
            case OK -> 1;
            case ERROR -> 2;
        };
        if (code != 0) {
            out.tag(STATUS_CODE, ProtoBuffer.VARINT);
            out.varint(code);
        }
        out.endMessage(s);
        out.tag(SPAN_FLAGS, ProtoBuffer.FIXED32);
        out.fixed32((context.getTraceFlags().asByte() & 0xFF) | HAS_IS_REMOTE | (parent.isRemote() ? IS_REMOTE : 0));
        out.endMessage(start);
    }

    /** W3C's tracestate text (its members in order), kept for the request's other spans. */
    private String traceStateText(TraceState state) {
        if (state != traceState) {
            StringBuilder text = new StringBuilder();
            state.forEach((key, value) -> {
                if (text.length() > 0) {
                    text.append(',');
                }
                text.append(key).append('=').append(value);
            });
            traceState = state;
            traceStateText = text.toString();
        }
        return traceStateText;
    }

    private static void attributes(ProtoBuffer b, int field, Attributes attributes) {
        if (attributes instanceof FixedAttributes fixed) {
            for (int i = 0; i < fixed.slots(); i++) {
                Object value = fixed.value(i);
                if (value != null) {
                    keyValue(b, field, fixed.key(i), value);
                }
            }
        } else if (!attributes.isEmpty()) {
            attributes.forEach((key, value) -> keyValue(b, field, key, value));
        }
    }

    private static void keyValue(ProtoBuffer b, int field, AttributeKey<?> key, Object value) {
        int kv = b.beginMessage(field);
        if (!key.getKey().isEmpty()) {
            b.string(KEY_VALUE_KEY, key.getKey());
        }
        int any = b.beginMessage(KEY_VALUE_VALUE);
        switch (key.getType()) {
            case STRING -> b.string(ANY_STRING, (String) value);
            case BOOLEAN -> bool(b, (Boolean) value);
            case LONG -> int64(b, (Long) value);
            case DOUBLE -> float64(b, (Double) value);
            case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> {
                int array = b.beginMessage(ANY_ARRAY);
                for (Object element : (List<?>) value) {
                    int item = b.beginMessage(ARRAY_VALUES);
                    switch (key.getType()) {
                        case STRING_ARRAY -> b.string(ANY_STRING, (String) element);
                        case BOOLEAN_ARRAY -> bool(b, (Boolean) element);
                        case LONG_ARRAY -> int64(b, (Long) element);
                        default -> float64(b, (Double) element);
                    }
                    b.endMessage(item);
                }
                b.endMessage(array);
            }
            default -> throw new IllegalArgumentException("an attribute type OTLP 1.x has no value for: " + key);
        }
        b.endMessage(any);
        b.endMessage(kv);
    }

    private static void bool(ProtoBuffer b, boolean value) {
        b.tag(ANY_BOOL, ProtoBuffer.VARINT);
        b.varint(value ? 1 : 0);
    }

    private static void int64(ProtoBuffer b, long value) {
        b.tag(ANY_INT, ProtoBuffer.VARINT);
        b.varint(value);
    }

    private static void float64(ProtoBuffer b, double value) {
        b.tag(ANY_DOUBLE, ProtoBuffer.FIXED64);
        b.fixed64(Double.doubleToRawLongBits(value));
    }
}
