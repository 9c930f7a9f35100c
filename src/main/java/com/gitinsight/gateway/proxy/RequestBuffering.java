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
 * it is read ahead up to {@code maxBytes} in memory, within a budget shared by all requests and
 * taken as the bytes arrive (a client that trickles holds only what it sent); a longer body, or
 * one that finds the budget spent, goes on chunked, its read-ahead first.
 */
final class RequestBuffering {

    private static final int STEP = 16 * 1024;

    private final int maxBytes;
    private final BufferBudget budget;

    RequestBuffering(int maxBytes, long totalBytes) {
        this.maxBytes = maxBytes;
        this.budget = new BufferBudget(totalBytes);
    }

    /**
     * The body as it goes upstream: its bytes and length (-1: still of unknown length). {@code
     * release} gives the budget back and lets go of the bytes (the sent request keeps a reference
     * to its entity while its answer streams).
     */
    record Held(InputStream body, long length, Runnable release) {}

    /** The bytes read ahead; emptied on release, so that whatever still refers to it holds nothing. */
    private static final class ReadAhead extends ByteArrayInputStream {
        ReadAhead(byte[] bytes, int length) {
            super(bytes, 0, length);
        }

        synchronized void forget() {
            buf = new byte[0];
            pos = 0;
            count = 0;
        }
    }

    /** Reads {@code body} ahead; a failure to read is the client's, thrown as read. */
    Held hold(InputStream body) throws IOException {
        long[] taken = {0};
        ReadAhead[] held = {null};
        Runnable release = () -> {
            budget.give(taken[0]);
            taken[0] = 0;
            if (held[0] != null) {
                held[0].forget();
            }
        };
        boolean done = false;
        try {
            byte[] buffer = new byte[0];
            int n = 0;
            while (true) {
                if (n == buffer.length) {
                    int grown = (int) Math.min((long) maxBytes + 1, Math.max(STEP, 2L * buffer.length));
                    if (grown == buffer.length || !budget.take(grown - buffer.length)) {
                        // Past the bound, or the budget is spent: what was read goes first, the rest as it comes.
                        held[0] = new ReadAhead(buffer, n);
                        done = true;
                        return new Held(new SequenceInputStream(held[0], body), -1, release);
                    }
                    taken[0] += grown - buffer.length;
                    buffer = java.util.Arrays.copyOf(buffer, grown);
                }
                int read = body.read(buffer, n, buffer.length - n);
                if (read < 0) {
                    held[0] = new ReadAhead(buffer, n);
                    done = true;
                    return new Held(held[0], n, release);
                }
                n += read;
            }
        } finally {
            if (!done) {
                release.run(); // a failed read, or an Error: nothing of the budget stays taken
            }
        }
    }
}
