package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.upstream.HttpLimits;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.IdleConnectionEvictor;
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
 * The pooled, keep-alive HTTP/1.1 client to the backends (Apache HttpClient 5, classic blocking
 * I/O: on this workload it costs the least CPU per request). HttpClient's minimal client: no
 * execution chain at all (no redirects, decompression, cookies, authentication, and none of the
 * per-request URI parsing the full client's protocol step does: about a fifth of HttpClient's CPU
 * on the proxy path), and no retries beyond a stale keep-alive connection, done here; the proxy
 * decides the rest.
 */
final class UpstreamClient implements AutoCloseable {

    private static final int MAX_CACHED_CONFIGS = 4096;

    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;
    private final IdleConnectionEvictor evictor;
    private final Map<ServiceSpec, RequestConfig> configs = new ConcurrentHashMap<>();

    UpstreamClient(int maxConnections, int maxPerTarget) {
        pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(HttpLimits.connections())
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxPerTarget)
                // LAX: per-route pools without one lock shared by every request.
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setConnPoolPolicy(PoolReusePolicy.LIFO)
                .setDefaultSocketConfig(
                        SocketConfig.custom().setTcpNoDelay(true).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        client = HttpClients.createMinimal(pool);
        evictor = new IdleConnectionEvictor(pool, TimeValue.ofSeconds(30));
        evictor.start();
    }

    /** Sends the request; the caller must close the response (which returns the connection). */
    ClassicHttpResponse open(HttpHost target, HttpUriRequestBase request, ServiceSpec service) throws IOException {
        HttpClientContext context = HttpClientContext.create();
        RequestConfig config = configs.get(service);
        if (config == null) {
            // Reloads leave old services behind; a bound keeps them from piling up.
            if (configs.size() > MAX_CACHED_CONFIGS) {
                configs.clear();
            }
            config = requestConfig(service);
            configs.put(service, config);
        }
        context.setRequestConfig(config);
        try {
            return client.executeOpen(target, request, context);
        } catch (NoHttpResponseException stale) {
            if (!StaleConnectionRetry.retryable(request)) {
                throw stale;
            }
            HttpClientContext again = HttpClientContext.create();
            again.setRequestConfig(config);
            return client.executeOpen(target, request, again);
        }
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
        evictor.shutdown();
        client.close(CloseMode.GRACEFUL);
        pool.close(CloseMode.IMMEDIATE);
    }
}
