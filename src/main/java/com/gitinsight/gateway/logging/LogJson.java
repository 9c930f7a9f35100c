package com.gitinsight.gateway.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Log entries as the destinations take them, written by a queue's thread a batch at a time. */
final class LogJson {

    private static final JsonFactory JSON = new JsonFactory();

    private LogJson() {}

    /** One entry, alone. */
    static byte[] one(LogEntry entry) {
        return write(List.of(entry), Framing.ONE);
    }

    /** A JSON array of the entries (http-log's batch). */
    static byte[] array(List<LogEntry> entries) {
        return write(entries, Framing.ARRAY);
    }

    /** One entry per line, each line ended (file-log). */
    static byte[] lines(List<LogEntry> entries) {
        return write(entries, Framing.LINES);
    }

    private enum Framing {
        ONE,
        ARRAY,
        LINES
    }

    private static byte[] write(List<LogEntry> entries, Framing framing) {
        long size = 2;
        for (LogEntry e : entries) {
            size += e.estimatedBytes() + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, 1 << 24));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.setRootValueSeparator(null);
            if (framing == Framing.ARRAY) {
                g.writeStartArray();
            }
            for (LogEntry e : entries) {
                e.writeTo(g);
                if (framing == Framing.LINES) {
                    g.writeRaw('\n');
                }
            }
            if (framing == Framing.ARRAY) {
                g.writeEndArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
