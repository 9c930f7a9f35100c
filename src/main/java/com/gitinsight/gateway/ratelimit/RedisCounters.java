package com.gitinsight.gateway.ratelimit;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Policy {@code redis}: counters in Redis, shared by every gateway node. One round trip per
 * request: a Lua script counts the request in every window and admits it only if none went past
 * its limit, as Kong 3.4+'s redis policy counts (its {@code usage} increments every window, a
 * refused request included, so a client that keeps knocking fills its longer windows). Atomic in
 * Redis, so two nodes never admit more than the limit together. Keys carry a hash tag (one Redis
 * Cluster slot per client) and expire with their window.
 */
final class RedisCounters implements CounterStore, AutoCloseable {

    static final String SCRIPT = """
            local n = #KEYS
            local out = {1}
            for i = 1, n do
              local c = redis.call('INCR', KEYS[i])
              if c == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[2 * i]) end
              out[i + 1] = c
              if c > tonumber(ARGV[2 * i - 1]) then out[1] = 0 end
            end
            return out
            """;

    private final JedisPooled redis;
    private volatile String sha;

    RedisCounters(RateLimitingSchema.Redis settings, int maxConnections) {
        redis = RedisPools.open(settings, maxConnections);
    }

    @Override
    public Usage hit(String key, List<RateLimitingSchema.Limit> limits, long nowMillis) throws Unavailable {
        List<String> keys = new ArrayList<>(limits.size());
        List<String> args = new ArrayList<>(limits.size() * 2);
        for (RateLimitingSchema.Limit l : limits) {
            long start = l.period().start(nowMillis);
            keys.add("gw:rl:{" + key + "}:" + l.period().field() + ":" + start);
            args.add(Long.toString(l.limit()));
            // Kept a little past the window so a slow clock on another node still finds it.
            args.add(Long.toString(l.period().end(nowMillis) - nowMillis + 1_000));
        }
        try {
            return usage(run(keys, args), limits);
        } catch (JedisException e) {
            throw new Unavailable("Redis: " + e.getMessage(), e);
        }
    }

    private Object run(List<String> keys, List<String> args) {
        String loaded = sha;
        if (loaded == null) {
            loaded = sha = redis.scriptLoad(SCRIPT);
        }
        try {
            return redis.evalsha(loaded, keys, args);
        } catch (JedisNoScriptException e) {
            // Redis restarted or flushed its scripts.
            sha = redis.scriptLoad(SCRIPT);
            return redis.evalsha(sha, keys, args);
        }
    }

    /**
     * The script's counts as the headers read them. A refused request was counted in every window,
     * but Kong's headers for it show, in each window it did not go past, what was left before it
     * (Kong's redis {@code usage} answers the count before its increment, and its handler takes
     * one off only the window that refused): so such a window reports its count less this request.
     */
    static Usage usage(Object reply, List<RateLimitingSchema.Limit> limits) {
        List<?> out = (List<?>) reply;
        boolean admitted = ((Long) out.get(0)) == 1L;
        long[] counts = new long[out.size() - 1];
        for (int i = 0; i < counts.length; i++) {
            long c = (Long) out.get(i + 1);
            counts[i] = !admitted && c <= limits.get(i).limit() ? c - 1 : c;
        }
        return new Usage(admitted, counts);
    }

    @Override
    public void close() {
        redis.close();
    }
}
