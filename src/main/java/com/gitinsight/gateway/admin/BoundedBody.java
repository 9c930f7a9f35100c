package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An admin request body that may not grow past a bound (a chunked body announces no length):
 * reading beyond it ends the call with 413 instead of filling the heap.
 */
final class BoundedBody extends FilterInputStream {

    private final long max;
    private long read;

    BoundedBody(InputStream in, long max) {
        super(in);
        this.max = max;
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

    private void count(int n) {
        read += n;
        if (read > max) {
            throw new WebApplicationException(Response.status(413).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(JsonNodeFactory.instance.objectNode()
                            .put("message", "The request body is larger than " + max + " bytes").toString())
                    .build());
        }
    }
}
