package com.gitinsight.gateway.ratelimit;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/** Where the GCRA state of {@code request-rate} lives: this node (lock-free CAS per key) or Redis. */
interface RateCells {

    /** Admitted with a delay in nanoseconds (0: now), or refused: {@code -retryAfterNanos - 1}. */
    long take(String key, RequestRatePlugin.Config config) throws CounterStore.Unavailable;

    /** Local: one atomic TAT per key in a bounded Guava cache; idle keys expire. */
    final class Local implements RateCells {
        private final Cache<String, AtomicLong> cells;

        Local(long maxKeys) {
            cells = CacheBuilder.newBuilder().maximumSize(maxKeys).expireAfterAccess(Duration.ofMinutes(10)).build();
        }

        @Override
        public long take(String key, RequestRatePlugin.Config c) {
            AtomicLong tat = cells.getIfPresent(key);
            if (tat == null) {
                try {
                    tat = cells.get(key, () -> new AtomicLong(Long.MIN_VALUE / 2));
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
            while (true) {
                long now = System.nanoTime();
                long current = tat.get();
                long next = Gcra.next(current, now, c.intervalNanos(), c.burst());
                if (next == Long.MIN_VALUE) {
                    return -Gcra.retryAfter(current, now, c.intervalNanos(), c.burst()) - 1;
                }
                if (tat.compareAndSet(current, next)) {
                    return Math.max(0, next - c.intervalNanos() - now);
                }
            }
        }
    }

    /** Redis: the same algorithm in one Lua call, on Redis's clock so every node agrees. */
    final class Redis implements RateCells, AutoCloseable {
        static final String SCRIPT = """
                local t = redis.call('TIME')
                local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
                local interval = tonumber(ARGV[1])
                local allowance = interval * (tonumber(ARGV[2]) + 1)
                local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
                if tat < now then tat = now end
                local nxt = tat + interval
                if nxt - now > allowance then
                  return -(nxt - allowance - now) - 1
                end
                redis.call('SET', KEYS[1], nxt, 'PX', math.ceil((nxt - now) / 1000) + 1000)
                return nxt - interval - now
                """;

        private final JedisPooled redis;

        Redis(RateLimitingPlugin.Redis s, int maxConnections) {
            redis = RedisPools.open(s, maxConnections);
        }

        @Override
        public long take(String key, RequestRatePlugin.Config c) throws CounterStore.Unavailable {
            try {
                // Microseconds in Redis (its TIME); nanoseconds here.
                long micros = (Long) redis.eval(SCRIPT, List.of("gw:rr:{" + key + "}"),
                        List.of(Long.toString(Math.max(1, c.intervalNanos() / 1000)), Integer.toString(c.burst())));
                return micros < 0 ? (micros + 1) * 1000 - 1 : micros * 1000;
            } catch (JedisException e) {
                throw new CounterStore.Unavailable("Redis: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            redis.close();
        }
    }
}
