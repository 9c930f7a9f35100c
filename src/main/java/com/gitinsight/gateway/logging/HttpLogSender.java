package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.upstream.CosocketTimeouts;
import com.gitinsight.gateway.upstream.Deadlines;
import com.gitinsight.gateway.upstream.HttpLimits;
import com.gitinsight.gateway.upstream.SenderClient;
import com.gitinsight.gateway.upstream.SmallAnswers;
import com.gitinsight.gateway.upstream.SocketErrors;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.Closer;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends http-log batches, as Kong's {@code send_entries}: the one entry as it is when the queue's
 * {@code max_batch_size} is 1, else a JSON array (even of one); {@code Content-Type} the
 * configured one, Basic authorization from the endpoint's user info, then the configured headers;
 * success is a status below 300; {@code timeout} bounds connecting and each read; a connection idle
 * longer than {@code keepalive} is not reused (0: kept however long it idles, as OpenResty's). Runs on its queue's thread only. Certificates are
 * verified (Kong does not verify them; a gateway that ships request logs to an endpoint it has not
 * authenticated would hand them to whoever answers).
 */
final class HttpLogSender implements Closeable {

    private static final int MAX_DRAINED = 8192;

    private final SenderClient client;
    /** Each request's (the minimal client has no default). */
    private final RequestConfig requestConfig;

    private final Deadlines deadlines = new Deadlines("gateway-http-log-deadline");
    private volatile HttpLogSchema.Config config;
    private volatile String lastError;
    /** The queue thread's (this sender has one queue, which has one thread at a time). */
    private final LogWriter json = new LogWriter();

    HttpLogSender(HttpLogSchema.Config config) {
        this.config = config;
        Timeout timeout = Timeout.ofMilliseconds(CosocketTimeouts.effective(config.timeoutMs()));
        // No proxy, as Kong's http-log has none (the JVM's proxy properties were read before
        // 2026-12-07); its queue retries, not the client.
        client = new SenderClient(PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(HttpLimits.connections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .setMaxConnTotal(2)
                .setMaxConnPerRoute(2)
                .build());
        requestConfig = RequestConfig.custom()
                .setResponseTimeout(timeout)
                .setConnectionRequestTimeout(timeout)
                .setRedirectsEnabled(false)
                .build();
    }

    HttpLogSchema.Config config() {
        return config;
    }

    void config(HttpLogSchema.Config config) {
        this.config = config;
    }

    String lastError() {
        return lastError;
    }

    boolean send(List<LogEntry> batch) throws IOException {
        HttpLogSchema.Config c = config;
        // A connection idle longer than keepalive is not reused (0: OpenResty's unlimited idle
        // time, setkeepalive(0), as Kong passes it on).
        client.closeIdle(c.keepaliveMs());
        HttpUriRequestBase post = new HttpUriRequestBase(c.method(), c.endpoint());
        post.setConfig(requestConfig);
        if (c.authorization() != null) {
            post.setHeader("Authorization", c.authorization());
        }
        for (Map.Entry<String, String> h : c.headers().entrySet()) {
            if (!post.containsHeader(h.getKey())) {
                post.setHeader(h.getKey(), h.getValue());
            }
        }
        // The configured value as written (HttpClient would upper-case a charset).
        post.setHeader("Content-Type", c.contentType());
        LogWriter.Bytes body = body(json, batch, c.queue().maxBatchSize() == 1);
        post.setEntity(new ByteArrayEntity(body.array(), 0, body.length(), null));
        // Not execute(request, handler): it reads the whole answer afterwards, however slowly it drips.
        ClassicHttpResponse response = null;
        // Kong's timeout bounds connecting, sending and reading each: the exchange, three of them.
        try (Deadlines.Armed deadline = deadlines.arm(post, 3L * CosocketTimeouts.effective(c.timeoutMs()))) {
            response = client.open(post);
            int status = response.getCode();
            // The answer's body is not needed: a small one is read so the connection may be reused;
            // a larger one is left unread and the connection dropped.
            SmallAnswers.readOrAbort(response, post, MAX_DRAINED);
            if (status < 300) {
                lastError = null;
                return true;
            }
            // The status only: an endpoint's error body may echo what it was sent.
            lastError = "request to " + hostPort(c) + " returned status code " + status;
        } catch (IOException e) {
            lastError = "failed request to " + hostPort(c) + ": " + SocketErrors.describe(e);
            throw new IOException(lastError, e);
        } finally {
            Closer.closeQuietly(response);
        }
        throw new IOException(lastError);
    }

    /** {@code host:port} as Kong's errors name the endpoint (the scheme's port when none is written). */
    private static String hostPort(HttpLogSchema.Config c) {
        String written = c.destination().substring(c.endpoint().getScheme().length() + 3);
        boolean hasPort = written.lastIndexOf(':') > written.lastIndexOf(']');
        return hasPort ? written : written + ":" + (c.endpoint().getScheme().equals("https") ? 443 : 80);
    }

    /** One entry alone when the queue sends one at a time, else a JSON array. */
    static LogWriter.Bytes body(LogWriter json, List<LogEntry> batch, boolean single) {
        return single && batch.size() == 1 ? json.one(batch.get(0)) : json.array(batch);
    }

    @Override
    public void close() throws IOException {
        deadlines.close();
        client.close();
    }
}
