package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Against a real Redis: two "nodes" (separate clients and pools) share one limit exactly. */
class RedisCountersTest {

    private static RateLimitingPlugin.Redis redis(int port) {
        return new RateLimitingPlugin.Redis("127.0.0.1", port, null, null, 0, 2000, false);
    }

    @Test
    void twoNodesSharingOneRedisAdmitExactlyTheLimitInTotal() throws Exception {
        int port = TestRedis.port();
        List<RateLimitingPlugin.Limit> limits = List.of(new RateLimitingPlugin.Limit(Period.MINUTE, 53),
                new RateLimitingPlugin.Limit(Period.HOUR, 1000));
        String key = "test-" + UUID.randomUUID();
        try (RedisCounters node1 = new RedisCounters(redis(port), 32); RedisCounters node2 = new RedisCounters(redis(port), 32)) {
            ExecutorService pool = Executors.newFixedThreadPool(50);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            long now = System.currentTimeMillis();
            for (int i = 0; i < 200; i++) {
                RedisCounters node = i % 2 == 0 ? node1 : node2;
                pool.execute(() -> {
                    try {
                        go.await();
                        if (node.hit(key, limits, now).admitted()) {
                            admitted.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                });
            }
            go.countDown();
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            assertEquals(0, errors.get());
            assertEquals(53, admitted.get());
            assertEquals(53, node1.hit(key, limits, now).counts()[0], "refused requests are not counted");
        }
    }

    @Test
    void anUnreachableRedisIsReportedNotHidden() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (RedisCounters down = new RedisCounters(redis(dead), 2)) {
            assertThrows(CounterStore.Unavailable.class, () -> down.hit("k",
                    List.of(new RateLimitingPlugin.Limit(Period.SECOND, 1)), System.currentTimeMillis()));
        }
    }
}
