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
        assertEquals(50 * 160, ring.size(), "160 points each on Kong's 10,000 slots");
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
            assertEquals(213, ring.pointsOf(heavy));
            assertEquals(106, ring.pointsOf(light));
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

    /** Addresses {@code ips} of one configured target {@code name:port}, as DNS gives them. */
    private static List<Target> resolved(String name, int port, int weight, String... ips) throws Exception {
        List<Target> out = new ArrayList<>();
        for (String ip : ips) {
            java.net.InetAddress inet = java.net.InetAddress.getByName(ip);
            out.add(new Target(
                    name,
                    inet,
                    port,
                    weight,
                    new TargetState(new TargetHealth("-", ip + ":" + port, TargetHealth.Clock.SYSTEM)),
                    PassiveRule.OFF));
        }
        return out;
    }

    private static HashPolicy slots(int n) {
        return BY_HEADER.withSlots(n);
    }

    /** Kong's 03-consistent_hashing_spec "weight change updates properly", "adding a host", "fitting indices". */
    @Test
    void eachAddressOwnsKongsCountOfPoints() throws Exception {
        List<Target> mashape = resolved("mashape.test", 80, 10, "1.2.3.4", "1.2.3.5");
        List<Target> kong = resolved("getkong.test", 80, 10, "::1");
        List<Target> all = new ArrayList<>(mashape);
        all.addAll(kong);
        ConsistentHashBalancer ring = new ConsistentHashBalancer(all, slots(1000), 2);
        assertEquals(106, ring.pointsOf(mashape.get(0)));
        assertEquals(106, ring.pointsOf(mashape.get(1)));
        assertEquals(106, ring.pointsOf(kong.get(0)));
        List<Target> heavier = new ArrayList<>(resolved("mashape.test", 80, 25, "1.2.3.4", "1.2.3.5"));
        heavier.addAll(kong);
        ConsistentHashBalancer reweighted = new ConsistentHashBalancer(heavier, slots(1000), 2);
        assertEquals(133, reweighted.pointsOf(heavier.get(0)));
        assertEquals(133, reweighted.pointsOf(heavier.get(1)));
        assertEquals(53, reweighted.pointsOf(kong.get(0)));
        List<Target> one = resolved("mashape.test", 80, 100, "1.2.3.4", "1.2.3.5");
        ConsistentHashBalancer fitting = new ConsistentHashBalancer(one, slots(1000), 1);
        assertEquals(80, fitting.pointsOf(one.get(0)));
        assertEquals(80, fitting.pointsOf(one.get(1)));
    }

    /**
     * Kong's 03-consistent_hashing_spec "evaluate the change in the continuum" (targets 10.0.0.i:i,
     * slots 5000, keys 1..10000), pinned to what Kong's own algorithm gives: the counts and owners
     * below were computed by LuaJIT running consistent_hashing.lua's ring and luaxxhash (the spec's
     * own bounds, 20%, 40% and 25%, are not all met by Kong's ring at 5000 slots: 26.23% from 6 to 8).
     */
    @Test
    void theRingIsKongsRing() {
        List<Target> eight = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            eight.add(new Target("10.0.0." + i, i, 100));
        }
        ConsistentHashBalancer five = new ConsistentHashBalancer(eight.subList(0, 5), slots(5000));
        ConsistentHashBalancer six = new ConsistentHashBalancer(eight.subList(0, 6), slots(5000));
        ConsistentHashBalancer all = new ConsistentHashBalancer(eight, slots(5000));
        int fiveToSix = 0;
        int fiveToEight = 0;
        int sixToEight = 0;
        for (int n = 1; n <= 10_000; n++) {
            PickRequest key = user(String.valueOf(n));
            Target a = five.pick(key, List.of());
            Target b = six.pick(key, List.of());
            Target c = all.pick(key, List.of());
            fiveToSix += a == b ? 0 : 1;
            fiveToEight += a == c ? 0 : 1;
            sixToEight += b == c ? 0 : 1;
        }
        assertEquals(1453, fiveToSix);
        assertEquals(3794, fiveToEight);
        assertEquals(2623, sixToEight);
        assertSame(eight.get(7), all.pick(user("1"), List.of()));
        assertSame(eight.get(5), all.pick(user("2"), List.of()));
        assertSame(eight.get(4), all.pick(user("alice"), List.of()));
        assertSame(eight.get(4), all.pick(user("bob"), List.of()));
        assertEquals(3891 - 1, ConsistentHashBalancer.index("1", 10_000), "Kong's point 3891");
        assertEquals(7240 - 1, ConsistentHashBalancer.index("bob", 10_000));
    }

    /** luaxxhash's own test vectors (signed, as LuaJIT's bit operations return them), reduced as Lua's % does. */
    @Test
    void pointsAreKongsXxHash32() {
        assertEquals(Math.floorMod(-631806169, 1000), ConsistentHashBalancer.index("aaaa", 1000));
        assertEquals(1710037756 % 10_000, ConsistentHashBalancer.index("Cats are interesting.", 10_000));
        assertEquals(440909981 % 5000, ConsistentHashBalancer.index("dupa", 5000));
    }
}
