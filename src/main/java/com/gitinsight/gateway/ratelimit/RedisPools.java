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

    static JedisPooled open(RateLimitingSchema.Redis s, int maxConnections) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMaxWait(Duration.ofMillis(s.timeoutMs()));
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .database(s.database())
                .ssl(s.ssl())
                .connectionTimeoutMillis(s.timeoutMs())
                .socketTimeoutMillis(s.timeoutMs());
        if (s.password() != null) {
            client.user(s.username()).password(s.password());
        }
        return new JedisPooled(pool, new HostAndPort(s.host(), s.port()), client.build());
    }
}
