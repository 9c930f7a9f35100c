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
 * address at most {@code maxSlowPerAddress}; past that the slowest are cut. A client is slow while
 * the thread is blocked on it for {@code slowAfter} at once, or (sending its body) when it has sent
 * less than {@code minBytesPerSecond} on average after {@code grace}. A prompt client is never cut
 * however many there are, and a slow one only when too many are.
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

    /** The ids to cut, in the order found (a set: each at most once). */
    static Set<Integer> toCut(List<Blocked> blocked, Limits limits) {
        Set<Integer> cut = new LinkedHashSet<>();
        List<Blocked> slow = new ArrayList<>();
        for (Blocked b : blocked) {
            if (b.blockedNanos() >= limits.timeoutNanos()) {
                cut.add(b.id()); // nginx's client_body_timeout and send_timeout
            } else if (slow(b, limits)) {
                slow.add(b);
            }
        }
        // The slowest first: a client moving bytes at all is kept over one that is not.
        slow.sort(Comparator.comparingDouble(Blocked::rate)
                .thenComparing(Comparator.comparingLong(Blocked::blockedNanos).reversed()));
        Map<String, Integer> perAddress = new HashMap<>();
        List<Blocked> kept = new ArrayList<>();
        // Walked from the fastest, so what is over a bound is the slowest of its address.
        for (int i = slow.size() - 1; i >= 0; i--) {
            Blocked b = slow.get(i);
            int n = perAddress.merge(b.address() == null ? "" : b.address(), 1, Integer::sum);
            if (n > limits.maxSlowPerAddress()) {
                cut.add(b.id());
            } else {
                kept.add(b);
            }
        }
        // kept runs from the fastest: the first maxSlow stay.
        for (int i = limits.maxSlow(); i < kept.size(); i++) {
            cut.add(kept.get(i).id());
        }
        return cut;
    }

    static boolean slow(Blocked b, Limits limits) {
        if (b.blockedNanos() >= limits.slowAfterNanos()) {
            return true;
        }
        // A trickle: blocked now, and on average too slow once past the grace. Only a body counts
        // this way; an answer's pace is the backend's (an event stream) as much as the client's.
        return b.reading() && b.ageNanos() >= limits.graceNanos() && b.rate() < limits.minBytesPerSecond();
    }
}
