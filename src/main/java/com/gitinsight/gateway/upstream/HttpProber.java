package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.Closer;
import org.apache.hc.core5.util.Timeout;

/**
 * Kong's active probes: {@code GET http_path} answered with a healthy status, or (type tcp) a
 * connection accepted, within the timeout. Each probe opens its own connection, so a dead
 * listener is seen even when a pooled connection would still work.
 */
final class HttpProber implements Prober {

    /** A probe's answer body is read up to this, else left unread (its connection is not kept anyway). */
    static final int MAX_PROBE_BODY = 8192;

    private final CloseableHttpClient client;
    private final Deadlines deadlines = new Deadlines("gateway-probe-deadline");

    HttpProber() {
        client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setConnectionFactory(HttpLimits.connections())
                        .setMaxConnTotal(64)
                        .setMaxConnPerRoute(4)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setTimeToLive(Timeout.ZERO_MILLISECONDS)
                                .build())
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .build();
    }

    @Override
    public Failure probe(Target target, HealthCheckSpec.Active rule) {
        try {
            if (rule.type() == HealthCheckSpec.ProbeType.TCP) {
                return tcp(target, rule.timeoutMs());
            }
            return http(target, rule);
        } catch (InterruptedIOException e) {
            return Failure.TIMEOUT;
        } catch (IOException e) {
            return Failure.TCP;
        }
    }

    private static Failure tcp(Target target, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            InetSocketAddress address = target.inetAddress() != null
                    ? new InetSocketAddress(target.inetAddress(), target.port())
                    : new InetSocketAddress(target.host(), target.port());
            s.connect(address, timeoutMs);
            return null;
        }
    }

    @SuppressWarnings("deprecation")
    private Failure http(Target target, HealthCheckSpec.Active rule) throws IOException {
        String scheme = rule.type() == HealthCheckSpec.ProbeType.HTTPS ? "https" : "http";
        HttpGet get = new HttpGet(target.baseUri().resolve(rule.httpPath()));
        get.setHeader("Connection", "close");
        get.setHeader("User-Agent", "gitinsight-gateway-healthcheck");
        for (Map.Entry<String, List<String>> h : rule.headers().entrySet()) {
            h.getValue().forEach(v -> get.addHeader(h.getKey(), v));
        }
        HttpClientContext context = HttpClientContext.create();
        Timeout timeout = Timeout.ofMilliseconds(rule.timeoutMs());
        context.setRequestConfig(RequestConfig.custom()
                .setConnectTimeout(timeout)
                .setResponseTimeout(timeout)
                .setConnectionRequestTimeout(timeout)
                .setProtocolUpgradeEnabled(false)
                .build());
        HttpHost host =
                new HttpHost(scheme, target.inetAddress(), target.baseUri().getHost(), target.port());
        // The timeout bounds connecting and each read; the whole probe, twice that.
        ClassicHttpResponse response = null;
        Deadlines.Armed deadline = deadlines.arm(get, 2L * rule.timeoutMs());
        try {
            response = client.executeOpen(host, get, context);
            int status = response.getCode();
            // Read only while small: a target answering its probe without end would hold the prober.
            SmallAnswers.readOrAbort(response, get, MAX_PROBE_BODY);
            // Stricter than Kong, which ignores a status in neither list: only a listed healthy
            // status passes, so a probe path that moved (404, 301) is noticed.
            return rule.healthyStatuses().contains(status) ? null : Failure.HTTP;
        } catch (IOException e) {
            if (deadline.passed()) {
                throw new InterruptedIOException("the probe's deadline passed"); // a timeout, as Kong counts it
            }
            throw e;
        } finally {
            deadline.close();
            Closer.closeQuietly(response);
        }
    }

    @Override
    public void close() {
        deadlines.close();
        client.close(CloseMode.IMMEDIATE);
    }
}
