package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.config.ServiceTls;
import com.gitinsight.gateway.upstream.BackendTls;
import com.gitinsight.gateway.upstream.HttpLimits;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The pooled, keep-alive HTTP/1.1 clients to the backends (Apache HttpClient 5, classic blocking
 * I/O: on this workload it costs the least CPU per request), one pool per TLS profile
 * ({@link BackendTls.Profile}: services whose TLS is checked alike share connections, a connection
 * verified for one service never serves another that verifies differently). HttpClient's minimal
 * client: no execution chain at all (no redirects, decompression, cookies, authentication, and none
 * of the per-request URI parsing the full client's protocol step does: about a fifth of
 * HttpClient's CPU on the proxy path), and no retries beyond a stale keep-alive connection, done
 * here; the proxy decides the rest.
 */
final class UpstreamClient implements AutoCloseable {

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(UpstreamClient.class.getName());

    private static final int MAX_CACHED_CONFIGS = 4096;

    private final int maxConnections;
    private final int maxPerTarget;
    private final boolean verifyByDefault;
    private final Map<BackendTls.Profile, Pool> pools = new ConcurrentHashMap<>();
    private final Map<ServiceSpec, Settings> settings = new ConcurrentHashMap<>();

    private final ScheduledExecutorService evictor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-upstream-idle-evictor");
        t.setDaemon(true);
        return t;
    });

    /** {@code verifyByDefault}: whether a service without {@code tls_verify} has its backends' certificates checked. */
    UpstreamClient(int maxConnections, int maxPerTarget, boolean verifyByDefault) {
        this.maxConnections = maxConnections;
        this.maxPerTarget = maxPerTarget;
        this.verifyByDefault = verifyByDefault;
        evictor.scheduleWithFixedDelay(this::evictIdle, 30, 30, TimeUnit.SECONDS);
    }

    /** Kong's default: backends' certificates are not checked unless the service says {@code tls_verify}. */
    UpstreamClient(int maxConnections, int maxPerTarget) {
        this(maxConnections, maxPerTarget, false);
    }

    /** What one service's requests are sent with, for the TLS settings it was made for. */
    private record Settings(ServiceTls tls, RequestConfig config, Pool pool) {}

    /** Sweeps (30 s apart) a pool may go unused before it is closed: 10 minutes. */
    private static final int IDLE_SWEEPS = 20;

    /** One TLS profile's connections. */
    private static final class Pool {
        final PoolingHttpClientConnectionManager manager;
        final CloseableHttpClient client;
        /** Set by requests (only when clear: no write per request), cleared by each sweep. */
        volatile boolean used = true;

        volatile boolean closed;
        int idleSweeps;

        Pool(PoolingHttpClientConnectionManager manager) {
            this.manager = manager;
            this.client = HttpClients.createMinimal(manager);
        }

        void close() {
            closed = true;
            client.close(CloseMode.GRACEFUL);
            manager.close(CloseMode.IMMEDIATE);
        }
    }

    /**
     * Sends the request with {@code tls} (the service's, with its upstream's client certificate);
     * the caller must close the response (which returns the connection).
     */
    ClassicHttpResponse open(HttpHost target, HttpUriRequestBase request, ServiceSpec service, ServiceTls tls)
            throws IOException {
        if ("HEAD".equals(request.getMethod())) {
            // A backend that answers HEAD with a body leaves it on the connection, where the next
            // request's answer would be read from it (another user's request: attacker review 119).
            // nginx closes a kept connection that turns readable; this client cannot tell, so a
            // HEAD's connection is never reused.
            request.setHeader("Connection", "close");
        }
        Settings s = settings(service, tls);
        try {
            return exchange(s, target, request);
        } catch (IllegalStateException e) {
            if (!s.pool().closed) {
                throw e;
            }
            // Its pool was swept between the lookup and the send: once more with a new one.
            settings.remove(service, s);
            return exchange(settings(service, tls), target, request);
        }
    }

    /** With the service's own TLS settings (tests). */
    ClassicHttpResponse open(HttpHost target, HttpUriRequestBase request, ServiceSpec service) throws IOException {
        return open(target, request, service, service.tls());
    }

    private Settings settings(ServiceSpec service, ServiceTls tls) {
        Settings s = settings.get(service);
        // The same instance on every request but one whose upstream lends its certificate: compared
        // by identity first, so the common case does no component-wise comparison.
        if (s == null || s.tls() != tls && !s.tls().equals(tls) || s.pool().closed) {
            // Reloads leave old services behind; a bound keeps them from piling up.
            if (settings.size() > MAX_CACHED_CONFIGS) {
                settings.clear();
            }
            s = new Settings(
                    tls,
                    requestConfig(service),
                    pools.computeIfAbsent(BackendTls.Profile.of(tls, verifyByDefault), this::pool));
            settings.put(service, s);
        }
        if (!s.pool().used) {
            s.pool().used = true;
        }
        return s;
    }

    private static ClassicHttpResponse exchange(Settings s, HttpHost target, HttpUriRequestBase request)
            throws IOException {
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(s.config());
        try {
            return s.pool().client.executeOpen(target, request, context);
        } catch (NoHttpResponseException stale) {
            // nginx forgives only a kept connection the backend closed meanwhile: a fresh one
            // that got no answer is the backend's failure, not sent again (helper review 142).
            if (!StaleConnectionRetry.retryable(request) || !StaleConnectionRetry.reused(context)) {
                throw stale;
            }
            HttpClientContext again = HttpClientContext.create();
            again.setRequestConfig(s.config());
            return s.pool().client.executeOpen(target, request, again);
        }
    }

    private Pool pool(BackendTls.Profile profile) {
        PoolingHttpClientConnectionManager manager = PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(HttpLimits.connections())
                .setTlsSocketStrategy(BackendTls.strategy(profile))
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxPerTarget)
                // LAX: per-route pools without one lock shared by every request.
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setConnPoolPolicy(PoolReusePolicy.LIFO)
                .setDefaultSocketConfig(
                        SocketConfig.custom().setTcpNoDelay(true).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        // Every lease: a kept connection with bytes nobody asked for is never
                        // reused (upstream.GuardedConnection; no wait unless idle 2 s).
                        .setValidateAfterInactivity(TimeValue.ZERO_MILLISECONDS)
                        .build())
                .build();
        return new Pool(manager);
    }

    /**
     * Closes idle keep-alive connections, and the pools of TLS settings no request used for ten
     * minutes with none in use (a reload that rotated a certificate leaves its old pool behind).
     */
    void evictIdle() {
        for (Map.Entry<BackendTls.Profile, Pool> e : pools.entrySet()) {
            Pool p = e.getValue();
            p.manager.closeExpired();
            p.manager.closeIdle(TimeValue.ofSeconds(30));
            if (p.used) {
                p.used = false;
                p.idleSweeps = 0;
            } else if (++p.idleSweeps >= IDLE_SWEEPS
                    && p.manager.getTotalStats().getLeased() == 0) {
                pools.remove(e.getKey(), p);
                settings.values().removeIf(s -> s.pool() == p);
                p.close();
            }
        }
    }

    /** The pools open now, one per TLS setting in use (tests). */
    int pools() {
        return pools.size();
    }

    /**
     * Per-service timeouts. The connect timeout is set per request rather than per connection
     * route because two services may share a backend with different timeouts.
     */
    @SuppressWarnings("deprecation")
    private static RequestConfig requestConfig(ServiceSpec s) {
        return RequestConfig.custom()
                .setConnectTimeout(Timeout.ofMilliseconds(s.connectTimeoutMs()))
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(s.connectTimeoutMs()))
                .setResponseTimeout(Timeout.ofMilliseconds(s.readTimeoutMs()))
                .setRedirectsEnabled(false)
                // Otherwise HttpClient offers "Upgrade: TLS/1.2" to plain-HTTP backends on its own.
                .setProtocolUpgradeEnabled(false)
                .build();
    }

    @Override
    public void close() {
        evictor.shutdownNow();
        pools.values().forEach(Pool::close);
    }
}
