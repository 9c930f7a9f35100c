package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SlowClientPolicyTest {

    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private static SlowClientPolicy.Limits limits(int maxSlow, int perAddress) {
        return new SlowClientPolicy.Limits(maxSlow, perAddress, 60 * S, 2 * S, 10 * S, 64 << 10);
    }

    private static SlowClientPolicy.Blocked reading(int id, String address, long blocked, long age, long bytes) {
        return new SlowClientPolicy.Blocked(id, address, true, blocked, age, bytes);
    }

    private static SlowClientPolicy.Blocked writing(int id, String address, long blocked, long age, long bytes) {
        return new SlowClientPolicy.Blocked(id, address, false, blocked, age, bytes);
    }

    @Test
    void promptClientsAreNeverCutHoweverMany() {
        List<SlowClientPolicy.Blocked> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // Fast bodies (past 10 s too), answers waiting a moment: a busy, healthy gateway.
            many.add(
                    i % 3 == 0
                            ? reading(i, "10.0.0.1", S / 100, 5 * S, 5_000)
                            : i % 3 == 1
                                    ? reading(i, "10.0.0.1", S / 100, 30 * S, 30_000_000)
                                    : writing(i, "10.0.0.1", S, 30 * S, 1));
        }
        assertEquals(Set.of(), SlowClientPolicy.toCut(many, limits(0, 0)));
    }

    @Test
    void oneReadOrWriteBlockedPastTheTimeoutIsCutWhateverTheBudget() {
        // nginx's client_body_timeout and send_timeout: 60 s.
        List<SlowClientPolicy.Blocked> two =
                List.of(reading(0, "a", 61 * S, 61 * S, 0), writing(1, "b", 60 * S, 90 * S, 5));
        assertEquals(Set.of(0, 1), SlowClientPolicy.toCut(two, limits(50, 8)));
    }

    @Test
    void slowClientsOfOneAddressBeyondItsShareAreCutTheSlowestFirst() {
        List<SlowClientPolicy.Blocked> blocked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Blocked 3 s each; the higher the id, the more it has sent.
            blocked.add(reading(i, "203.0.113.9", 3 * S, 20 * S, i * 1000L));
        }
        blocked.add(reading(9, "198.51.100.1", 3 * S, 20 * S, 0)); // another address, within its share
        assertEquals(Set.of(0, 1), SlowClientPolicy.toCut(blocked, limits(50, 3)));
    }

    @Test
    void slowClientsTogetherBeyondTheBudgetAreCutTheSlowestFirst() {
        List<SlowClientPolicy.Blocked> blocked = List.of(
                writing(0, "a", 5 * S, 20 * S, 100_000),
                writing(1, "b", 5 * S, 20 * S, 10),
                writing(2, "c", 5 * S, 20 * S, 50_000),
                writing(3, "d", 1 * S, 20 * S, 0)); // not slow: blocked for less than 2 s
        assertEquals(Set.of(1), SlowClientPolicy.toCut(blocked, limits(2, 8)));
    }

    @Test
    void aTrickledBodyIsSlowPastTheGraceEvenBetweenItsBytesHoweverItIsPaced() {
        // One byte a second, or 1.1 KB/s in small pieces (attacker review 182): never blocked 2 s
        // at once, but waited on past the grace below the floor (64 KiB/s).
        assertEquals(Set.of(0), SlowClientPolicy.toCut(List.of(reading(0, "a", S / 2, 20 * S, 20)), limits(0, 8)));
        assertEquals(Set.of(0), SlowClientPolicy.toCut(List.of(reading(0, "a", S / 10, 20 * S, 22_528)), limits(0, 8)));
        // Within the grace it is not, nor a fast upload however long (attacker review 185).
        assertEquals(Set.of(), SlowClientPolicy.toCut(List.of(reading(0, "a", S / 2, 9 * S, 9)), limits(0, 8)));
        assertEquals(
                Set.of(), SlowClientPolicy.toCut(List.of(reading(0, "a", S / 10, 60 * S, 600_000_000)), limits(0, 0)));
        // Holding a thread costs bandwidth: of two trickles, the faster is kept.
        assertEquals(
                Set.of(1),
                SlowClientPolicy.toCut(
                        List.of(reading(0, "a", S / 10, 20 * S, 1_000_000), reading(1, "b", S / 10, 20 * S, 22_528)),
                        limits(1, 8)));
        // An answer's pace is the backend's too (an event stream): only blocking counts there.
        assertEquals(Set.of(), SlowClientPolicy.toCut(List.of(writing(0, "a", S / 2, 20 * S, 20)), limits(0, 8)));
    }

    @Test
    void manyAddressesCannotPushASharedAddressesFasterClientsOut() {
        // Attacker review 185: ranking addresses by how many they hold let a client with many
        // addresses (a /48 has 65,536 /64s) cut a NAT's clients, however fast.
        List<SlowClientPolicy.Blocked> blocked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            blocked.add(writing(i, "198.51.100.7", 3 * S, 20 * S, 900_000)); // one NAT, three users
        }
        for (int i = 3; i < 6; i++) {
            blocked.add(writing(i, "2001:db8:" + i + "::1", 3 * S, 20 * S, 10)); // three /64s, near nothing
        }
        assertEquals(Set.of(3, 4, 5), SlowClientPolicy.toCut(blocked, limits(3, 8)));
    }

    @Test
    void anIpv6ClientsSharesItsSlash64() {
        assertEquals("2001:db8:0:1::/64", SlowClientPolicy.key("2001:db8:0:1:aaaa::1"));
        assertEquals("2001:db8:0:1::/64", SlowClientPolicy.key("2001:0db8:0000:0001:ffff:ffff:ffff:fffe"));
        assertEquals("2001:db8:0:1::/64", SlowClientPolicy.key("[2001:db8:0:1::9]"));
        assertEquals("203.0.113.5", SlowClientPolicy.key("203.0.113.5"));
        List<SlowClientPolicy.Blocked> blocked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            blocked.add(writing(i, "2001:db8:0:1::" + (i + 1), 3 * S, 20 * S, i * 1000L));
        }
        assertEquals(Set.of(0, 1), SlowClientPolicy.toCut(blocked, limits(50, 2)), "four addresses, one client");
    }
}
