package com.gitinsight.gateway.cache;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Evicting one repository (its summary and insights) from a cache of 100,000 entries, as an
 * analysis event does; each operation stores the repository's entries back first, so the cache
 * stays full. Run: {@code mvn -Pjmh -DskipTests -Djmh.pattern=EvictBenchmark test-compile exec:exec}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EvictBenchmark {

    private static final int REPOSITORIES = 50_000;

    private ResponseCache cache;

    @Setup
    public void setUp() {
        cache = new ResponseCache(200_000, 256);
        for (int r = 0; r < REPOSITORIES; r++) {
            store(r);
        }
    }

    private void store(int r) {
        long now = System.currentTimeMillis();
        byte[] body = new byte[200];
        for (String p : List.of(
                "/api/v1/fast/repositories/" + r + "/summary", "/api/v1/fast/repositories/" + r + "/insights")) {
            cache.put(
                    p,
                    new CachedResponse(
                            200,
                            List.of("Content-Type", "application/json"),
                            body,
                            now,
                            now + 3_600_000,
                            now + 3_600_000,
                            p,
                            true));
        }
    }

    @TearDown
    public void tearDown() {
        cache.stop();
    }

    @Benchmark
    public int storeAndEvictOneRepository() {
        int r = ThreadLocalRandom.current().nextInt(REPOSITORIES);
        store(r);
        return cache.purge(PathPattern.compile("/api/v1/fast/repositories/" + r + "/**"));
    }
}
