package com.gitinsight.gateway.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which clients to cut off because they hold a request thread by being slow (the policy; {@link
 * ClientPace} is the mechanism). nginx waits for a client without a thread, so it only needs its
 * 60 s {@code client_body_timeout} and {@code send_timeout}; here every request that waits on its
 * client's body or on its client reading the answer holds one of a fixed set of threads, and a
 * client trickling a byte every few seconds would hold one for as long as it likes. So, beside
 * nginx's 60 s, slow clients together may hold at most {@code maxSlow} threads, and those of one
 * address (an IPv6 client's /64, which one client has whole) at most {@code maxSlowPerAddress};
 * past either, the slowest are cut. A client is slow while the thread is blocked on it for {@code
 * slowAfter} at once, or (sending its body) when it has been sending for {@code grace} below
 * {@code minBytesPerSecond} and is blocked on it now: a body trickled just fast enough never to
 * block for long is slow too, so holding a thread costs an attacker bandwidth (the faster clients
 * are kept). A client moving bytes promptly is never cut however many there are, and a slow one
 * only when too many are.
 */
final class SlowClientPolicy {

    /** The bounds; times in nanoseconds. */
    record Limits(
            int maxSlow,
            int maxSlowPerAddress,
            long timeoutNanos,
            long slowAfterNanos,
            long graceNanos,
            long minBytesPerSecond) {}

    /**
     * One request thread blocked on its client now: reading its body ({@code reading}) or writing
     * its answer; blocked for {@code blockedNanos}, {@code bytes} moved in that direction in the
     * {@code ageNanos} since the first read or write.
     */
    record Blocked(int id, String address, boolean reading, long blockedNanos, long ageNanos, long bytes) {

        /** Bytes per second so far (a client that has sent nothing yet: 0). */
        double rate() {
            return ageNanos <= 0 ? 0 : bytes * 1e9 / ageNanos;
        }
    }

    private SlowClientPolicy() {}

    /** The slowest first; of equals, the one blocked longest. */
    private static final Comparator<Blocked> SLOWEST_FIRST = Comparator.comparingDouble(Blocked::rate)
            .thenComparing(Comparator.comparingLong(Blocked::blockedNanos).reversed());

    /** The ids to cut, in the order found (a set: each at most once). */
    static Set<Integer> toCut(List<Blocked> blocked, Limits limits) {
        Set<Integer> cut = new LinkedHashSet<>();
        Map<String, List<Blocked>> byAddress = new HashMap<>();
        for (Blocked b : blocked) {
            if (b.blockedNanos() >= limits.timeoutNanos()) {
                cut.add(b.id()); // nginx's client_body_timeout and send_timeout
            } else if (slow(b, limits)) {
                byAddress
                        .computeIfAbsent(key(b.address()), k -> new ArrayList<>())
                        .add(b);
            }
        }
        List<Blocked> kept = new ArrayList<>();
        for (List<Blocked> mine : byAddress.values()) {
            mine.sort(SLOWEST_FIRST);
            // Beyond its share, an address's slowest go.
            while (mine.size() > limits.maxSlowPerAddress()) {
                cut.add(mine.remove(0).id());
            }
            kept.addAll(mine);
        }
        // Beyond the budget, the slowest everywhere go: holding a thread costs bandwidth (the rate
        // floor below makes a trickle slow however it is paced). Ranking addresses by how many they
        // hold instead let an attacker with many addresses push a shared one's fast clients out
        // (attacker review 185).
        kept.sort(SLOWEST_FIRST);
        for (int i = 0; i < kept.size() - limits.maxSlow(); i++) {
            cut.add(kept.get(i).id());
        }
        return cut;
    }

    static boolean slow(Blocked b, Limits limits) {
        if (b.blockedNanos() >= limits.slowAfterNanos()) {
            return true;
        }
        // Sending its body for a while, slower than the floor and waited on now: a trickle, however
        // it is paced (1.1 KB/s in small pieces never blocks 2 s at once). A fast upload is never
        // slow (attacker review 185: every upload past 10 s was). An answer's pace is the backend's
        // (an event stream) as much as the client's: there only blocking counts.
        return b.reading() && b.ageNanos() >= limits.graceNanos() && b.rate() < limits.minBytesPerSecond();
    }

    /** The address the per-address bound counts by: an IPv6 address's /64, an IPv4 address itself. */
    static String key(String address) {
        if (address == null) {
            return "";
        }
        if (address.indexOf(':') < 0) {
            return address;
        }
        String bare =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = bare.indexOf('%');
        if (zone >= 0) {
            bare = bare.substring(0, zone);
        }
        if (!com.google.common.net.InetAddresses.isInetAddress(bare)) {
            return address;
        }
        byte[] bytes = com.google.common.net.InetAddresses.forString(bare).getAddress();
        if (bytes.length != 16) {
            return address; // an IPv4-mapped spelling: counted as written
        }
        java.util.Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return com.google.common.net.InetAddresses.toAddrString(java.net.InetAddress.getByAddress(bytes)) + "/64";
        } catch (java.net.UnknownHostException e) {
            return address; // 16 bytes are always an address
        }
    }
}
