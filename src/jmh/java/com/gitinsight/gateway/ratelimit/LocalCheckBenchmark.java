package com.gitinsight.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.util.concurrent.RateLimiter;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The local rate-limit check (rate-limiting's counters and request-rate's GCRA cell), one key
 * and 100k keys, two threads. Run: {@code mvn -Pjmh -DskipTests test-compile exec:exec}.
 * {@code guava*}: the alternative weighed for request-rate (not used), one Guava RateLimiter per
 * key in the same kind of bounded map, filled at start as nginx's bucket is.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LocalCheckBenchmark {

    private static final List<RateLimitingSchema.Limit> LIMITS = List.of(
            new RateLimitingSchema.Limit(Period.MINUTE, Long.MAX_VALUE / 4),
            new RateLimitingSchema.Limit(Period.HOUR, Long.MAX_VALUE / 4));
    private static final RequestRateSchema.Config RATE = new RequestRateSchema.Config(
            1, 1_000_000, true, RequestRateSchema.Key.IP, null, RateLimitingSchema.Policy.LOCAL, null, true, 429);

    private LocalCounters counters;
    private RateCells.Local cells;
    private String[] keys;
    /** The floor: a plain map lookup and one CAS per check, with no expiry and no bound. */
    private ConcurrentHashMap<String, AtomicLong> plain;

    private Cache<String, RateLimiter> limiters;

    @Setup
    public void setUp() {
        counters = new LocalCounters(1_000_000);
        cells = new RateCells.Local(1_000_000);
        keys = new String[100_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "svc|ip|10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
        }
        plain = new ConcurrentHashMap<>();
        for (String k : keys) {
            plain.put(k, new AtomicLong());
        }
        limiters = Caffeine.newBuilder()
                .maximumSize(1_000_000)
                .executor(Runnable::run)
                .build();
    }

    private static RateLimiter limiter(String key) {
        RateLimiter limiter = RateLimiter.create(Double.POSITIVE_INFINITY);
        limiter.setRate(1e9 / RATE.intervalNanos());
        return limiter;
    }

    @Benchmark
    public boolean countersOneKey() {
        return counters.hit("svc|ip|10.0.0.1", LIMITS, System.currentTimeMillis())
                .admitted();
    }

    @Benchmark
    public boolean counters100kKeys() {
        return counters.hit(keys[ThreadLocalRandom.current().nextInt(keys.length)], LIMITS, System.currentTimeMillis())
                .admitted();
    }

    @Benchmark
    public long plainMap100kKeys() {
        return plain.get(keys[ThreadLocalRandom.current().nextInt(keys.length)]).incrementAndGet();
    }

    @Benchmark
    public long gcraOneKey() {
        return cells.take("svc|ip|10.0.0.1", RATE);
    }

    @Benchmark
    public long gcra100kKeys() {
        return cells.take(keys[ThreadLocalRandom.current().nextInt(keys.length)], RATE);
    }

    @Benchmark
    public boolean guavaOneKey() {
        return limiters.get("svc|ip|10.0.0.1", LocalCheckBenchmark::limiter).tryAcquire();
    }

    @Benchmark
    public boolean guava100kKeys() {
        return limiters.get(keys[ThreadLocalRandom.current().nextInt(keys.length)], LocalCheckBenchmark::limiter)
                .tryAcquire();
    }
}
