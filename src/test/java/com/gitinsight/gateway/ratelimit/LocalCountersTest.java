package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LocalCountersTest {

    static final List<RateLimitingSchema.Limit> SECOND_AND_MINUTE =
            List.of(new RateLimitingSchema.Limit(Period.SECOND, 2), new RateLimitingSchema.Limit(Period.MINUTE, 3));

    static int admittedAtOnce(CounterStore store, String key, List<RateLimitingSchema.Limit> limits, int requests)
            throws Exception {
        long now = System.currentTimeMillis();
        return Concurrently.admitted(requests, i -> store.hit(key, limits, now).admitted());
    }

    @Test
    void exactlyTheLimitPassesUnderConcurrency() throws Exception {
        LocalCounters store = new LocalCounters(1000);
        List<RateLimitingSchema.Limit> limits =
                List.of(new RateLimitingSchema.Limit(Period.HOUR, 37), new RateLimitingSchema.Limit(Period.DAY, 1000));
        assertEquals(37, admittedAtOnce(store, "k", limits, 200));
        assertEquals(0, admittedAtOnce(store, "k", limits, 50), "the hour is used up");
        assertEquals(37, admittedAtOnce(store, "other", limits, 200), "keys are independent");
    }

    @Test
    void windowsAreAlignedToTheClockAndEveryWindowMustHaveRoom() {
        LocalCounters store = new LocalCounters(1000);
        long t = Instant.parse("2026-11-27T10:15:00.100Z").toEpochMilli();
        assertArrayEquals(
                new long[] {1, 1}, store.hit("k", SECOND_AND_MINUTE, t).counts());
        assertArrayEquals(
                new long[] {2, 2}, store.hit("k", SECOND_AND_MINUTE, t + 800).counts());
        CounterStore.Usage full = store.hit("k", SECOND_AND_MINUTE, t + 850);
        assertFalse(full.admitted(), "second full");
        assertArrayEquals(new long[] {2, 2}, full.counts(), "a refused request is not counted");
        assertTrue(store.hit("k", SECOND_AND_MINUTE, t + 900 + 1).admitted(), "next second (aligned at :01)");
        assertFalse(store.hit("k", SECOND_AND_MINUTE, t + 2_000).admitted(), "minute full (3)");
        assertTrue(
                store.hit(
                                "k",
                                SECOND_AND_MINUTE,
                                Instant.parse("2026-11-27T10:16:00Z").toEpochMilli())
                        .admitted(),
                "next minute");
    }

    @Test
    void periodsStartOnUtcBoundaries() {
        long t = Instant.parse("2026-11-27T10:15:42.500Z").toEpochMilli();
        assertEquals(Instant.parse("2026-11-27T10:15:42Z").toEpochMilli(), Period.SECOND.start(t));
        assertEquals(Instant.parse("2026-11-27T10:00:00Z").toEpochMilli(), Period.HOUR.start(t));
        assertEquals(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(), Period.MONTH.start(t));
        assertEquals(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli(), Period.MONTH.end(t));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli(), Period.YEAR.end(t));
    }

    @Test
    void aMillionClientAddressesKeepTheStateBounded() {
        LocalCounters store = new LocalCounters(200_000);
        List<RateLimitingSchema.Limit> minute = List.of(new RateLimitingSchema.Limit(Period.MINUTE, 10));
        long now = System.currentTimeMillis();
        for (int i = 0; i < 1_000_000; i++) {
            store.hit("svc|ip|10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), minute, now);
        }
        assertTrue(store.size() <= 200_000, "kept " + store.size() + " keys");
    }

    @Test
    void aSweepRemovesStatesWhoseWindowsEndedAndKeepsLiveOnes() {
        LocalCounters store = new LocalCounters(1000);
        long t = Instant.parse("2026-11-27T10:15:30Z").toEpochMilli();
        store.hit("old", SECOND_AND_MINUTE, t);
        store.hit("old", SECOND_AND_MINUTE, t);
        store.hit("live", SECOND_AND_MINUTE, t + 29_000);
        long nextMinute = Instant.parse("2026-11-27T10:16:00Z").toEpochMilli();
        assertEquals(0, store.sweep(t + 29_500), "both minutes still running");
        assertEquals(2, store.sweep(nextMinute), "every window of both ended");
        assertEquals(0, store.size());
        assertArrayEquals(
                new long[] {1, 1},
                store.hit("old", SECOND_AND_MINUTE, nextMinute).counts(),
                "counts restart");
        assertEquals(0, store.sweep(nextMinute + 500), "the new minute is live");
    }

    @Test
    void sweepingWhileAKeyIsHitLosesNoCount() throws Exception {
        LocalCounters store = new LocalCounters(1000);
        List<RateLimitingSchema.Limit> minute = List.of(new RateLimitingSchema.Limit(Period.MINUTE, 37));
        long t = Instant.parse("2026-11-27T10:15:30Z").toEpochMilli();
        long later = t + 60_000;
        for (int round = 0; round < 20; round++) {
            String key = "k" + round;
            store.hit(key, minute, t);
            AtomicBoolean stop = new AtomicBoolean();
            // The key's state is dead at `later` (its minute ended): the sweeper keeps trying to
            // remove it while 200 requests of the next minute take from it.
            Thread sweeper = new Thread(() -> {
                while (!stop.get()) {
                    store.sweep(later);
                }
            });
            sweeper.start();
            try {
                int admitted = Concurrently.admitted(
                        200, i -> store.hit(key, minute, later).admitted());
                assertEquals(37, admitted, "round " + round);
            } finally {
                stop.set(true);
                sweeper.join();
            }
        }
    }

    @Test
    void aMillionClientAddressesLeaveNothingOnceTheirWindowsEnd() {
        LocalCounters store = new LocalCounters(2_000_000);
        List<RateLimitingSchema.Limit> minute = List.of(new RateLimitingSchema.Limit(Period.MINUTE, 10));
        long t = Instant.parse("2026-11-27T10:15:30Z").toEpochMilli();
        for (int i = 0; i < 1_000_000; i++) {
            store.hit("svc|ip|10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), minute, t);
        }
        assertEquals(1_000_000, store.size());
        assertEquals(1_000_000, store.sweep(t + 60_000));
        assertEquals(0, store.size());
    }
}
