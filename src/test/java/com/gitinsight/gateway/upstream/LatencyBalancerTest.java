package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kong's latency balancer (latency.lua): a time-decayed average over the weight, two choices a pick. */
class LatencyBalancerTest {

    @Test
    void prefersTheFasterTargetWhateverIsInFlightAsKongDoes() {
        Target fast = new Target("10.0.0.1", 80, 100);
        Target slow = new Target("10.0.0.2", 80, 100);
        fast.reportResponse(200, 100_000);
        slow.reportResponse(200, 1_000_000);
        LatencyBalancer b = new LatencyBalancer(List.of(fast, slow));
        Map<Target, Integer> picks = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            fast.acquire(); // in flight: Kong's score does not count it (helper review 166 #5)
            picks.merge(b.pick(PickRequest.NONE, List.of()), 1, Integer::sum);
        }
        assertEquals(Map.of(fast, 100), picks);
        assertSame(slow, b.pick(PickRequest.NONE, List.of(fast)), "a retry goes elsewhere");
    }

    // Helper review 211 #1: a try that got no answer counts its time, as Kong's log phase counts
    // connect and response time: a hanging target is no longer the unmeasured (best) one.
    @Test
    void aTargetThatGaveNoAnswerScoresTheTimeItTook() {
        Target fast = new Target("10.0.0.1", 80, 100);
        Target hanging = new Target("10.0.0.2", 80, 100);
        LatencyBalancer b = new LatencyBalancer(List.of(fast, hanging));
        fast.reportResponse(200, 5_000);
        assertSame(hanging, b.pick(PickRequest.NONE, List.of()), "never measured: 0, the best score");
        hanging.reportNoAnswer(60_000_000);
        for (int i = 0; i < 20; i++) {
            assertSame(fast, b.pick(PickRequest.NONE, List.of()));
        }
    }

    @Test
    void theWeightDividesTheAverage() {
        Target heavy = new Target("10.0.0.1", 80, 100);
        Target light = new Target("10.0.0.2", 80, 10);
        heavy.reportResponse(200, 50_000);
        light.reportResponse(200, 10_000);
        // 50 ms / 100 = 500 against 10 ms / 10 = 1000: the heavier one.
        assertSame(heavy, new LatencyBalancer(List.of(heavy, light)).pick(PickRequest.NONE, List.of()));
    }

    @Test
    void anOldMeasurementFadesWithKongsTenSecondDecay() {
        TargetState.Ewma measured = new TargetState.Ewma(1_000_000, 1);
        assertEquals(1_000_000 * Math.exp(-1), measured.decayed(0, 1 + 10_000_000_000L), 1e-6);
        assertEquals(
                1_000_000 * Math.exp(-1) + 200 * (1 - Math.exp(-1)), measured.decayed(200, 1 + 10_000_000_000L), 1e-6);
        assertEquals(300, TargetState.Ewma.NONE.decayed(300, 5), "the first measurement is the average");
    }

    @Test
    void anAddressNotMeasuredStartsAtTheOthersAverageOrFirstWhenNoneIs() {
        Target measured = new Target("10.0.0.1", 80, 100);
        measured.reportResponse(200, 1_000);
        Target fresh = new Target("10.0.0.2", 80, 100);
        new LatencyBalancer(List.of(measured, fresh));
        assertTrue(fresh.latency().micros() > 0, "Kong's slow start: the others' average");
        Target a = new Target("10.0.0.3", 80, 100);
        Target b = new Target("10.0.0.4", 80, 100);
        LatencyBalancer unmeasured = new LatencyBalancer(List.of(a, b));
        a.reportResponse(200, 5_000);
        assertSame(b, unmeasured.pick(PickRequest.NONE, List.of()), "zero until measured: tried first");
    }

    @Test
    void withMoreThanTwoEachPickComparesTwoAtRandom() {
        Target fast = new Target("10.0.0.1", 80, 100);
        Target slow = new Target("10.0.0.2", 80, 100);
        Target slower = new Target("10.0.0.3", 80, 100);
        fast.reportResponse(200, 1_000);
        slow.reportResponse(200, 100_000);
        slower.reportResponse(200, 200_000);
        LatencyBalancer b = new LatencyBalancer(List.of(fast, slow, slower));
        Map<Target, Integer> picks = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            picks.merge(b.pick(PickRequest.NONE, List.of()), 1, Integer::sum);
        }
        // Kong's power of two choices: the fastest wins the two pairs it is in (2/3), never the slowest.
        assertTrue(Math.abs(picks.get(fast) - 2000) < 200, picks.toString());
        assertTrue(Math.abs(picks.get(slow) - 1000) < 200, picks.toString());
        assertEquals(null, picks.get(slower), picks.toString());
    }
}
