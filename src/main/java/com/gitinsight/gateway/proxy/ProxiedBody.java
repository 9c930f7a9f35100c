package com.gitinsight.gateway.proxy;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * Streams the upstream's response body to the client as it arrives, flushing whenever the upstream
 * has nothing more ready so that chunked and event-stream responses are not held back.
 */
final class ProxiedBody implements StreamingOutput {

    private static final int BUFFER = 16 * 1024;

    private final ClassicHttpResponse response;
    private final Runnable done;

    /** {@code done} runs once the body is sent or has failed: it frees the target and the service slot. */
    ProxiedBody(ClassicHttpResponse response, Runnable done) {
        this.response = response;
        this.done = done;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        try (ClassicHttpResponse r = response) {
            InputStream in = r.getEntity().getContent();
            long remaining = r.getEntity().getContentLength();
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                if (remaining > 0) {
                    remaining -= n;
                }
                // Flush what the upstream has sent so far, unless the body is complete: then the
                // container's own close sends it in the same write as the end of the response.
                if (remaining != 0 && in.available() == 0) {
                    out.flush();
                }
            }
        } finally {
            done.run();
        }
    }
}
