package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalCountersTest {

    static final List<RateLimitingPlugin.Limit> SECOND_AND_MINUTE = List.of(
            new RateLimitingPlugin.Limit(Period.SECOND, 2), new RateLimitingPlugin.Limit(Period.MINUTE, 3));

    static int admittedAtOnce(CounterStore store, String key, List<RateLimitingPlugin.Limit> limits, int requests)
            throws Exception {
        long now = System.currentTimeMillis();
        return Concurrently.admitted(requests, i -> store.hit(key, limits, now).admitted());
    }

    @Test
    void exactlyTheLimitPassesUnderConcurrency() throws Exception {
        LocalCounters store = new LocalCounters(1000, Duration.ofMinutes(1));
        List<RateLimitingPlugin.Limit> limits = List.of(new RateLimitingPlugin.Limit(Period.HOUR, 37),
                new RateLimitingPlugin.Limit(Period.DAY, 1000));
        assertEquals(37, admittedAtOnce(store, "k", limits, 200));
        assertEquals(0, admittedAtOnce(store, "k", limits, 50), "the hour is used up");
        assertEquals(37, admittedAtOnce(store, "other", limits, 200), "keys are independent");
    }

    @Test
    void windowsAreAlignedToTheClockAndEveryWindowMustHaveRoom() {
        LocalCounters store = new LocalCounters(1000, Duration.ofMinutes(1));
        long t = Instant.parse("2026-11-27T10:15:00.100Z").toEpochMilli();
        assertArrayEquals(new long[] {1, 1}, store.hit("k", SECOND_AND_MINUTE, t).counts());
        assertArrayEquals(new long[] {2, 2}, store.hit("k", SECOND_AND_MINUTE, t + 800).counts());
        CounterStore.Usage full = store.hit("k", SECOND_AND_MINUTE, t + 850);
        assertFalse(full.admitted(), "second full");
        assertArrayEquals(new long[] {2, 2}, full.counts(), "a refused request is not counted");
        assertTrue(store.hit("k", SECOND_AND_MINUTE, t + 900 + 1).admitted(), "next second (aligned at :01)");
        assertFalse(store.hit("k", SECOND_AND_MINUTE, t + 2_000).admitted(), "minute full (3)");
        assertTrue(store.hit("k", SECOND_AND_MINUTE, Instant.parse("2026-11-27T10:16:00Z").toEpochMilli()).admitted(),
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
        LocalCounters store = new LocalCounters(200_000, Duration.ofDays(1));
        List<RateLimitingPlugin.Limit> minute = List.of(new RateLimitingPlugin.Limit(Period.MINUTE, 10));
        long now = System.currentTimeMillis();
        for (int i = 0; i < 1_000_000; i++) {
            store.hit("svc|ip|10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), minute, now);
        }
        assertTrue(store.size() <= 200_000, "kept " + store.size() + " keys");
    }
}
