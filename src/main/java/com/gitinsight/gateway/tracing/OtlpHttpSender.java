package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.upstream.Deadlines;
import com.gitinsight.gateway.upstream.HttpLimits;
import com.gitinsight.gateway.upstream.SenderClient;
import com.gitinsight.gateway.upstream.SmallAnswers;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.io.Closer;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The OTLP exporter's HTTP sender on Apache HttpClient 5 (already in the WAR for http-log), sending
 * on the calling thread: the batch span processor's, which waits for the answer anyway. The SDK's
 * JDK-HttpClient sender hands each export across a selector thread, a worker pool and an executor;
 * measured on the bench, that cost about twice what marshalling the spans did.
 *
 * <p>The protobuf is written straight into the connection (its length is known beforehand). A
 * connection is kept and reused; certificates and host names are verified (the JVM's trust store,
 * or the configured SSL context). An answer's body is read only up to 8 KB and never handed to the
 * SDK (which would log an error answer's): a larger one is left unread and the connection dropped
 * ({@link SmallAnswers}). The
 * whole exchange is aborted once the connect and send timeouts have passed ({@link Deadlines}): a
 * collector that never reads what it is sent, or drips its answer, cannot hold the thread. Of the
 * SDK's settings it reads the endpoint, content type, timeouts, headers and SSL context: the
 * gateway sets no proxy, protocol list or executor, and no compression (refused).
 */
final class OtlpHttpSender implements HttpSender {

    static final int MAX_BODY = 8192;

    private final HttpSenderConfig config;
    private final SenderClient client;
    /** Each request's (the minimal client has no default). */
    private final RequestConfig requestConfig;

    private final Deadlines deadlines = new Deadlines("gateway-otlp-deadline");
    /** Connecting, sending and reading the answer, at most. */
    private final long deadlineMs;

    /**
     * How long a kept connection may idle: OpenResty's (lua_socket_keepalive_timeout), which Kong's
     * exporter's connections get. A balancer or NAT that forgets an idle flow would otherwise cost
     * an export its timeout and a retry (the minimal client keeps a connection however long it idles).
     */
    static final Duration KEEPALIVE = Duration.ofSeconds(60);

    private final long keepaliveMs;

    OtlpHttpSender(HttpSenderConfig config) {
        this(config, KEEPALIVE);
    }

    /** {@code keepalive} 0: kept however long it idles (tests give a short one). */
    OtlpHttpSender(HttpSenderConfig config, Duration keepalive) {
        this.keepaliveMs = keepalive.toMillis();
        if (config.getCompressor() != null) {
            // Kong's plugin has no compression setting, so the gateway never asks for one.
            throw new IllegalArgumentException("the OTLP sender does not compress");
        }
        this.config = config;
        this.deadlineMs =
                config.getConnectTimeout().toMillis() + config.getTimeout().toMillis();
        Timeout connect = Timeout.of(config.getConnectTimeout());
        Timeout read = Timeout.of(config.getTimeout());
        PoolingHttpClientConnectionManagerBuilder pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(HttpLimits.connections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(read)
                        // A collector (or a balancer before it) may close an idle connection.
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .setMaxConnTotal(1)
                .setMaxConnPerRoute(1);
        if (config.getSslContext() != null) {
            pool.setTlsSocketStrategy(new DefaultClientTlsStrategy(config.getSslContext()));
        }
        // Kong's queue retries (RetryingExporter), not the client.
        this.client = new SenderClient(pool.build());
        this.requestConfig = RequestConfig.custom()
                .setResponseTimeout(read)
                .setConnectionRequestTimeout(connect)
                .setRedirectsEnabled(false)
                .build();
    }

    @Override
    public void send(MessageWriter message, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        client.closeIdle(keepaliveMs);
        HttpPost post = new HttpPost(config.getEndpoint());
        post.setConfig(requestConfig);
        Map<String, List<String>> headers = config.getHeadersSupplier().get();
        if (headers != null) {
            headers.forEach((name, values) -> values.forEach(v -> post.addHeader(name, v)));
        }
        post.setEntity(new MessageEntity(message, config.getContentType()));
        Answer answer;
        ClassicHttpResponse response = null;
        try (Deadlines.Armed deadline = deadlines.arm(post, deadlineMs)) {
            response = client.open(post);
            // Read so the connection may be reused, not handed on: the SDK logs an error answer's
            // body and reason, which are the collector's words (a status is reported, not a text).
            SmallAnswers.readOrAbort(response, post, MAX_BODY);
            int status = response.getCode();
            if (status / 100 == 2 && status != 200) {
                // Kong's exporter takes only a 200 (http_export_request: "response error"), so the
                // batch is retried; the SDK would count any 2xx as exported.
                onError.accept(new NotOk(status));
                return;
            }
            answer = new Answer(status, "", new byte[0]);
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        } finally {
            Closer.closeQuietly(response);
        }
        onResponse.accept(answer);
    }

    @Override
    public CompletableResultCode shutdown() {
        deadlines.close();
        try {
            client.close();
            return CompletableResultCode.ofSuccess();
        } catch (IOException e) {
            return CompletableResultCode.ofExceptionalFailure(e);
        }
    }

    /** A collector's success other than 200, which Kong's exporter counts as a failure. */
    static final class NotOk extends IOException {
        private final int status;

        NotOk(int status) {
            super("response error: " + status);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private record Answer(int status, String reason, byte[] body) implements HttpResponse {
        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getStatusMessage() {
            return reason == null ? "" : reason;
        }

        @Override
        public byte[] getResponseBody() {
            return body;
        }
    }

    /** The marshalled spans, written into the connection when HttpClient sends the body. */
    private static final class MessageEntity extends AbstractHttpEntity {
        private final MessageWriter message;

        MessageEntity(MessageWriter message, String contentType) {
            super(contentType, null);
            this.message = message;
        }

        @Override
        public long getContentLength() {
            return message.getContentLength();
        }

        @Override
        public boolean isRepeatable() {
            return true; // the writer marshals again on each call
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public InputStream getContent() {
            throw new UnsupportedOperationException("written, not read");
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            message.writeMessage(out);
        }

        @Override
        public void close() {}
    }
}
