package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.BufferBudget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Kong's {@code request_buffering} (on by default) for a body of unknown length (chunked, or
 * HTTP/2 without {@code content-length}): nginx reads it whole and sends it with a
 * {@code Content-Length}, which backends that cannot read chunked bodies (WSGI servers) need. Here
 * it is read ahead up to {@code maxBytes} in memory, within a budget shared by all requests; a
 * longer body (or one when the budget is spent) goes on chunked, its read-ahead first.
 */
final class RequestBuffering {

    private final int maxBytes;
    private final BufferBudget budget;

    RequestBuffering(int maxBytes, long totalBytes) {
        this.maxBytes = maxBytes;
        this.budget = new BufferBudget(totalBytes);
    }

    /** The body as it goes upstream: its bytes and length (-1: still of unknown length), and its budget's return. */
    record Held(InputStream body, long length, Runnable release) {}

    /** Reads {@code body} ahead; a failure to read is the client's, thrown as read. */
    Held hold(InputStream body) throws IOException {
        if (!budget.take(maxBytes)) {
            return new Held(body, -1, () -> {});
        }
        Runnable release = () -> budget.give(maxBytes);
        try {
            byte[] buffer = new byte[Math.min(maxBytes + 1, 16 * 1024)];
            int n = 0;
            while (true) {
                if (n == buffer.length) {
                    if (n > maxBytes) {
                        // Longer than what is held: what was read goes first, the rest as it comes.
                        return new Held(
                                new SequenceInputStream(new ByteArrayInputStream(buffer, 0, n), body), -1, release);
                    }
                    buffer = java.util.Arrays.copyOf(buffer, (int) Math.min((long) maxBytes + 1, 2L * buffer.length));
                }
                int read = body.read(buffer, n, buffer.length - n);
                if (read < 0) {
                    return new Held(new ByteArrayInputStream(buffer, 0, n), n, release);
                }
                n += read;
            }
        } catch (IOException | RuntimeException e) {
            release.run();
            throw e;
        }
    }
}
