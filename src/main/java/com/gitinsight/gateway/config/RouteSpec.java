package com.gitinsight.gateway.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kong route: which requests go to which service. Regex paths are compiled here, once, at load.
 * {@code order} is the route's position in the file, the router's last tie-breaker (where Kong
 * compares route ids). {@code pathHandling} is how the service path and the request path join.
 * {@code id} is the file's (null: none given). {@code service} is null for a route without one
 * (Kong runs its plugins, then answers 503). {@code httpsRedirect}: 0 when plain HTTP is served,
 * else the status a plain HTTP request gets (Kong's {@code https_redirect_status_code}, for a route
 * whose protocols have https and not http). {@code requestBuffering} is Kong's
 * {@code request_buffering}: a body of unknown length is read ahead and sent with its length.
 * {@code snis}: the route names TLS server names (not matched here: TLS ends in front of the
 * gateway), which Kong's router counts in the route's match weight all the same.
 */
public record RouteSpec(
        String name,
        String service,
        List<RoutePath> paths,
        Set<String> methods,
        List<String> hosts,
        Map<String, List<HeaderValue>> headers,
        boolean stripPath,
        boolean preserveHost,
        int regexPriority,
        int order,
        Streaming streaming,
        PathHandling pathHandling,
        String id,
        int httpsRedirect,
        boolean requestBuffering,
        boolean snis,
        Entity entity) {

    /**
     * What Kong's route entity says that routing here does not read, kept for the log record
     * (Kong's serializer writes the route entity whole): {@code protocols} as written (Kong's
     * default http, https), {@code https_redirect_status_code} (426), {@code response_buffering}
     * (true), {@code tags} and {@code snis} (each empty: none given), the file's {@code created_at}
     * (-1: none given, Kong stamps the load time), and which list or map fields the file gave
     * empty ({@code paths: []}: Kong's entity has it empty, where a field not given is absent).
     */
    public record Entity(
            List<String> protocols,
            int httpsRedirectStatusCode,
            boolean responseBuffering,
            List<String> tags,
            List<String> snis,
            long createdAt,
            Set<String> givenEmpty) {
        public static final Entity DEFAULT =
                new Entity(List.of("http", "https"), 426, true, List.of(), List.of(), -1, Set.of());

        public Entity {
            givenEmpty = Set.copyOf(givenEmpty);
            // Kong's set type: each value once, in the order first given.
            protocols = protocols.stream().distinct().toList();
            tags = tags.stream().distinct().toList();
            snis = snis.stream().distinct().toList();
        }
    }

    /**
     * Kong's {@code path_handling}: {@code V0} (the default) puts one slash between the service
     * path and the rest of the request path; {@code V1} (Kong's older join) concatenates them.
     */
    public enum PathHandling {
        V0,
        V1
    }

    /**
     * WebSocket settings: {@code websocketOnly} when the route's protocols are only ws/wss (plain
     * HTTP gets 426); {@code idleTimeoutMs} closes a connection with no frame either way for that
     * long (Kong's read timeout does not apply: a quiet socket is normal); {@code pingIntervalMs}
     * sends keep-alive pings to the client (0: none).
     */
    public record Streaming(boolean websocketOnly, long idleTimeoutMs, long pingIntervalMs) {
        public static final Streaming DEFAULT = new Streaming(false, 3_600_000, 0);
    }

    public RouteSpec {
        paths = List.copyOf(paths);
        // In the file's order: Kong's log record and admin API list them as written.
        methods = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(methods));
        hosts = List.copyOf(hosts);
        headers = Map.copyOf(headers);
        entity = entity == null ? Entity.DEFAULT : entity;
    }

    /**
     * The id Kong gives the route: the file's, else derived from its name as Kong derives it. Kong
     * gives a route with neither a random id at each load; here it is derived from its service and
     * position (a name cannot hold {@code #}), the same on every node.
     */
    public String kongId() {
        if (id != null) {
            return id;
        }
        return KongIds.of("routes", name != null ? name : service + "#" + order);
    }

    /** Name for logs and metrics: the route's name, or its position when it has none. */
    public String displayName() {
        return name != null ? name : "route#" + order;
    }

    /**
     * A path: a plain prefix, or (written with a leading {@code ~}) a regex, compiled as Kong's
     * router does: {@code ^} put before it (so an alternation is anchored on its first branch only)
     * and searched. {@code groups}: each Kong capture name Java could not take, to its Java name.
     */
    public record RoutePath(String raw, Pattern regex, Map<String, String> groups) {
        public RoutePath {
            groups = Map.copyOf(groups);
        }

        public RoutePath(String raw, Pattern regex) {
            this(raw, regex, Map.of());
        }

        public boolean isRegex() {
            return regex != null;
        }

        /** The Java name of the capture Kong names {@code name}. */
        public String javaGroup(String name) {
            return groups.getOrDefault(name, name);
        }
    }

    /**
     * A header value to match: exact (case-insensitive) or, written {@code ~*...}, a regex, which
     * Kong lower-cases, pattern and value both ({@code \S} reads as {@code \s}, as in Kong). Kong
     * compares the value's bytes with the file's UTF-8 and folds ASCII letters only, so the value
     * is read as UTF-8 text where its bytes are UTF-8 (the container hands them over one byte a
     * character): {@code josé} sent as UTF-8 matches a route written {@code josé}.
     */
    public record HeaderValue(String exact, Pattern regex) {
        /** As Kong's route entity lists it: the value, or {@code ~*} and the regex. */
        public String written() {
            return regex != null ? "~*" + regex.pattern() : exact;
        }

        /**
         * {@code utf8}: the value read as UTF-8, null when its bytes are not UTF-8 ({@code raw}: as
         * received, one byte a character).
         */
        public boolean matches(String utf8, String raw) {
            if (regex != null) {
                return regex.matcher(asciiLower(utf8 != null ? utf8 : raw)).find();
            }
            // Bytes that are not UTF-8 are no text of the file's (whose bytes always are).
            return utf8 != null && equalsAsciiIgnoreCase(exact, utf8);
        }

        /**
         * Lua's lower(), which Kong's compat applies to a {@code ~*} pattern and the value: ASCII
         * letters only (Java's would turn the Kelvin sign into 'k', and É into é: attacker review 185).
         */
        public static String asciiLower(String s) {
            return com.google.common.base.Ascii.toLowerCase(s);
        }

        /** Lua's lower() on both sides: ASCII letters fold, nothing else. */
        static boolean equalsAsciiIgnoreCase(String a, String b) {
            return com.google.common.base.Ascii.equalsIgnoreCase(a, b);
        }
    }
}
