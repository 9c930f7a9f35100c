package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.UpstreamSpec.HashOn;
import com.gitinsight.gateway.config.UpstreamSpec.HashPolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.commons.codec.digest.XXHash32;

/**
 * Kong's {@code consistent-hashing} ({@code kong/runloop/balancer/consistent_hashing.lua}), built
 * as Kong builds it so that a key reaches the address it reaches on Kong: a continuum of
 * {@code slots} points (at least 1000); each address, in Kong's order (targets by name and port,
 * addresses by {@code ip:port}), takes {@code floor(weight / total * targets * 160)} points (at
 * least one), each at {@code xxhash32("ip::port i") % points}, a taken point passing its turn to
 * the address's next; a key lands at {@code xxhash32(key) % points} and goes to the first usable
 * address from there downwards. Adding or removing one of n targets moves about 1/n of the keys.
 * A request without a key hashes the empty key, as Kong's balancer does
 * ({@code get_value_to_hash(...) or ""}): every such request goes to one address.
 */
public final class ConsistentHashBalancer implements Balancer {

    private static final Logger LOG = Logger.getLogger(ConsistentHashBalancer.class.getName());

    /** Kong's SERVER_POINTS: each target's points when all weigh the same. */
    private static final int SERVER_POINTS = 160;

    /** Kong's smallest continuum: fewer slots are taken as this many. */
    private static final int MIN_POINTS = 1000;

    private final List<Target> targets;
    private final HashPolicy policy;
    /** Kong's continuum, point 1 at index 0: the address owning each point, or null. */
    private final Target[] continuum;

    private final int owned;
    /** The addresses that own a point (weight 0 and starved ones never do): what a pick can return. */
    private final Target[] owners;

    /** A ring for {@code targets} as many configured targets (each address its own target). */
    public ConsistentHashBalancer(List<Target> targets, HashPolicy policy) {
        this(targets, policy, configuredTargets(targets));
    }

    /**
     * {@code targets}: the addresses; {@code configuredTargets}: how many targets the upstream
     * names (Kong's {@code #balancer.targets}, whatever each resolves to).
     */
    public ConsistentHashBalancer(List<Target> targets, HashPolicy policy, int configuredTargets) {
        this.targets = List.copyOf(targets);
        this.policy = policy;
        int points = policy.slots() >= MIN_POINTS ? policy.slots() : MIN_POINTS;
        continuum = new Target[points];
        List<Target> ordered = new ArrayList<>(this.targets);
        ordered.sort(Comparator.comparing(Target::name)
                .thenComparingInt(Target::port)
                .thenComparing(t -> ip(t) + ":" + t.port()));
        long totalWeight = 0;
        for (Target t : ordered) {
            totalWeight += t.weight();
        }
        int taken = 0;
        int starved = 0;
        List<Target> owning = new ArrayList<>();
        for (Target t : ordered) {
            if (t.weight() <= 0) {
                continue;
            }
            long entries = (long) Math.floor((double) t.weight() / totalWeight * configuredTargets * SERVER_POINTS);
            if (entries == 0) {
                entries = 1;
            }
            String prefix = ip(t) + "::" + t.port() + " ";
            int own = 0;
            // Kong gives up on an address after as many tries as the ring has points; a full ring
            // ends the build (a ring too small for its targets would otherwise spin on collisions).
            for (long i = 1; i <= entries && i <= points && taken < points; i++) {
                int index = index(prefix + i, points);
                if (continuum[index] == null) {
                    continuum[index] = t;
                    taken++;
                    own++;
                } else {
                    entries++; // Kong moves the point on to the address's next
                }
            }
            if (own == 0) {
                starved++;
            } else {
                owning.add(t);
            }
        }
        if (starved > 0) {
            // Kong refuses such a ring ("requires more entries ... increase the wheel size"); here the
            // addresses that fit are used, the others are never picked until slots is raised.
            int none = starved;
            LOG.severe(() -> "consistent-hashing: " + none + " of " + ordered.size() + " addresses own no point of a"
                    + " ring of " + points + " slots and are never picked; raise the upstream's slots (about 160"
                    + " a target)");
        }
        owned = taken;
        owners = owning.toArray(Target[]::new);
    }

    /** Kong's {@code address.ip}: an IPv6 address bracketed. */
    private static String ip(Target t) {
        String host = t.host();
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static int configuredTargets(List<Target> targets) {
        Set<String> named = new HashSet<>();
        for (Target t : targets) {
            named.add(t.name() + ":" + t.port());
        }
        return Math.max(1, named.size());
    }

    /** Kong's {@code xxhash32(value) % points} (0-based): luaxxhash's signed result, Lua's floored modulo. */
    static int index(String value, int points) {
        XXHash32 hash = new XXHash32();
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        hash.update(bytes, 0, bytes.length);
        return Math.floorMod((int) hash.getValue(), points);
    }

    @Override
    public Target pick(PickRequest request, List<Target> tried) {
        if (owned == 0 || !anyAvailable()) {
            // Kong's getPeer returns at once when no target is healthy; walking a ring of up to
            // 65,536 slots for every request while all are out was a cost an outage's traffic
            // paid per request (helper review 263).
            return null;
        }
        int index = index(key(request), continuum.length);
        Target fallback = null;
        // Kong walks the continuum once, downwards from the key's point.
        for (int step = 0; step < continuum.length; step++) {
            Target t = continuum[index];
            if (t != null && t.available()) {
                if (tried.isEmpty() || !tried.contains(t)) {
                    return t;
                }
                if (fallback == null) {
                    fallback = t;
                }
            }
            index = index == 0 ? continuum.length - 1 : index - 1;
        }
        return fallback;
    }

    private boolean anyAvailable() {
        for (Target t : owners) {
            if (t.available()) {
                return true;
            }
        }
        return false;
    }

    private String key(PickRequest request) {
        String key = request.hashValue(policy.on(), policy.onName());
        if (key == null && policy.fallback() != HashOn.NONE) {
            key = request.hashValue(policy.fallback(), policy.fallbackName());
        }
        return key == null ? "" : key;
    }

    /** The points owned (for tests). */
    int size() {
        return owned;
    }

    /** The points {@code target} owns (for tests). */
    int pointsOf(Target target) {
        int n = 0;
        for (Target t : continuum) {
            if (t == target) {
                n++;
            }
        }
        return n;
    }

    @Override
    public List<Target> targets() {
        return targets;
    }
}
