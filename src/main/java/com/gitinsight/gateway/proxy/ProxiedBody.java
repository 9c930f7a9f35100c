package com.gitinsight.gateway.proxy;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * Streams the upstream's response body to the client as it arrives, flushing whenever the upstream
 * has nothing more ready so that chunked and event-stream responses are not held back. When the
 * upstream fails mid-body (HttpClient's ConnectionClosedException for a body short of its
 * Content-Length, MalformedChunkCodingException for a chunked one cut before its last chunk, a read
 * timeout), the exception propagates; if the client already has part of the body, {@code cut} runs
 * first, since Jersey would only log the exception and end the response as if it were whole. A body
 * not sent whole (the client left, the upstream failed) aborts the upstream exchange: the rest is
 * not read, and the connection is not reused.
 */
final class ProxiedBody implements StreamingOutput {

    private static final int BUFFER = 16 * 1024;

    private final ClassicHttpResponse response;
    private final Cancellable exchange;
    private final Runnable done;
    private final Runnable cut;

    /**
     * {@code exchange} (the upstream request) is aborted when the body is not sent whole.
     * {@code done} runs once the body is sent or has failed: it frees the target and the service
     * slot. {@code cut} runs when the upstream fails after part of the body was sent: it must end
     * the client's response as incomplete.
     */
    ProxiedBody(ClassicHttpResponse response, Cancellable exchange, Runnable done, Runnable cut) {
        this.response = response;
        this.exchange = exchange;
        this.done = done;
        this.cut = cut;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        long sent = 0;
        try (ClassicHttpResponse r = response) {
            try {
                InputStream in = r.getEntity().getContent();
                long remaining = r.getEntity().getContentLength();
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = read(in, buffer, sent)) != -1) {
                    out.write(buffer, 0, n);
                    sent += n;
                    if (remaining > 0) {
                        remaining -= n;
                    }
                    // Flush what the upstream has sent so far, unless the body is complete: then the
                    // container's own close sends it in the same write as the end of the response.
                    if (remaining != 0 && available(in, sent) == 0) {
                        out.flush();
                    }
                }
            } catch (Throwable e) {
                // Before the response is closed: closing reads the rest of the body (to keep the
                // connection), and an endless or huge one would hold this thread after the client left.
                exchange.cancel();
                throw e;
            }
        } finally {
            done.run();
        }
    }

    private int read(InputStream in, byte[] buffer, long sent) throws IOException {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw upstreamFailed(e, sent);
        }
    }

    private int available(InputStream in, long sent) throws IOException {
        try {
            return in.available();
        } catch (IOException e) {
            throw upstreamFailed(e, sent);
        }
    }

    /**
     * Nothing sent yet: the response is not committed, and the exception becomes a 502 (see
     * ErrorMapper). Otherwise the status and part of the body are out, and only cutting the
     * connection tells the client the rest is missing.
     */
    private IOException upstreamFailed(IOException e, long sent) {
        if (sent > 0) {
            cut.run();
        }
        return e;
    }
}
