package com.gitinsight.gateway.logging;

/**
 * What a log queue holds: an entry written as one JSON value by the queue's thread (not the
 * request's), with what it weighs in the queue's {@code max_bytes}.
 */
interface LogEntry {

    /** An estimate of the entry's size as JSON, for the queue's byte bound. */
    long estimatedBytes();

    /** The entry as one JSON value, UTF-8. */
    byte[] json();

    /** An entry already written (its bytes are shipped as they are). */
    static LogEntry raw(byte[] json) {
        return new LogEntry() {
            @Override
            public long estimatedBytes() {
                return json.length;
            }

            @Override
            public byte[] json() {
                return json;
            }
        };
    }
}
