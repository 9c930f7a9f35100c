package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs attempts released all at once from 50 threads and counts those admitted. */
final class Concurrently {

    /** One attempt: {@code i} is its index; true when admitted. */
    interface Attempt {
        boolean run(int i) throws Exception;
    }

    private Concurrently() {}

    static int admitted(int attempts, Attempt attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        for (int i = 0; i < attempts; i++) {
            int index = i;
            pool.execute(() -> {
                try {
                    go.await();
                    if (attempt.run(index)) {
                        admitted.incrementAndGet();
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(0, errors.get(), "attempts failed");
        return admitted.get();
    }
}
