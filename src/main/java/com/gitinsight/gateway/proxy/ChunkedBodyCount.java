package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.runtime.RequestContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A client's body sent without a length (chunked), counted into its request's context as it is
 * read: Kong's log record counts the body in {@code request.size}, and only a length the client
 * sent was counted (a chunked upload of 10 KB logged its headers' size alone: helper review 300).
 */
final class ChunkedBodyCount extends FilterInputStream {

    private final RequestContext context;

    ChunkedBodyCount(InputStream body, RequestContext context) {
        super(body);
        this.context = context;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            context.chunkedBodyRead(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            context.chunkedBodyRead(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            context.chunkedBodyRead(skipped);
        }
        return skipped;
    }
}
