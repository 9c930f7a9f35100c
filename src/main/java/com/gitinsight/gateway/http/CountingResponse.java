package com.gitinsight.gateway.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/** A response that counts the body bytes written through it (the access log's and Kong's log's size). */
public final class CountingResponse extends HttpServletResponseWrapper {

    private CountingOutputStream stream;

    public CountingResponse(HttpServletResponse response) {
        super(response);
    }

    /** Body bytes written so far. */
    public long bytes() {
        return stream == null ? 0 : stream.bytes();
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new CountingOutputStream(super.getOutputStream());
        }
        return stream;
    }
}
