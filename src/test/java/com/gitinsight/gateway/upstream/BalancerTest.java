package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancerTest {

    private static Map<Target, Integer> spread(Balancer b, int picks) {
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(b.pick(PickRequest.NONE, List.of()), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinFollowsWeightsAndInterleaves() {
        Target a = new Target("a", 1, 500);
        Target b = new Target("b", 1, 100);
        Target c = new Target("c", 1, 100);
        RoundRobinBalancer rr = new RoundRobinBalancer(List.of(a, b, c));
        Map<Target, Integer> counts = spread(rr, 700);
        assertEquals(500, counts.get(a));
        assertEquals(100, counts.get(b));
        assertEquals(100, counts.get(c));
        // nginx's smooth sequence for 5:1:1 is a a b a c a a: never five a's in a row.
        List<Target> seq = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seq.add(rr.pick(PickRequest.NONE, List.of()));
        }
        assertEquals(List.of(a, a, b, a, c, a, a), seq);
    }

    @Test
    void roundRobinSharesADownTargetsTurnsInProportion() {
        // Kong's shuffled wheel keeps the others' proportions when a target is down; the next one
        // in the cycle took all of its share (three equal targets with one down split 20/10).
        Target a = new Target("a", 1, 100);
        Target b = new Target("b", 1, 100);
        Target c = new Target("c", 1, 100);
        c.health().force(false);
        Map<Target, Integer> even = spread(new RoundRobinBalancer(List.of(a, b, c)), 3000);
        assertEquals(2, even.size());
        assertTrue(Math.abs(even.get(a) - 1500) < 150, even.toString());

        Target x = new Target("x", 1, 10);
        Target y = new Target("y", 1, 10);
        Target z = new Target("z", 1, 5);
        x.health().force(false);
        Map<Target, Integer> weighted = spread(new RoundRobinBalancer(List.of(x, y, z)), 3000);
        assertTrue(Math.abs(weighted.get(y) - 2000) < 150, weighted.toString());

        // A heavy target down: every turn goes to the light one (drawn among targets, not turns).
        Target heavy = new Target("heavy", 1, 65_535);
        Target light = new Target("light", 1, 1);
        heavy.health().force(false);
        RoundRobinBalancer skewed = new RoundRobinBalancer(List.of(heavy, light));
        for (int i = 0; i < 1_000; i++) {
            assertSame(light, skewed.pick(PickRequest.NONE, List.of()));
        }
    }

    @Test
    void weightZeroDisablesATarget() {
        Target on = new Target("on", 1, 100);
        Target off = new Target("off", 1, 0);
        assertEquals(Map.of(on, 10), spread(new RoundRobinBalancer(List.of(on, off)), 10));
        assertEquals(Map.of(on, 10), spread(new LeastConnectionsBalancer(List.of(off, on)), 10));
        assertNull(new RoundRobinBalancer(List.of(off)).pick(PickRequest.NONE, List.of()));
        assertNull(new LeastConnectionsBalancer(List.of(off)).pick(PickRequest.NONE, List.of()));
    }

    @Test
    void retriesPreferATargetNotTriedYet() {
        Target a = new Target("a", 1, 100);
        Target b = new Target("b", 1, 100);
        RoundRobinBalancer rr = new RoundRobinBalancer(List.of(a, b));
        for (int i = 0; i < 5; i++) {
            Target first = rr.pick(PickRequest.NONE, List.of());
            assertNotSame(first, rr.pick(PickRequest.NONE, List.of(first)));
        }
        LeastConnectionsBalancer lc = new LeastConnectionsBalancer(List.of(a, b));
        assertSame(b, lc.pick(PickRequest.NONE, List.of(a)));
        // Everything tried: still answer (the caller bounds attempts by retries).
        assertEquals(true, List.of(a, b).contains(rr.pick(PickRequest.NONE, List.of(a, b))));
    }

    @Test
    void leastConnectionsPicksTheLeastLoadedRelativeToWeight() {
        Target busy = new Target("busy", 1, 100);
        Target idle = new Target("idle", 1, 100);
        LeastConnectionsBalancer lc = new LeastConnectionsBalancer(List.of(busy, idle));
        busy.acquire();
        busy.acquire();
        for (int i = 0; i < 4; i++) {
            assertSame(idle, lc.pick(PickRequest.NONE, List.of()));
        }
        Target heavy = new Target("heavy", 1, 400);
        heavy.acquire();
        heavy.acquire();
        // (2+1)/400 < (0+1)/100: the heavier target still takes the request.
        assertSame(heavy, new LeastConnectionsBalancer(List.of(idle, heavy)).pick(PickRequest.NONE, List.of()));
        busy.release();
        busy.release();
        assertEquals(0, busy.active());
    }

    @Test
    void idleLeastConnectionsPoolIsSpreadEvenly() {
        Target a = new Target("a", 1, 100);
        Target b = new Target("b", 1, 100);
        Map<Target, Integer> counts = spread(new LeastConnectionsBalancer(List.of(a, b)), 10);
        assertEquals(5, counts.get(a));
        assertEquals(5, counts.get(b));
    }

    @Test
    void ipv6TargetsAreBracketedInAddresses() {
        assertEquals("[::1]:8080", new Target("::1", 8080, 100).address());
        assertEquals(
                "http://[::1]:8080/", new Target("::1", 8080, 100).baseUri().toString());
    }
}
