package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.UpstreamSpec.HashOn;
import com.gitinsight.gateway.config.UpstreamSpec.HashPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsistentHashBalancerTest {

    private static final HashPolicy BY_HEADER = new HashPolicy(HashOn.HEADER, "x-user", HashOn.IP, null);

    private static PickRequest user(String id) {
        return (source, name) -> source == HashOn.HEADER ? id : null;
    }

    private static List<Target> targets(int n) {
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Target("10.0.0." + (i + 1), 8000, 100));
        }
        return out;
    }

    @Test
    void removingOneOfFiveTargetsMovesAtMostAQuarterOfTheKeys() {
        List<Target> five = targets(5);
        ConsistentHashBalancer before = new ConsistentHashBalancer(five, BY_HEADER);
        ConsistentHashBalancer after = new ConsistentHashBalancer(five.subList(0, 4), BY_HEADER);
        int moved = 0;
        Map<Target, Integer> spread = new HashMap<>();
        for (int k = 0; k < 10_000; k++) {
            Target was = before.pick(user("user-" + k), List.of());
            Target now = after.pick(user("user-" + k), List.of());
            spread.merge(was, 1, Integer::sum);
            if (was != now) {
                moved++;
                assertSame(five.get(4), was, "only the removed target's keys may move");
            }
        }
        assertTrue(moved <= 2_500, "moved " + moved);
        for (int c : spread.values()) {
            assertTrue(c > 1_000 && c < 3_000, "uneven spread " + spread);
        }
    }

    @Test
    void sameKeySameTargetAndFallbackThenTheEmptyKey() {
        ConsistentHashBalancer b = new ConsistentHashBalancer(targets(3), BY_HEADER);
        Target first = b.pick(user("alice"), List.of());
        for (int i = 0; i < 20; i++) {
            assertSame(first, b.pick(user("alice"), List.of()));
        }
        PickRequest byIp = (source, name) -> source == HashOn.IP ? "192.0.2.7" : null;
        assertSame(b.pick(byIp, List.of()), b.pick(byIp, List.of()), "hash_fallback is used when hash_on has no value");
        // Kong hashes "" when there is no key at all: every such request goes to one target.
        Target x = b.pick(PickRequest.NONE, List.of());
        for (int i = 0; i < 20; i++) {
            assertSame(x, b.pick(PickRequest.NONE, List.of()), "no key at all: the empty key's target");
        }
        assertSame(x, b.pick((source, name) -> "", List.of()));
    }

    @Test
    void retryAndUnhealthyTargetsMoveToTheNextOnTheRing() {
        List<Target> three = targets(3);
        ConsistentHashBalancer b = new ConsistentHashBalancer(three, BY_HEADER);
        Target owner = b.pick(user("bob"), List.of());
        Target next = b.pick(user("bob"), List.of(owner));
        assertNotEquals(owner, next);
        owner.health().force(false);
        assertEquals(next, b.pick(user("bob"), List.of()));
    }

    @Test
    void heavyWeightsFromDnsNeverGrowTheRingPastKongsLargestSlots() {
        List<Target> heavy = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            heavy.add(new Target("10.0.1." + (i + 1), 8000, 65_535));
        }
        ConsistentHashBalancer ring = new ConsistentHashBalancer(heavy, BY_HEADER);
        assertTrue(ring.size() <= ConsistentHashBalancer.MAX_POINTS, "points: " + ring.size());
        Map<Target, Integer> spread = new HashMap<>();
        for (int k = 0; k < 5000; k++) {
            spread.merge(ring.pick(user("user-" + k), List.of()), 1, Integer::sum);
        }
        assertEquals(50, spread.size(), "every target still owns keys");
    }

    /** Kong's unit spec "consistent hashing": weights 2:1 split keys 2:1 within 6.7 points. */
    @Test
    void pointsFollowTheShareOfTheWeightNotItsSize() {
        for (int[] weights : new int[][] {{10, 5}, {2, 1}, {200, 100}}) {
            Target heavy = new Target("10.0.2.1", 8000, weights[0]);
            Target light = new Target("10.0.2.2", 8000, weights[1]);
            ConsistentHashBalancer ring = new ConsistentHashBalancer(List.of(heavy, light), BY_HEADER);
            // Kong's floor(w / W * n * 160): 213 + 106 for 10:5.
            assertTrue(ring.size() >= 318 && ring.size() <= 320, "about 160 points a target: " + ring.size());
            int toHeavy = 0;
            int keys = 30_000;
            for (int k = 0; k < keys; k++) {
                if (ring.pick(user("user-" + k), List.of()) == heavy) {
                    toHeavy++;
                }
            }
            double share = 100.0 * toHeavy / keys;
            assertTrue(Math.abs(share - 66.7) < 6.7, weights[0] + ":" + weights[1] + " gave " + share + "%");
        }
        ConsistentHashBalancer ones = new ConsistentHashBalancer(
                List.of(new Target("10.0.3.1", 8000, 1), new Target("10.0.3.2", 8000, 1)), BY_HEADER);
        assertEquals(320, ones.size(), "weight 1 is 160 points, not 1");
    }
}
