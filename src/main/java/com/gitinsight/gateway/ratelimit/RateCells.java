package com.gitinsight.gateway.ratelimit;

import java.util.List;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/** Where the GCRA state of {@code request-rate} lives: this node (lock-free CAS per key) or Redis. */
interface RateCells {

    /** Admitted with a delay in nanoseconds (0: now), or refused: {@code -retryAfterNanos - 1}. */
    long take(String key, RequestRateSchema.Config config) throws CounterStore.Unavailable;

    /**
     * Local: one TAT per key, updated by CAS (see {@link SweptStates}: bounded, and a key is
     * dropped once its bucket is full again). Time is counted from this store's creation, so 0
     * means "never used".
     */
    final class Local implements RateCells {
        private final long origin = System.nanoTime() - 1;
        private final SweptStates cells;

        Local(long maxKeys) {
            cells = new SweptStates(
                    maxKeys, 1, (tat, nowMillis) -> SweptStates.read(tat, 0) <= System.nanoTime() - origin);
        }

        @Override
        public long take(String key, RequestRateSchema.Config c) {
            while (true) {
                long[] tat = cells.get(key);
                long taken = take(tat, c);
                if (taken < 0 || cells.kept(key, tat)) {
                    return taken;
                }
            }
        }

        private long take(long[] tat, RequestRateSchema.Config c) {
            while (true) {
                long now = System.nanoTime() - origin;
                long current = SweptStates.read(tat, 0);
                long next = Gcra.next(current, now, c.intervalNanos(), c.burst());
                if (next == Long.MIN_VALUE) {
                    return -Gcra.retryAfter(current, now, c.intervalNanos(), c.burst()) - 1;
                }
                if (SweptStates.swap(tat, 0, current, next)) {
                    return Math.max(0, next - c.intervalNanos() - now);
                }
            }
        }

        int sweep() {
            return cells.sweep(System.currentTimeMillis());
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

        Redis(RateLimitingSchema.Redis s, int maxConnections) {
            redis = RedisPools.open(s, maxConnections);
        }

        @Override
        public long take(String key, RequestRateSchema.Config c) throws CounterStore.Unavailable {
            try {
                // Microseconds in Redis (its TIME); nanoseconds here.
                long micros = (Long) redis.eval(
                        SCRIPT,
                        List.of("gw:rr:{" + key + "}"),
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
