package com.gitinsight.gateway.logging;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What a log queue holds: an entry written as one JSON value by the queue's thread, with what it
 * weighs in the queue's {@code max_bytes}.
 */
interface LogEntry {

    /** An estimate of the entry's size as JSON, for the queue's byte bound. */
    long estimatedBytes();

    /**
     * Reads what {@link #writeTo} will read, ahead of it, and returns any number made of it (so
     * that the reads are not left out by the compiler).
     */
    default int readAhead() {
        return 0;
    }

    /** Writes the entry as one JSON value; {@code writer} is the writing thread's (its caches). */
    void writeTo(JsonGenerator g, LogWriter writer) throws IOException;

    /** An entry already written (its bytes are shipped as they are). */
    static LogEntry raw(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        return new LogEntry() {
            @Override
            public long estimatedBytes() {
                return json.length;
            }

            @Override
            public void writeTo(JsonGenerator g, LogWriter writer) throws IOException {
                g.writeRawValue(text);
            }
        };
    }
}
