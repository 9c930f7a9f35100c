package com.gitinsight.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;

/**
 * The answer of an endpoint the gateway calls on its own (a target's health check, http-log, the
 * OTLP collector) read only while it is small. HttpClient reads the rest of a body when its response is closed (so the connection
 * can be kept), however long it is: an endpoint answering without end would hold the sender's
 * thread. A larger body is left unread and its exchange aborted instead, which drops the connection.
 */
public final class SmallAnswers {

    private SmallAnswers() {}

    /**
     * The body of {@code response} when it has at most {@code max} bytes (read to its end, so the
     * connection is kept); else null, with {@code exchange} (the request) aborted: closing the
     * response then reads nothing more. Close the response quietly afterwards either way.
     */
    public static byte[] readOrAbort(ClassicHttpResponse response, Cancellable exchange, int max) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return new byte[0];
        }
        if (entity.getContentLength() <= max) {
            InputStream in = entity.getContent();
            byte[] body = in.readNBytes(max + 1);
            if (body.length <= max) {
                in.close(); // at its end: the connection goes back to the pool
                return body;
            }
        }
        exchange.cancel();
        return null;
    }
}
