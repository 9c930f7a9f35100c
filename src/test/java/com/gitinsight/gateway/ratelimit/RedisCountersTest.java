package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Against a real Redis: two "nodes" (separate clients and pools) share one limit exactly. */
class RedisCountersTest {

    private static RateLimitingSchema.Redis redis(int port) {
        return new RateLimitingSchema.Redis("127.0.0.1", port, null, null, 0, 2000, false);
    }

    @Test
    void twoNodesSharingOneRedisAdmitExactlyTheLimitInTotal() throws Exception {
        int port = TestRedis.port();
        List<RateLimitingSchema.Limit> limits = List.of(
                new RateLimitingSchema.Limit(Period.MINUTE, 53), new RateLimitingSchema.Limit(Period.HOUR, 1000));
        String key = "test-" + UUID.randomUUID();
        try (RedisCounters node1 = new RedisCounters(redis(port), 32);
                RedisCounters node2 = new RedisCounters(redis(port), 32)) {
            long now = System.currentTimeMillis();
            int admitted = Concurrently.admitted(
                    200, i -> (i % 2 == 0 ? node1 : node2).hit(key, limits, now).admitted());
            assertEquals(53, admitted);
            // Kong 3.4+'s redis policy: every request is counted, a refused one included (200 sent, one more now).
            CounterStore.Usage after = node1.hit(key, limits, now);
            assertEquals(201, after.counts()[0]);
            assertEquals(201, after.counts()[1], "the hour fills with refused requests too");
        }
    }

    @Test
    void anUnreachableRedisIsReportedNotHidden() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (RedisCounters down = new RedisCounters(redis(dead), 2)) {
            assertThrows(
                    CounterStore.Unavailable.class,
                    () -> down.hit(
                            "k", List.of(new RateLimitingSchema.Limit(Period.SECOND, 1)), System.currentTimeMillis()));
        }
    }
}
