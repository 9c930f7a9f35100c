package com.gitinsight.gateway.ratelimit;

import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** Opens a Jedis connection pool for a plugin's {@code redis} settings. */
final class RedisPools {

    private RedisPools() {}

    /** Idle connections kept when the pool has no cap: Kong's {@code set_keepalive} pool size. */
    static final int KEPT_IDLE = 100;

    /**
     * {@code maxConnections} 0 or less: no cap (one per request thread waiting, as Kong opens one
     * per request when none is idle; helper review 198: at the cap, requests waited
     * {@code redis.timeout} and then passed unchecked under {@code fault_tolerant}).
     */
    static JedisPooled open(RateLimitingSchema.Redis s, int maxConnections) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        boolean capped = maxConnections > 0;
        pool.setMaxTotal(capped ? maxConnections : -1);
        pool.setMaxIdle(capped ? maxConnections : KEPT_IDLE);
        pool.setMaxWait(Duration.ofMillis(s.timeoutMs()));
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .database(s.database())
                .ssl(s.ssl())
                .connectionTimeoutMillis(s.timeoutMs())
                .socketTimeoutMillis(s.timeoutMs());
        if (s.password() != null) {
            client.user(s.username()).password(s.password());
        }
        if (s.ssl()) {
            tls(s, client);
        }
        return new JedisPooled(pool, new HostAndPort(s.host(), s.port()), client.build());
    }

    /**
     * Kong's {@code redis.ssl_verify} (false by default: any certificate, as OpenResty's
     * sslhandshake without verify) and {@code redis.server_name} (the name sent in the handshake
     * and, verified, checked against the certificate). Without it, as lua-resty-redis hands
     * OpenResty no name: no SNI, and a verified chain is not checked against a host name (helper
     * review 283: a certificate not naming {@code redis.host}, or a host with an underscore, which
     * no SNI name may hold, failed every request). A verified chain must reach the JVM's trust
     * store (Kong's {@code lua_ssl_trusted_certificate}).
     */
    static void tls(RateLimitingSchema.Redis s, DefaultJedisClientConfig.Builder client) {
        com.gitinsight.gateway.upstream.BackendTls.Profile profile = s.sslVerify()
                ? new com.gitinsight.gateway.upstream.BackendTls.Profile(true, null, java.util.List.of(), true, null)
                : new com.gitinsight.gateway.upstream.BackendTls.Profile(false, null, java.util.List.of(), false, null);
        client.sslSocketFactory(
                com.gitinsight.gateway.upstream.BackendTls.context(profile).getSocketFactory());
        javax.net.ssl.SSLParameters parameters = new javax.net.ssl.SSLParameters();
        // No name unless server_name gives one (the JDK would otherwise send redis.host).
        parameters.setServerNames(java.util.List.of());
        String name = s.serverName();
        if (name != null) {
            try {
                parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(name)));
            } catch (IllegalArgumentException e) {
                // A name no SNI may carry (an underscore): sent as none; verified, the certificate is
                // then checked against the host connected to.
            }
            if (s.sslVerify()) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
        }
        client.sslParameters(parameters);
    }
}
