package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.BurstyOracle;
import com.google.common.util.concurrent.RateLimiter;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The request-rate GCRA against Guava's SmoothBursty on the same request sequences, on a clock the
 * test moves (whole microseconds, Guava's unit): nginx's {@code burst} B is B stored permits and
 * the request beyond them passes on credit, so 1 + B pass at once and a sustained excess is cut to
 * the rate. Where they differ it is Guava's rounding: each take that spends part of a stored
 * permit truncates the rest of its interval to whole microseconds, so Guava runs up to ~20 us
 * ahead until its bucket is full again, admitting a request that early; at 10 r/s and 100 r/m no
 * decision differs. Guava's public factory cannot be configured so: see the last test.
 */
class GcraGuavaEquivalenceTest {

    private static final int SEQUENCES = 200;
    private static final int REQUESTS = 2000;
    /** How far ahead Guava's rounding may run (the most seen on these sequences: 18 us). */
    private static final long DRIFT_NANOS = 20_000;

    /** Arrival times (us): simultaneous, closer than the rate, around it, and idle gaps. */
    private static long[] arrivals(long seed, long intervalMicros, int burst) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] at = new long[REQUESTS];
        long t = 1_000_000;
        for (int i = 0; i < at.length; i++) {
            int kind = random.nextInt(10);
            long gap = kind < 4
                    ? 0
                    : kind < 7
                            ? random.nextLong(intervalMicros / 4 + 1)
                            : kind < 9
                                    ? random.nextLong(2 * intervalMicros + 1)
                                    : random.nextLong((burst + 3) * intervalMicros + 1);
            t += gap;
            at[i] = t;
        }
        return at;
    }

    /** {@code lenientPerMillion}: the most decisions Guava may admit early, per million requests. */
    @ParameterizedTest(name = "interval {0} ns, burst {1}")
    @CsvSource({
        "100000000, 20, 0", // 10r/s burst 20: the seed's python routes
        "100000000, 0, 0",
        "100000000, 50, 0",
        "600000000, 5, 0", // 100r/m
        "333333333, 2, 10", // 3r/s: 333333.3 us, not a whole number of Guava's microseconds
        "1000000, 10, 500", // 1000r/s
        "20000, 3, 5000", // 50000r/s: a 20 us interval, so Guava's microseconds show
    })
    void nodelayAdmitsAndRefusesAsGuavasBurstyWithBurstStoredPermits(long interval, int burst, int lenientPerMillion) {
        long intervalMicros = interval / 1000;
        long allowance = burst * interval;
        int requests = 0;
        int refused = 0;
        int lenient = 0;
        for (int seed = 0; seed < SEQUENCES; seed++) {
            BurstyOracle.Clock clock = new BurstyOracle.Clock();
            clock.set(1_000_000);
            RateLimiter guava = BurstyOracle.bursty(clock, 1e9 / interval, allowance / 1e9, true);
            long tat = 0;
            int gcraAdmitted = 0;
            int guavaAdmitted = 0;
            for (long micros : arrivals(seed, intervalMicros, burst)) {
                long now = micros * 1000;
                clock.set(micros);
                String at = "seed " + seed + ", t=" + micros + " us";
                if (gcraAdmitted == guavaAdmitted) {
                    // The same requests admitted so far: Guava's next free instant is the TAT less
                    // the burst (later than now when queued), never later, at most the drift earlier.
                    long guavaNext = Math.max(BurstyOracle.nextFreeMicros(guava) * 1000, now);
                    long drift = guavaNext - Math.max(tat - allowance, now);
                    assertTrue(drift <= 0 && drift >= -DRIFT_NANOS, "drift " + drift + " ns, " + at);
                }
                boolean same = gcraAdmitted == guavaAdmitted;
                long next = Gcra.next(tat, now, interval, burst);
                boolean admitted = guava.tryAcquire();
                if (same && admitted != (next != Long.MIN_VALUE)) {
                    assertTrue(admitted, "Guava refused what the GCRA admits, " + at);
                    assertTrue(Gcra.retryAfter(tat, now, interval, burst) <= DRIFT_NANOS, "admitted early, " + at);
                    lenient++;
                }
                if (next != Long.MIN_VALUE) {
                    tat = next;
                    gcraAdmitted++;
                } else {
                    refused++;
                }
                guavaAdmitted += admitted ? 1 : 0;
                requests++;
            }
            assertTrue(
                    guavaAdmitted - gcraAdmitted <= 1 + lenientPerMillion * REQUESTS / 1_000_000,
                    "seed " + seed + ": admitted " + gcraAdmitted + " (GCRA), " + guavaAdmitted + " (Guava)");
        }
        assertEquals(SEQUENCES * REQUESTS, requests);
        assertTrue(refused > requests / 1000, "the sequences reach the limit: refused " + refused);
        assertTrue(
                lenient <= (long) lenientPerMillion * requests / 1_000_000,
                lenient + " of " + requests + " decisions differ");
    }

    @ParameterizedTest(name = "interval {0} ns, burst {1}")
    @CsvSource({"100000000, 20", "100000000, 0", "600000000, 5", "1000000, 10", "20000, 3"})
    void withoutNodelayEachWaitsAsGuavasAcquireWithinTheBurst(long interval, int burst) {
        long intervalMicros = interval / 1000;
        for (int seed = 0; seed < SEQUENCES; seed++) {
            BurstyOracle.Clock clock = new BurstyOracle.Clock();
            clock.set(1_000_000);
            // Nothing stored: each request queues behind the last, for up to B intervals.
            RateLimiter guava = BurstyOracle.bursty(clock, 1e9 / interval, 0, false);
            long tat = 0;
            for (long micros : arrivals(seed, intervalMicros, burst)) {
                long now = micros * 1000;
                clock.set(micros);
                long next = Gcra.next(tat, now, interval, burst);
                boolean admitted = guava.tryAcquire(1, burst * intervalMicros, TimeUnit.MICROSECONDS);
                String at = "seed " + seed + ", t=" + micros + " us";
                assertEquals(next != Long.MIN_VALUE, admitted, "admitted, " + at);
                if (admitted) {
                    assertEquals(clock.slept() * 1000, next - interval - now, "wait, " + at);
                    tat = next;
                }
            }
        }
    }

    /**
     * Why the gateway cannot use {@code RateLimiter.create(rate)}: it stores one second of the
     * rate whatever the burst, and a new limiter (a new client's key) starts with nothing stored,
     * where nginx starts full.
     */
    @Test
    void guavasPublicFactoryStoresOneSecondOfTheRateAndStartsEmpty() {
        long interval = 100_000_000L; // 10 r/s
        BurstyOracle.Clock clock = new BurstyOracle.Clock();
        clock.set(1_000_000);
        RateLimiter guava = BurstyOracle.publicFactory(clock, 10);
        assertEquals(1, atOnce(guava, 50), "a new key: one request");
        assertEquals(21, atOnce(1_000_000, interval, 20, 50), "nginx, burst 20: 1 + 20");

        clock.set(10_000_000);
        assertEquals(11, atOnce(guava, 50), "after idling: 1 + one second of the rate, whatever the burst");
        assertEquals(1, atOnce(10_000_000, interval, 0, 50), "nginx, burst 0");
        assertEquals(21, atOnce(10_000_000, interval, 20, 50), "nginx, burst 20");
    }

    private static int atOnce(RateLimiter guava, int requests) {
        int admitted = 0;
        for (int i = 0; i < requests; i++) {
            admitted += guava.tryAcquire() ? 1 : 0;
        }
        return admitted;
    }

    private static int atOnce(long micros, long interval, int burst, int requests) {
        long tat = 0;
        int admitted = 0;
        for (int i = 0; i < requests; i++) {
            long next = Gcra.next(tat, micros * 1000, interval, burst);
            if (next != Long.MIN_VALUE) {
                tat = next;
                admitted++;
            }
        }
        return admitted;
    }
}
