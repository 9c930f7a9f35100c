package com.gitinsight.gateway.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;

/** A response body stream that counts the bytes written through it (the access log's and Kong's log's size). */
public final class CountingOutputStream extends ServletOutputStream {

    private final ServletOutputStream out;
    private long bytes;

    public CountingOutputStream(ServletOutputStream out) {
        this.out = out;
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        bytes += len;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    @Override
    public boolean isReady() {
        return out.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
        out.setWriteListener(listener);
    }
}
