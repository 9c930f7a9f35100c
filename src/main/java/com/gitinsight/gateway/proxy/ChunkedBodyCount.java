package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;

/**
 * A client's body sent without a length (chunked), counted into its request's context as it is
 * read, by whoever reads it (a plugin that reads the body first, the proxy): Kong's log record
 * counts the body in {@code request.size}, and only a length the client sent was counted (a chunked
 * upload of 10 KB logged its headers' size alone: helper review 300; counted in the proxy alone, a
 * body key-auth or request-transformer read first was missed: attacker review 302).
 */
final class ChunkedBodyCount extends ServletInputStream {

    private final ServletInputStream in;
    private final RequestContext context;

    ChunkedBodyCount(ServletInputStream in, RequestContext context) {
        this.in = in;
        this.context = context;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            context.chunkedBodyRead(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            context.chunkedBodyRead(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            context.chunkedBodyRead(skipped);
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    @Override
    public boolean isFinished() {
        return in.isFinished();
    }

    @Override
    public boolean isReady() {
        return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
        in.setReadListener(listener);
    }
}
