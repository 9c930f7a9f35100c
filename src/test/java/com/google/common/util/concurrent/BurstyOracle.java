package com.google.common.util.concurrent;

/**
 * Test-only: Guava's {@code SmoothBursty} on a clock the test moves, to check the gateway's GCRA
 * against it. Guava's public API cannot build this: {@link RateLimiter#create(double)} fixes the
 * stored burst at one second of the rate and reads the system clock; the stored-burst length and
 * the clock are package-private (this class sits in Guava's package, in the test sources only).
 */
public final class BurstyOracle {

    /** Microseconds set by the test; a sleep is recorded, and does not move the clock. */
    public static final class Clock extends RateLimiter.SleepingStopwatch {
        private long micros;
        private long slept;

        public void set(long micros) {
            this.micros = micros;
        }

        /** The last sleep Guava asked for (a wait before admission), in microseconds. */
        public long slept() {
            return slept;
        }

        @Override
        protected long readMicros() {
            return micros;
        }

        @Override
        protected void sleepMicrosUninterruptibly(long m) {
            slept = m;
        }
    }

    private BurstyOracle() {}

    /**
     * A SmoothBursty storing up to {@code maxBurstSeconds} of the rate; {@code full}: starting with
     * those permits stored (Guava's own start is empty; the infinite-rate step is what public code
     * can do too: {@code create(POSITIVE_INFINITY)} then {@code setRate}).
     */
    public static RateLimiter bursty(Clock clock, double permitsPerSecond, double maxBurstSeconds, boolean full) {
        RateLimiter limiter = new SmoothRateLimiter.SmoothBursty(clock, maxBurstSeconds);
        if (full && maxBurstSeconds > 0) {
            limiter.setRate(Double.POSITIVE_INFINITY);
        }
        limiter.setRate(permitsPerSecond);
        return limiter;
    }

    /** What {@link RateLimiter#create(double)} builds, on the test's clock. */
    public static RateLimiter publicFactory(Clock clock, double permitsPerSecond) {
        return RateLimiter.create(permitsPerSecond, clock);
    }

    /** When the next request will be admitted, in the clock's microseconds. */
    public static long nextFreeMicros(RateLimiter limiter) {
        return limiter.queryEarliestAvailable(0);
    }
}
