package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.runtime.RequestContext;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A backend's {@code Vary} (RFC 9111 4.1): an entry answers only requests whose values of the
 * headers it names are those of the request it was fetched for. The entry keeps a digest of those
 * values, not the values (they may be credentials).
 */
final class Variants {

    /**
     * Headers the proxy writes per client on the upstream request: the client's own copy says
     * nothing about what the backend saw, so a response varying on one is not stored.
     */
    private static final Set<String> REWRITTEN = Set.of(
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-forwarded-host",
            "x-forwarded-port",
            "x-forwarded-path",
            "x-real-ip");

    private Variants() {}

    /**
     * The header names of a response's {@code Vary} values, lower-cased and sorted; null when it
     * must not be stored ({@code Vary: *} varies on more than the request, or a rewritten header).
     */
    static List<String> names(Iterable<String> varyValues) {
        TreeSet<String> names = new TreeSet<>();
        for (String value : varyValues) {
            for (String name : value.split(",")) {
                String n = name.trim().toLowerCase(Locale.ROOT);
                if (n.equals("*") || REWRITTEN.contains(n)) {
                    return null;
                }
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * A digest of this request's values of {@code names} as the backend received them: a value an
     * auth plugin set or removed for the upstream (X-Consumer-ID, ...) rather than the client's.
     * An absent header differs from an empty one. Empty for no names.
     */
    static String digest(List<String> names, HttpServletRequest request) {
        if (names.isEmpty()) {
            return "";
        }
        Map<String, String> upstream = RequestContext.of(request).upstreamHeaders();
        Hasher h = Hashing.sha256().newHasher();
        for (String name : names) {
            if (name.equalsIgnoreCase("accept-encoding")) {
                // In the key already, as a set of codings: the raw text would make "br, gzip" and
                // "gzip, br" two variants of one key, each replacing the other (helper review 190).
                continue;
            }
            h.putString(name, StandardCharsets.UTF_8).putByte((byte) 0);
            if (upstream.containsKey(name)) {
                String v = upstream.get(name);
                h.putByte((byte) (v == null ? 1 : 2)).putString(v == null ? "" : v, StandardCharsets.UTF_8);
            } else {
                List<String> values = CacheKeys.clientValues(request, name);
                h.putByte((byte) (values.isEmpty() ? 1 : 2));
                for (String v : values) {
                    h.putString(v, StandardCharsets.UTF_8).putByte((byte) ',');
                }
            }
            h.putByte((byte) '\n');
        }
        return h.hash().toString().substring(0, 32);
    }

    /** {@code entry} (null-safe) when it may answer this request, else null. */
    static CachedResponse matching(CachedResponse entry, HttpServletRequest request) {
        if (entry == null || entry.varyNames().isEmpty()) {
            return entry;
        }
        return entry.varyDigest().equals(digest(entry.varyNames(), request)) ? entry : null;
    }
}
