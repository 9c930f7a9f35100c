package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyBalancerTest {

    @Test
    void prefersTheFasterTargetButNotWhenItIsFlooded() {
        Target fast = new Target("10.0.0.1", 80, 100);
        Target slow = new Target("10.0.0.2", 80, 100);
        fast.reportResponse(200, 2_000);
        slow.reportResponse(200, 20_000);
        LatencyBalancer b = new LatencyBalancer(List.of(fast, slow));
        Map<Target, Integer> picks = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            picks.merge(b.pick(PickRequest.NONE, List.of()), 1, Integer::sum);
        }
        assertTrue(picks.getOrDefault(fast, 0) == 100, "idle: always the faster one " + picks);
        for (int i = 0; i < 12; i++) {
            fast.acquire();
        }
        assertSame(slow, b.pick(PickRequest.NONE, List.of()), "12 in flight at 2 ms scores worse than 0 at 20 ms");
        assertSame(slow, b.pick(PickRequest.NONE, List.of(fast)), "a retry goes elsewhere");
    }

    @Test
    void anUnmeasuredTargetIsTriedFirst() {
        Target measured = new Target("10.0.0.1", 80, 100);
        measured.reportResponse(200, 1_000);
        Target fresh = new Target("10.0.0.2", 80, 100);
        assertSame(fresh, new LatencyBalancer(List.of(measured, fresh)).pick(PickRequest.NONE, List.of()));
    }
}
