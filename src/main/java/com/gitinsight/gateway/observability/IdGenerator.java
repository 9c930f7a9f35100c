package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.config.PluginFields;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes and checks request and correlation ids. UUIDs come from the thread's own random generator
 * (UUID.randomUUID would serialize requests on one SecureRandom); ids trace, they do not protect.
 */
public final class IdGenerator {

    /** Kong's generators. */
    public enum Kind {
        UUID,
        UUID_COUNTER,
        TRACKER
    }

    /** Longest incoming id kept; longer ones are replaced. */
    static final int MAX_LENGTH = 200;

    private final String node = random().toString();
    /** uuid#counter's own count: Kong's ends #1, #2... for the ids it makes, nothing else. */
    private final AtomicLong counter = new AtomicLong();

    private final AtomicLong tracked = new AtomicLong();
    private final long pid = ProcessHandle.current().pid();
    private final String host;

    public IdGenerator(String host) {
        this.host = host;
    }

    static Kind kind(PluginFields f, String fallback) {
        return switch (f.oneOfText("generator", fallback)) {
            case "uuid" -> Kind.UUID;
            case "uuid#counter" -> Kind.UUID_COUNTER;
            case "tracker" -> Kind.TRACKER;
            default -> {
                f.error("generator", "expected one of: uuid, uuid#counter, tracker");
                yield Kind.UUID;
            }
        };
    }

    public String next(Kind kind) {
        return next(kind, null);
    }

    /** As {@link #next(Kind)}; {@code request} gives tracker its local address and port (null: the host, 0). */
    public String next(Kind kind, jakarta.servlet.ServletRequest request) {
        return switch (kind) {
            case UUID -> random().toString();
            // Kong: one UUID per worker, then a counter.
            case UUID_COUNTER -> node + "#" + counter.incrementAndGet();
            case TRACKER -> tracker(request);
        };
    }

    /**
     * Kong's tracker: {@code server_addr-server_port-pid-connection-connection_requests-now}, now
     * in seconds with three decimals. The connection's serial is not known to a servlet: the
     * worker thread's id stands for it, a per-node count for its requests.
     */
    private String tracker(jakarta.servlet.ServletRequest request) {
        long now = System.currentTimeMillis();
        long millis = now % 1000;
        return (request == null ? host : addr(request.getLocalAddr())) + "-"
                + (request == null ? 0 : request.getLocalPort())
                + "-" + pid + "-" + Thread.currentThread().getId() + "-" + tracked.incrementAndGet() + "-" + now / 1000
                + "." + (millis < 10 ? "00" : millis < 100 ? "0" : "") + millis;
    }

    /** The compact form of a socket's address, without a zone id (ids carry no '%'). */
    private static String addr(String local) {
        int zone = local.indexOf('%');
        String bare = zone < 0 ? local : local.substring(0, zone);
        return com.google.common.net.InetAddresses.isInetAddress(bare)
                ? com.google.common.net.InetAddresses.toAddrString(com.google.common.net.InetAddresses.forString(bare))
                : bare;
    }

    /** A version-4 UUID from this thread's generator (no lock shared by requests, as {@code UUID.randomUUID} has). */
    public static UUID random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo);
    }

    /**
     * An incoming correlation id kept, as Kong keeps any non-empty one ("my very personal id",
     * an AWS trace header's {@code Root=...;Parent=...}): not blank, bounded, no control character.
     */
    public static boolean kept(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** An incoming id worth keeping: present, bounded, and only characters safe in logs and headers. */
    public static boolean wellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == ':'
                    || c == '#'
                    || c == '@'
                    || c == '/'
                    || c == '+'
                    || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
