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
            assertEquals(
                    200,
                    after.counts()[1],
                    "the hour fills with refused requests too: 200 before this refused one, as Kong's headers count it");
        }
    }

    // Kong's "handles multiple limits" (redis): minute=3, hour=5; the fourth request is refused with
    // X-RateLimit-Remaining-Hour 2 (Kong's redis usage answers the count before its increment and
    // its handler takes one off only the window that refused), not 1.
    @Test
    void aRefusedRequestShowsTheWindowsItDidNotFillAsKongsHeadersDo() throws Exception {
        List<RateLimitingSchema.Limit> limits =
                List.of(new RateLimitingSchema.Limit(Period.MINUTE, 3), new RateLimitingSchema.Limit(Period.HOUR, 5));
        String key = "test-" + UUID.randomUUID();
        try (RedisCounters node = new RedisCounters(redis(TestRedis.port()), 4)) {
            long now = System.currentTimeMillis();
            for (int i = 1; i <= 3; i++) {
                CounterStore.Usage u = node.hit(key, limits, now);
                assertEquals(true, u.admitted());
                assertEquals(5 - i, 5 - u.counts()[1], "an admitted request counts in every window");
            }
            CounterStore.Usage refused = node.hit(key, limits, now);
            assertEquals(false, refused.admitted());
            assertEquals(0, Math.max(0, 3 - refused.counts()[0]), "the minute: nothing left");
            assertEquals(2, 5 - refused.counts()[1], "the hour: what was left before this request");
            CounterStore.Usage again = node.hit(key, limits, now);
            assertEquals(1, 5 - again.counts()[1], "the refused request was counted in the hour all the same");
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
