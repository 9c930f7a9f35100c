package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway's OTLP encoding of its spans is the SDK's marshaler's, byte for byte (the SDK's
 * exporter sent them before issue 22's measure), and reads back as the spans.
 */
class OtlpTraceEncoderTest {

    private static final AttributeKey<String> URL = AttributeKey.stringKey("http.url");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.status_code");
    private static final AttributeKey<Double> TRY = AttributeKey.doubleKey("try_count");
    private static final AttributeKey<Boolean> FLAG = AttributeKey.booleanKey("flag");
    private static final FixedAttributes.Layout LAYOUT = new FixedAttributes.Layout(URL, STATUS, TRY, FLAG);

    private final Resource resource = Resource.create(Attributes.builder()
            .put("service.name", "kong")
            .put("service.instance.id", "node-1")
            .put("deployment", "prod é")
            .put(AttributeKey.stringArrayKey("tags"), List.of("a", "", "ü"))
            .put(AttributeKey.longArrayKey("ports"), List.of(80L, -1L))
            .put(AttributeKey.booleanArrayKey("bools"), List.of(true, false))
            .put(AttributeKey.doubleArrayKey("ratios"), List.of(0.5, -0.0))
            .put("big", Long.MIN_VALUE)
            .put("off", false)
            .put("zero", 0.0)
            .build());
    private final InstrumentationScopeInfo scope = InstrumentationScopeInfo.builder("kong-internal")
            .setVersion("0.1.0")
            .build();

    private EndedSpan span(
            String name, SpanKind kind, SpanContext context, SpanContext parent, StatusData status, Attributes a) {
        return new EndedSpan(
                name,
                kind,
                context,
                parent,
                status,
                1_700_000_000_123_456_789L,
                1_700_000_000_223_456_789L,
                a,
                resource,
                scope);
    }

    private List<EndedSpan> spans() {
        TraceState state =
                TraceState.builder().put("vendor", "x:1").put("other", "y").build();
        SpanContext remoteParent = SpanContext.createFromRemoteParent(
                "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(), state);
        SpanContext root = SpanContext.create(
                "0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7", TraceFlags.getSampled(), state);
        FixedAttributes rootAttributes = LAYOUT.create()
                .set(URL, "http://h:8000/caf\u00e9?x=\uD83D\uDE00&bad=\uD800z" + "y".repeat(300))
                .set(STATUS, 200L)
                .set(FLAG, true);
        FixedAttributes tryAttributes =
                LAYOUT.create().set(TRY, 2.0).set(STATUS, 502L).set(FLAG, false);
        List<EndedSpan> spans = new ArrayList<>();
        spans.add(span("kong", SpanKind.SERVER, root, remoteParent, StatusData.unset(), rootAttributes));
        // A phase's context: its id a number, spelled in hex only if asked (the SDK's marshaler asks).
        SpanContext child = new ChildSpanContext(root, 0x1111111111111111L);
        spans.add(span("kong.router", SpanKind.INTERNAL, child, root, StatusData.error(), Attributes.empty()));
        SpanContext balancer =
                SpanContext.create(root.getTraceId(), "ffffffffffffff01", TraceFlags.getSampled(), state);
        spans.add(span(
                "kong.balancer",
                SpanKind.CLIENT,
                balancer,
                root,
                StatusData.create(io.opentelemetry.api.trace.StatusCode.ERROR, "refused"),
                tryAttributes));
        // Another request: its own trace, no parent, no trace state, not sampled flags.
        SpanContext own = SpanContext.create(
                "ffffffffffffffff0000000000000001",
                "8000000000000000",
                TraceFlags.getDefault(),
                TraceState.getDefault());
        spans.add(span("kong", SpanKind.SERVER, own, SpanContext.getInvalid(), StatusData.ok(), LAYOUT.create()));
        spans.add(span("", SpanKind.PRODUCER, own, SpanContext.getInvalid(), StatusData.unset(), Attributes.empty()));
        spans.add(span("c", SpanKind.CONSUMER, own, SpanContext.getInvalid(), StatusData.unset(), Attributes.empty()));
        spans.add(span(
                "kong.access.plugin.jwt",
                SpanKind.INTERNAL,
                new ChildSpanContext(own, -2L),
                own,
                StatusData.unset(),
                Attributes.empty()));
        return spans;
    }

    private static byte[] sdkBytes(List<? extends SpanData> spans) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(new ArrayList<>(spans)).writeBinaryTo(out);
        return out.toByteArray();
    }

    @Test
    void theBytesAreTheSdkMarshalersForTheSameSpans() throws Exception {
        List<EndedSpan> spans = spans();
        OtlpTraceEncoder encoder = new OtlpTraceEncoder(resource, scope);
        assertArrayEquals(sdkBytes(spans), encoder.encode(spans).toByteArray());
        // The buffer is reused: a second, smaller batch is written from its start.
        List<EndedSpan> one = spans.subList(1, 2);
        assertArrayEquals(sdkBytes(one), encoder.encode(one).toByteArray());
        assertArrayEquals(sdkBytes(spans), encoder.encode(spans).toByteArray());
    }

    @Test
    void aLargeBatchGrowsTheBufferAndReadsBack() throws Exception {
        List<EndedSpan> spans = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            spans.addAll(spans());
        }
        OtlpTraceEncoder encoder = new OtlpTraceEncoder(resource, scope);
        byte[] bytes = encoder.encode(spans).toByteArray();
        assertArrayEquals(sdkBytes(spans), bytes);
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(bytes);
        List<Span> read = request.getResourceSpans(0).getScopeSpans(0).getSpansList();
        assertEquals(spans.size(), read.size());
        Span first = read.get(0);
        assertEquals("kong", first.getName());
        assertEquals(
                "b7ad6b7169203331",
                java.util.HexFormat.of().formatHex(first.getParentSpanId().toByteArray()));
        assertEquals("other=y,vendor=x:1", first.getTraceState()); // (the builder puts a newer member first)
        assertEquals(0x301, first.getFlags()); // sampled, parent remote and said to be
        assertEquals(
                "kong-internal",
                request.getResourceSpans(0).getScopeSpans(0).getScope().getName());
    }

    @Test
    void aChildsContextIsItsParentsTraceWithItsOwnId() {
        SpanContext parent = SpanContext.create(
                "0af7651916cd43dd8448eb211c80319c",
                "00f067aa0ba902b7",
                TraceFlags.getSampled(),
                TraceState.builder().put("k", "v").build());
        SpanContext child = new ChildSpanContext(parent, 0x00000000000000ffL);
        assertEquals("00000000000000ff", child.getSpanId());
        assertEquals(parent.getTraceId(), child.getTraceId());
        assertEquals(parent.getTraceState(), child.getTraceState());
        assertEquals(true, child.isSampled());
        assertEquals(true, child.isValid());
        assertEquals(false, child.isRemote());
        assertEquals(
                false,
                new ChildSpanContext(
                                SpanContext.create(
                                        parent.getTraceId(),
                                        parent.getSpanId(),
                                        TraceFlags.getDefault(),
                                        TraceState.getDefault()),
                                1L)
                        .isSampled());
    }

    @Test
    void nothingToSendIsAnEmptyRequest() throws Exception {
        OtlpTraceEncoder encoder = new OtlpTraceEncoder(resource, scope);
        assertEquals(0, encoder.encode(List.of()).length());
        assertArrayEquals(sdkBytes(List.of()), encoder.encode(List.of()).toByteArray());
    }

    // Helper review 287: one batch of long attributes grew the buffer for the tracer's life.
    @Test
    void aGrownBufferIsGivenBackAfterItsBatch() {
        ProtoBuffer b = new ProtoBuffer(64, 1 << 20);
        b.string(1, "x".repeat(10_000));
        assertTrue(b.capacity() >= 10_000);
        b.release(100_000);
        assertEquals(0, b.length());
        assertTrue(b.capacity() >= 10_000, "kept: under the bound");
        b.string(1, "x".repeat(200_000));
        b.release(100_000);
        assertEquals(64, b.capacity());
    }

    // Attacker review 289: a request past the bound is refused before the buffer grows past it.
    @Test
    void aMessagePastTheBoundIsRefused() {
        ProtoBuffer b = new ProtoBuffer(64, 1000);
        b.string(1, "x".repeat(900));
        ProtoBuffer.TooLarge e = assertThrows(ProtoBuffer.TooLarge.class, () -> b.string(1, "x".repeat(200)));
        assertTrue(b.capacity() <= 1000, "never grown past it: " + b.capacity());
        assertEquals(
                "the spans could not be encoded: a message over 1000 bytes (lower queue.max_batch_size)",
                new OtlpSpanExporter.Unencodable(e).getMessage());
    }

    // Helper review 287: a batch the encoder refuses is lost at once and counted, not retried
    // until max_retry_time, nor thrown at the batch processor uncounted.
    @Test
    void aBatchTheEncoderRefusesIsCountedLostWithoutRetrying() {
        OtlpSpanExporter otlp = new OtlpSpanExporter(
                new OtlpTraceEncoder(resource, scope),
                new OtlpHttpSender(new OtlpSpanExporter.Settings(
                        java.net.URI.create("http://127.0.0.1:1/v1/traces"),
                        java.time.Duration.ofMillis(200),
                        java.time.Duration.ofMillis(200),
                        java.util.Map.of())));
        RetryingExporter exporter = new RetryingExporter(
                otlp, new com.gitinsight.gateway.config.QueueSpec(200, 0, 100, 0, 60_000, 5, 20, 1), 1000);
        EndedSpan other = spanOfAnotherTracer();
        assertFalse(exporter.export(List.of(other)).isSuccess());
        assertEquals(1, exporter.lost());
        assertEquals(1, exporter.failedSends(), "one try");
        assertEquals("the spans could not be encoded: IllegalArgumentException", exporter.lastError());
        otlp.shutdown();
    }

    /** A span of another resource than the encoder's. */
    private EndedSpan spanOfAnotherTracer() {
        return new EndedSpan(
                "kong",
                SpanKind.SERVER,
                SpanContext.getInvalid(),
                SpanContext.getInvalid(),
                StatusData.unset(),
                1,
                2,
                Attributes.empty(),
                Resource.getDefault(),
                scope);
    }

    @Test
    void aSpanOfAnotherTracerIsRefused() {
        OtlpTraceEncoder encoder = new OtlpTraceEncoder(resource, scope);
        EndedSpan other = spanOfAnotherTracer();
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(other)));
    }

    /** Each length's varint in the byte kept for it, or more bytes when the content is longer. */
    @Test
    void aMessageOfAnyLengthReadsBack() throws Exception {
        int[] lengths = {0, 1, 127, 128, 129, 16_383, 16_384, 70_000, 2_100_001};
        ProtoBuffer b = new ProtoBuffer(64, 8 << 20);
        List<String> written = new ArrayList<>();
        for (int length : lengths) {
            String text = "\u00e9".repeat(length / 2) + "x".repeat(length % 2);
            written.add(text);
            int outer = b.beginMessage(7);
            b.string(1, text);
            b.endMessage(outer);
        }
        com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(b.toByteArray());
        for (int i = 0; i < lengths.length; i++) {
            assertEquals((7 << 3) | 2, in.readTag());
            com.google.protobuf.CodedInputStream message =
                    com.google.protobuf.CodedInputStream.newInstance(in.readByteArray());
            message.setSizeLimit(Integer.MAX_VALUE);
            assertEquals((1 << 3) | 2, message.readTag());
            String text = message.readString();
            assertEquals(lengths[i], text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            assertEquals(written.get(i), text);
            assertTrue(message.isAtEnd());
        }
        assertTrue(in.isAtEnd());
    }

    /** The length's second byte counts against the bound: a message that fits exactly is taken, one more byte is not. */
    @Test
    void theBoundCountsTheLengthsOwnBytes() {
        ProtoBuffer fits = new ProtoBuffer(64, 1000);
        fits.string(1, "x".repeat(997)); // tag, two length bytes, 997
        assertEquals(1000, fits.length());
        ProtoBuffer over = new ProtoBuffer(64, 1000);
        assertThrows(ProtoBuffer.TooLarge.class, () -> over.string(1, "x".repeat(998)));
        assertTrue(over.capacity() <= 1000, "never grown past it: " + over.capacity());
    }
}
