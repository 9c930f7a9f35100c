package com.gitinsight.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * The client's request body, copied to the upstream as it arrives (never buffered whole). Each
 * write to the upstream is marked for the {@link WriteWatchdog}.
 */
final class StreamingRequestEntity extends AbstractHttpEntity {

    private static final int BUFFER = 16 * 1024;

    private final InputStream body;
    private final long length;
    private final WriteWatchdog.Upload upload;

    StreamingRequestEntity(InputStream body, long length, WriteWatchdog.Upload upload) {
        super((ContentType) null, null, length < 0);
        this.body = body;
        this.length = length;
        this.upload = upload;
    }

    @Override
    public long getContentLength() {
        return length;
    }

    @Override
    public InputStream getContent() {
        return body;
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public boolean isStreaming() {
        return true;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        boolean whole = false;
        try {
            copy(out);
            whole = true;
        } finally {
            if (!whole) {
                // HttpClient closes the stream of a body that failed, and closing a chunked one
                // writes its last chunk: the backend took the part sent for the whole body (helper
                // review 240: a client cut off, a size limit reached). The exchange is cancelled
                // first, so its connection is gone before that close and the backend sees it cut.
                upload.abort();
            }
        }
    }

    private void copy(OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long remaining = length;
        int n;
        while (remaining != 0 && (n = readClient(buffer, remaining)) != -1) {
            upload.writing();
            out.write(buffer, 0, n);
            upload.idle();
            if (remaining > 0) {
                remaining -= n;
            }
        }
        if (remaining > 0) {
            // The body ended before its Content-Length (an HTTP/2 stream ended early, a client that
            // stopped): the backend would read the next request on this connection as the rest of
            // it. Failing here makes HttpClient discard the connection; the client gets a 400.
            throw new ClientBodyException(
                    new java.io.EOFException("the body ended " + remaining + " bytes before its Content-Length"));
        }
        upload.writing();
        out.flush();
        upload.idle();
    }

    private int readClient(byte[] buffer, long remaining) throws ClientBodyException {
        try {
            return body.read(buffer, 0, remaining < 0 ? BUFFER : (int) Math.min(BUFFER, remaining));
        } catch (IOException e) {
            throw new ClientBodyException(e);
        }
    }

    /** Reading the client's body failed: the client's fault, not the backend's. */
    static final class ClientBodyException extends IOException {
        ClientBodyException(IOException cause) {
            super("reading the client's request body failed: " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() throws IOException {
        // The servlet container owns the client's stream.
    }
}
