package com.gitinsight.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LogWriterTest {

    @Test
    void headerNamesAreLowerCasedAndIdentityHeadersKnownHoweverASenderSpellsThem() {
        LogWriter w = new LogWriter();
        assertEquals("x-ratelimit-limit-hour", w.name("X-RateLimit-Limit-Hour").lower());
        assertEquals(
                "x-ratelimit-limit-hour",
                w.name("X-RateLimit-Limit-Hour").json().getValue());
        assertTrue(w.name("X-Consumer-ID").identity());
        assertTrue(w.name("x_consumer_username").identity(), "an underscore spelling is the same header to a backend");
        assertFalse(w.name("Accept").identity());
        assertSame(w.name("Accept"), w.name("Accept"), "encoded once");
    }

    @Test
    void theNameCacheStaysBoundedAndRightWhenAClientSendsEveryNameThereIs() {
        LogWriter w = new LogWriter();
        for (int i = 0; i < LogWriter.MAX_CACHED * 3; i++) {
            assertEquals("x-random-" + i, w.name("X-Random-" + i).lower());
        }
        assertTrue(w.name("X-Consumer-Custom-ID").identity());
    }

    /**
     * A credential header set's mask never misses one of its names, however a client or a backend
     * spells it (case, {@code _} for {@code -}): a name whose bit is not in the mask is logged
     * unredacted without a lookup.
     */
    @Test
    void aNameTheCredentialSetHoldsHasItsBitInTheSetsMask() {
        LogWriter w = new LogWriter();
        java.util.Random random = new java.util.Random(11);
        char[] alphabet = {'a', 'A', 'k', 'K', '\u212A', '-', '_', 'x', 'X', 'i', '\u0130', 's', '\u017F', '1'};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder a = new StringBuilder();
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) {
                char c = alphabet[random.nextInt(alphabet.length)];
                a.append(c);
                b.append(random.nextBoolean() ? c : alphabet[random.nextInt(alphabet.length)]);
            }
            java.util.Set<String> set =
                    new java.util.TreeSet<>(com.gitinsight.gateway.runtime.RequestContext.HEADER_ORDER);
            set.add(a.toString());
            String asked = b.toString();
            if (set.contains(asked)) {
                assertTrue((w.mask(set) & w.name(asked).bit()) != 0, a + " / " + asked);
            }
        }
        java.util.Set<String> configured = java.util.Set.of("x_api_key", "Authorization");
        long mask = w.mask(configured);
        assertTrue((mask & w.name("X-API-KEY").bit()) != 0);
        assertTrue((mask & w.name("authorization").bit()) != 0);
        assertEquals(mask, w.mask(configured)); // kept for the same set
        assertEquals(0, w.mask(java.util.Set.of()));
        assertTrue(w.name("Location").quotesUri());
        assertTrue(w.name("content-LOCATION").quotesUri());
        assertFalse(w.name("X-Location").quotesUri());
    }

    @Test
    void aRouteOrServiceIsWrittenOnceForItsSpecObject() {
        LogWriter w = new LogWriter();
        AtomicInteger writes = new AtomicInteger();
        Object spec = new Object();
        LogWriter.PartWriter writer = g -> {
            writes.incrementAndGet();
            g.writeStartObject();
            g.writeStringField("name", "api");
            g.writeEndObject();
        };
        assertEquals("{\"name\":\"api\"}", w.part(spec, 1, writer).getValue());
        assertSame(w.part(spec, 1, writer), w.part(spec, 1, writer));
        assertEquals(1, writes.get());
        assertNotSame(
                w.part(new Object(), 1, writer),
                w.part(spec, 1, writer),
                "another spec (a reloaded configuration) is written anew");
        assertEquals(2, writes.get());
        w.part(spec, 2, writer);
        assertEquals(3, writes.get(), "a later configuration that kept the spec: its load time is written");
    }

    // file-log's batches go out a chunk at a time (the buffer stays small and in the cache): the
    // chunks, put together, are the lines a whole-batch write gives, each line whole in one chunk.
    @Test
    void linesInChunksAreTheBatchsLinesEachWhole() throws Exception {
        LogWriter w = new LogWriter();
        java.util.List<LogEntry> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            batch.add(LogEntry.raw(("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(200) + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
        int[] count = new int[1];
        w.lines(batch, (array, length) -> {
            count[0]++;
            org.junit.jupiter.api.Assertions.assertEquals('\n', array[length - 1], "a chunk ends a line");
            chunks.write(array, 0, length);
        });
        org.junit.jupiter.api.Assertions.assertTrue(count[0] > 1, "more than one chunk: " + count[0]);
        StringBuilder whole = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            whole.append("{\"n\":")
                    .append(i)
                    .append(",\"pad\":\"")
                    .append("x".repeat(200))
                    .append("\"}\n");
        }
        assertEquals(whole.toString(), chunks.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void oneGeneratorServesEveryWriteAndAWriteThatFailedHalfwayLeavesNothingInTheNext() throws Exception {
        LogWriter w = new LogWriter();
        LogEntry a = LogEntry.raw("{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        LogEntry b = LogEntry.raw("{\"b\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("[{\"a\":1},{\"b\":2}]", text(w.array(java.util.List.of(a, b))));
        assertEquals("{\"a\":1}\n{\"b\":2}\n", lines(w, java.util.List.of(a, b)), "no separator between batches");
        assertEquals("{\"b\":2}", text(w.one(b)));
        LogEntry broken = new LogEntry() {
            @Override
            public long estimatedBytes() {
                return 1;
            }

            @Override
            public void writeTo(com.fasterxml.jackson.core.JsonGenerator g, LogWriter writer)
                    throws java.io.IOException {
                g.writeStartObject();
                g.writeFieldName("half");
                throw new IllegalStateException("a record that cannot be written");
            }
        };
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> w.array(java.util.List.of(a, broken)));
        assertEquals("[{\"b\":2}]", text(w.array(java.util.List.of(b))), "the next batch starts afresh");
    }

    /** The lines {@code w} writes for {@code entries}, its chunks put together. */
    private static String lines(LogWriter w, java.util.List<LogEntry> entries) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        w.lines(entries, (array, length) -> out.write(array, 0, length));
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String text(LogWriter.Bytes bytes) {
        return new String(bytes.array(), 0, bytes.length(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
