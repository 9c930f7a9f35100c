package com.gitinsight.gateway.logging;

import java.io.ByteArrayOutputStream;
import java.util.List;

/** Log entries framed as the destinations take them, by a queue's thread a batch at a time. */
final class LogJson {

    private LogJson() {}

    /** A JSON array of the entries (http-log's batch). */
    static byte[] array(List<LogEntry> entries) {
        return frame(entries, '[', ',', ']');
    }

    /** One entry per line, each line ended (file-log). */
    static byte[] lines(List<LogEntry> entries) {
        return frame(entries, -1, '\n', '\n');
    }

    private static byte[] frame(List<LogEntry> entries, int open, int between, int close) {
        long size = 2;
        for (LogEntry e : entries) {
            size += e.estimatedBytes() + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, 1 << 24));
        if (open >= 0) {
            out.write(open);
        }
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.write(between);
            }
            out.writeBytes(entries.get(i).json());
        }
        out.write(close);
        return out.toByteArray();
    }
}
