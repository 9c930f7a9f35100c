package com.gitinsight.gateway.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts a request body as it streams (chunked bodies have no length to check up front) and fails
 * once it passes the limit; nothing is buffered to measure it.
 */
public final class LimitedInputStream extends FilterInputStream {

    private final long max;
    private long seen;

    public LimitedInputStream(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    /** The body passed the limit (plugin {@code request-size-limiting}, an admin body): 413. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long max) {
            super("The request body is larger than " + max + " bytes");
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) throws TooLarge {
        seen += n;
        if (seen > max) {
            throw new TooLarge(max);
        }
    }
}
