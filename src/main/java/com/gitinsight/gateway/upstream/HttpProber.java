package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;
import com.gitinsight.gateway.config.UpstreamSpec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    private static final int MAX_CLIENTS = 64;

    /** One client per TLS profile: {@code https_verify_certificate} and the upstream's client certificate. */
    private final Map<BackendTls.Profile, CloseableHttpClient> clients = new ConcurrentHashMap<>();

    private final Deadlines deadlines = new Deadlines("gateway-probe-deadline");

    HttpProber() {}

    private static CloseableHttpClient client(BackendTls.Profile profile) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setConnectionFactory(HttpLimits.connections())
                        .setTlsSocketStrategy(BackendTls.strategy(profile))
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
    public ProbeResult probe(Target target, HealthCheckSpec.Active rule, UpstreamSpec upstream) {
        try {
            if (rule.type() == HealthCheckSpec.ProbeType.TCP) {
                return tcp(target, rule.timeoutMs());
            }
            return http(target, rule, upstream);
        } catch (InterruptedIOException e) {
            return ProbeResult.failed(Failure.TIMEOUT);
        } catch (IOException e) {
            return ProbeResult.failed(Failure.TCP);
        }
    }

    private static ProbeResult tcp(Target target, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            InetSocketAddress address = target.inetAddress() != null
                    ? new InetSocketAddress(target.inetAddress(), target.port())
                    : new InetSocketAddress(target.host(), target.port());
            s.connect(address, timeoutMs);
            return ProbeResult.HEALTHY;
        }
    }

    @SuppressWarnings("deprecation")
    private ProbeResult http(Target target, HealthCheckSpec.Active rule, UpstreamSpec upstream) throws IOException {
        String scheme = rule.type() == HealthCheckSpec.ProbeType.HTTPS ? "https" : "http";
        // Kong's probe: Host is the upstream's host_header, else the target's name; the TLS server
        // name (and the name a verified certificate must match) https_sni, else that same name.
        String hostName = upstream != null && upstream.hostHeader() != null
                ? upstream.hostHeader()
                : target.baseUri().getHost();
        String serverName = rule.httpsSni() != null ? rule.httpsSni() : hostName;
        BackendTls.Profile profile = new BackendTls.Profile(
                rule.verifyCertificate(), null, List.of(), upstream == null ? null : upstream.clientCertificate());
        if (clients.size() > MAX_CLIENTS) {
            // Reloads that rotate certificates leave clients behind; a probe's connection is never
            // kept, so an unreferenced client holds nothing open.
            clients.clear();
        }
        CloseableHttpClient client = clients.computeIfAbsent(profile, HttpProber::client);
        HttpGet get = new HttpGet(target.baseUri().resolve(rule.httpPath()));
        // As lua-resty-healthcheck writes it: the name alone, without the port.
        get.setHeader("Host", hostName);
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
        HttpHost host = new HttpHost(scheme, address(target, serverName), serverName, target.port());
        // The timeout bounds connecting and each read; the whole probe, twice that.
        ClassicHttpResponse response = null;
        Deadlines.Armed deadline = deadlines.arm(get, 2L * rule.timeoutMs());
        try {
            response = client.executeOpen(host, get, context);
            int status = response.getCode();
            // Read only while small: a target answering its probe without end would hold the prober.
            SmallAnswers.readOrAbort(response, get, MAX_PROBE_BODY);
            // lua-resty-healthcheck's order: the healthy list first; a status in neither counts as
            // nothing (helper review 239: a health endpoint answering 204 took a target out, and
            // with every target so, the upstream, where Kong keeps them in rotation).
            if (rule.healthyStatuses().contains(status)) {
                return ProbeResult.HEALTHY;
            }
            return rule.unhealthyStatuses().contains(status) ? ProbeResult.failed(Failure.HTTP) : ProbeResult.UNLISTED;
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

    /** The target's address; resolved here when the name addressed is not its own (host_header, https_sni). */
    private static java.net.InetAddress address(Target target, String serverName) throws IOException {
        if (target.inetAddress() != null || serverName.equals(target.baseUri().getHost())) {
            return target.inetAddress();
        }
        return java.net.InetAddress.getByName(target.host());
    }

    @Override
    public void close() {
        deadlines.close();
        clients.values().forEach(c -> c.close(CloseMode.IMMEDIATE));
    }
}
