package com.gitinsight.gateway.routing;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Kong's route selection ({@code router_flavor = traditional_compatible}, the default), built once
 * per configuration. Each route becomes one candidate per path (or one without a path), and the
 * candidates are tried in Kong's priority order ({@code kong/router/transform.lua},
 * {@code get_priority}), highest first:
 * <ol>
 * <li>how many kinds of condition the route has (methods, hosts, headers, snis, paths; snis only
 * for a request that did not come over TLS to the gateway, see {@link #tlsCandidates});</li>
 * <li>hosts given and none a wildcard;</li>
 * <li>the number of headers;</li>
 * <li>a regex path before a plain one, even a plain path equal to the whole request path;</li>
 * <li>among regex paths, {@code regex_priority};</li>
 * <li>among plain paths, the longer.</li>
 * </ol>
 * Kong breaks the remaining ties by route id; here (deterministically, and as the traditional
 * router and Kong's router spec expect): hosts before headers before paths before methods, then a
 * route with a host naming a port, then file order. The first candidate whose conditions all hold
 * wins. Regexes are compiled at load; matching allocates nothing but a regex matcher and the
 * result.
 */
public final class Router {

    /**
     * Kong's {@code router_flavor}: {@code traditional_compatible} (Kong 3's default) joins every
     * route's path as {@code path_handling: v0} ("v1 ... will not work under traditional_compatible");
     * {@code traditional} honours {@code v1}. Matching is the same in both here, traditional_compatible's
     * (regexes as Rust's crate reads them, where Kong's traditional router uses PCRE), except header
     * values: see {@link Conditions#lowerExact} and {@link #textHeaders}.
     */
    public enum Flavor {
        TRADITIONAL_COMPATIBLE,
        TRADITIONAL;

        /** The setting's value ({@code traditional_compatible} or {@code traditional}). */
        public static Flavor of(String name) {
            return switch (name) {
                case "traditional_compatible" -> TRADITIONAL_COMPATIBLE;
                case "traditional" -> TRADITIONAL;
                default ->
                    throw new IllegalArgumentException(
                            "router flavor '" + name + "': use traditional_compatible or traditional");
            };
        }
    }

    /** In Kong's order for a plain HTTP request: a route's snis count in its weight. */
    private final Candidate[] candidates;
    /**
     * In Kong's order for a request that came over TLS to the gateway's own listener: there Kong
     * checks the server name, which the gateway cannot, so snis count for nothing (a route meant
     * for one name must not outrank others for every name). The same array when no route has snis.
     */
    private final Candidate[] tlsCandidates;

    private final Map<String, ServiceSpec> services;
    private final boolean honoursV1;
    /**
     * traditional_compatible: the header names some route's condition reads, and whether some
     * route has hosts. Kong hands each value of those to its ATC router as text, which refuses one
     * that is not UTF-8: the whole request then matches no route (404), whichever route it was for
     * ({@code kong/router/fields.lua}, atc-router's {@code context_add_value}; helper review 312).
     */
    private final String[] textHeaders;

    private final boolean textHost;

    private Router(
            Candidate[] candidates,
            Candidate[] tlsCandidates,
            Map<String, ServiceSpec> services,
            boolean honoursV1,
            String[] textHeaders,
            boolean textHost) {
        this.candidates = candidates;
        this.tlsCandidates = tlsCandidates;
        this.services = services;
        this.honoursV1 = honoursV1;
        this.textHeaders = textHeaders;
        this.textHost = textHost;
    }

    /** Kong 3's default router ({@link Flavor#TRADITIONAL_COMPATIBLE}). */
    public static Router build(GatewayConfig config) {
        return build(config, Flavor.TRADITIONAL_COMPATIBLE);
    }

    public static Router build(GatewayConfig config, Flavor flavor) {
        boolean compatible = flavor == Flavor.TRADITIONAL_COMPATIBLE;
        Candidate[] plain = candidates(config, true, compatible);
        boolean anySnis = config.routes().stream().anyMatch(RouteSpec::snis);
        Candidate[] tls = anySnis ? candidates(config, false, compatible) : plain;
        Map<String, ServiceSpec> services = new HashMap<>();
        for (ServiceSpec s : config.services()) {
            services.put(s.name(), s);
        }
        java.util.Set<String> textHeaders = new java.util.LinkedHashSet<>();
        boolean textHost = false;
        if (compatible) {
            for (RouteSpec route : config.routes()) {
                route.headers().keySet().forEach(name -> textHeaders.add(Conditions.fold(name)));
                textHost |= !route.hosts().isEmpty();
            }
        }
        return new Router(
                plain,
                tls,
                Map.copyOf(services),
                flavor == Flavor.TRADITIONAL,
                textHeaders.toArray(new String[0]),
                textHost);
    }

    private static Candidate[] candidates(GatewayConfig config, boolean countSnis, boolean compatible) {
        List<Candidate> all = new ArrayList<>();
        for (RouteSpec route : config.routes()) {
            Conditions conditions = new Conditions(route, compatible);
            if (route.paths().isEmpty()) {
                all.add(new Candidate(route, null, 0, conditions, countSnis));
            }
            for (int i = 0; i < route.paths().size(); i++) {
                all.add(new Candidate(route, route.paths().get(i), i, conditions, countSnis));
            }
        }
        all.sort(Router::compare);
        return all.toArray(new Candidate[0]);
    }

    /**
     * A route's regex could not be decided within its work bound on this request: no route may be
     * chosen (skipping the route would fall through to another, and past its plugins).
     */
    public static final class Undecidable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Undecidable() {
            super("a route's regex could not be decided on this request within its bound", null, false, false);
        }
    }

    /**
     * The route for this request, or null: the caller answers 404.
     *
     * @throws Undecidable when a route's regex could not be decided within its bound
     */
    public RouteMatch match(RequestFacts request) {
        if ((textHeaders.length > 0 || textHost) && !readAsText(request)) {
            return null;
        }
        String path = request.path();
        MatchBudget.Budget budget = MatchBudget.forRequest(path.length());
        for (Candidate c : request.tls() ? tlsCandidates : candidates) {
            if (!c.conditions.matchesMethodAndHost(request)) {
                continue;
            }
            long matched = c.matched(path, budget);
            if (matched >= 0 && c.conditions.matchesHeaders(request, budget)) {
                return result(c, path, (int) (matched >>> 32), (int) matched);
            }
        }
        return null;
    }

    /** Whether every value Kong's ATC router would be handed is UTF-8 text (see {@link #textHeaders}). */
    private boolean readAsText(RequestFacts request) {
        if (textHost) {
            String host = request.host();
            if (host != null && request.headerText(host) == null) {
                return false;
            }
        }
        for (String name : textHeaders) {
            Enumeration<String> values = request.headers(name);
            while (values != null && values.hasMoreElements()) {
                if (request.headerText(values.nextElement()) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code start} and {@code end}: what the route's path matched. Kong strips the match's length
     * from the start of the path (atc.lua: {@code req_uri:sub(#matched_path + 1)}) and names the
     * matched text itself as the prefix ({@code match_t.prefix}): the two differ for a regex branch
     * Kong's anchoring leaves unanchored ({@code ~/v1/users|/v2/users} on {@code /t/x/v2/users}).
     */
    private RouteMatch result(Candidate c, String path, int start, int end) {
        int matchedLength = end - start;
        RouteSpec route = c.route;
        ServiceSpec service = route.service() == null ? null : services.get(route.service());
        // Kong: the service path, or "/" (also for a route without a service); what follows the matched path when
        // stripping, else the
        // request path without its leading slash (also for a route matched without a path).
        String base = service == null || service.path() == null ? "/" : service.path();
        boolean strip = route.stripPath();
        String postfix = strip && c.path != null ? path.substring(matchedLength) : path.substring(1);
        String upstream = honoursV1 && route.pathHandling() == RouteSpec.PathHandling.V1
                ? joinV1(base, strip, postfix, path)
                : joinV0(base, strip, postfix, path);
        return new RouteMatch(route, service, upstream, strip && c.path != null ? path.substring(start, end) : null);
    }

    /**
     * Kong's {@code path_handling: v0} ({@code kong/router/utils.lua}, {@code get_upstream_uri_v0}):
     * one slash between the service path and the rest, and a trailing slash only where the request
     * had one. Kong also drops a leading {@code ./} or {@code ../} from the rest; the gateway does
     * not, so such a path keeps its dot segment and is refused (see CurrentRequestFilter).
     */
    static String joinV0(String base, boolean strip, String postfix, String requestPath) {
        boolean baseSlash = base.charAt(base.length() - 1) == '/';
        if (baseSlash) {
            if (!strip) {
                return base + requestPath.substring(1);
            }
            if (postfix.isEmpty()) {
                if (base.equals("/") || requestPath.charAt(requestPath.length() - 1) == '/') {
                    return base;
                }
                return base.substring(0, base.length() - 1);
            }
            return postfix.charAt(0) == '/' ? base.substring(0, base.length() - 1) + postfix : base + postfix;
        }
        if (!strip) {
            return requestPath.equals("/") ? base : base + requestPath;
        }
        if (postfix.isEmpty()) {
            return requestPath.length() > 1 && requestPath.charAt(requestPath.length() - 1) == '/' ? base + "/" : base;
        }
        return postfix.charAt(0) == '/' ? base + postfix : base + "/" + postfix;
    }

    /**
     * Kong's {@code path_handling: v1} ({@code kong/router/traditional.lua}): the service path, then
     * the rest as it is (only a doubled slash where they meet is merged), or, without strip_path,
     * the request path without its leading slash.
     */
    static String joinV1(String base, boolean strip, String postfix, String requestPath) {
        if (!strip) {
            return base + requestPath.substring(1);
        }
        if (base.charAt(base.length() - 1) == '/' && !postfix.isEmpty() && postfix.charAt(0) == '/') {
            return base.substring(0, base.length() - 1) + postfix;
        }
        return base + postfix;
    }

    /** Kong's priority, highest first; then the tie-breakers (see the class comment). */
    private static int compare(Candidate a, Candidate b) {
        int c = Integer.compare(b.weight, a.weight);
        if (c == 0) {
            c = Boolean.compare(b.conditions.hosts.plainOnly, a.conditions.hosts.plainOnly);
        }
        if (c == 0) {
            c = Integer.compare(b.conditions.headerCount, a.conditions.headerCount);
        }
        if (c == 0) {
            c = Boolean.compare(b.isRegex(), a.isRegex());
        }
        if (c == 0 && a.isRegex()) {
            c = Integer.compare(b.route.regexPriority(), a.route.regexPriority());
        }
        if (c == 0) {
            c = Integer.compare(b.plainLength(), a.plainLength());
        }
        if (c == 0) {
            c = Integer.compare(b.category, a.category);
        }
        if (c == 0) {
            c = Boolean.compare(b.conditions.hosts.namesPort, a.conditions.hosts.namesPort);
        }
        if (c == 0) {
            c = Integer.compare(a.route.order(), b.route.order());
        }
        if (c == 0) {
            c = Integer.compare(a.pathIndex, b.pathIndex);
        }
        return c;
    }

    private static final class Candidate {
        /** The traditional router's categories, for ties: host, header, uri, method. */
        private static final int HOST = 0x40;

        private static final int HEADER = 0x20;
        private static final int URI = 0x10;
        private static final int METHOD = 0x08;

        final RouteSpec route;
        final RouteSpec.RoutePath path;
        final int pathIndex;
        final Conditions conditions;
        /** A plain path as requests are normalised ({@code /n//admin} is {@code /n/admin}), or null. */
        final String prefix;
        /** Kong's match weight: how many of methods, hosts, headers, snis and paths the route has. */
        final int weight;

        final int category;

        Candidate(RouteSpec route, RouteSpec.RoutePath path, int pathIndex, Conditions conditions, boolean countSnis) {
            this.route = route;
            this.path = path;
            this.pathIndex = pathIndex;
            this.conditions = conditions;
            this.prefix = path == null || path.isRegex() ? null : normalized(path.raw());
            boolean methods = !route.methods().isEmpty();
            boolean hosts = !route.hosts().isEmpty();
            boolean headers = !route.headers().isEmpty();
            // snis count though they are not matched here (Kong's get_priority; on plain HTTP its
            // expression passes them, so the weight is all they change: helper review 213).
            this.weight = (methods ? 1 : 0)
                    + (hosts ? 1 : 0)
                    + (headers ? 1 : 0)
                    + (countSnis && route.snis() ? 1 : 0)
                    + (path != null ? 1 : 0);
            this.category =
                    (hosts ? HOST : 0) | (headers ? HEADER : 0) | (path != null ? URI : 0) | (methods ? METHOD : 0);
        }

        /**
         * Requests are matched normalised, so a route path must be too, or a route written
         * {@code /n/./admin} (or {@code /%7Euser}) would never match and its plugins never run.
         */
        private static String normalized(String raw) {
            try {
                return RequestPath.normalize(raw);
            } catch (RequestPath.BadPath e) {
                return raw;
            }
        }

        boolean isRegex() {
            return path != null && path.isRegex();
        }

        int plainLength() {
            return prefix == null ? 0 : prefix.length();
        }

        /** Length of the request path this candidate matched (to strip), or -1. */
        /** Where the route's path matched, as {@code start << 32 | end}, or -1 when it did not. */
        long matched(String requestPath, MatchBudget.Budget budget) {
            if (path == null) {
                return 0;
            }
            if (path.isRegex()) {
                // Kong strips the match's length from the start (atc.lua: req_uri:sub(#matched_path + 1)).
                // Bounded: Kong's regex engine is linear, Java's backtracks (a route's (.*)/(.*)/x on
                // a long path held a request thread for minutes, or overflowed its stack).
                try {
                    Matcher m = MatchBudget.found(path.regex(), requestPath, budget);
                    return m == null ? -1 : (long) m.start() << 32 | m.end();
                } catch (MatchBudget.Spent e) {
                    throw new Undecidable();
                }
            }
            return requestPath.startsWith(prefix) ? prefix.length() : -1;
        }
    }

    /** The non-path conditions of a route, pre-processed for matching (arrays: no iterators per request). */
    private static final class Conditions {
        final HostMatcher hosts;
        final int headerCount;
        private final Set<String> methods;
        /**
         * Each header the route names, as written: two spellings of one name ({@code x-a} and
         * {@code X_A}) are two conditions, both to hold, as Kong's expression joins them (and its
         * priority counts both: helper review 312).
         */
        private final String[] headerNames;

        private final RouteSpec.HeaderValue[][] headerValues;
        /**
         * traditional_compatible: each exact value lower-cased as Kong's transform does it (Lua's
         * {@code lower()}, ASCII letters only), for the request's value lower-cased as its ATC
         * router does ({@code lower()}: Rust's {@code to_lowercase}, every letter). Null for the
         * traditional router, which folds ASCII on both sides.
         */
        private final String[][] lowerExact;

        /** {@code compatible}: traditional_compatible, whose priority reads {@code hosts: []} as plain hosts. */
        Conditions(RouteSpec route, boolean compatible) {
            this.hosts = new HostMatcher(
                    route.hosts(), compatible && route.entity().givenEmpty().contains("hosts"));
            this.methods = route.methods();
            this.headerCount = Math.min(route.headers().size(), 255);
            String[] written = route.headers().keySet().toArray(new String[0]);
            this.headerNames = new String[written.length];
            this.headerValues = new RouteSpec.HeaderValue[written.length][];
            this.lowerExact = compatible ? new String[written.length][] : null;
            for (int i = 0; i < written.length; i++) {
                headerNames[i] = fold(written[i]);
                headerValues[i] = route.headers().get(written[i]).toArray(new RouteSpec.HeaderValue[0]);
                if (compatible) {
                    lowerExact[i] = new String[headerValues[i].length];
                    for (int j = 0; j < headerValues[i].length; j++) {
                        String exact = headerValues[i][j].exact();
                        lowerExact[i][j] = exact == null ? null : RouteSpec.HeaderValue.asciiLower(exact);
                    }
                }
            }
        }

        /** A header name as the request is asked for it: lower case, {@code _} read as {@code -} (Kong's field name). */
        static String fold(String name) {
            return name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        boolean matchesMethodAndHost(RequestFacts request) {
            if (!methods.isEmpty() && !methods.contains(request.method())) {
                return false;
            }
            return hosts.isEmpty() || hosts.matches(request);
        }

        boolean matchesHeaders(RequestFacts request, MatchBudget.Budget budget) {
            for (int i = 0; i < headerNames.length; i++) {
                Enumeration<String> values = request.headers(headerNames[i]);
                boolean any = lowerExact == null
                        ? anyHeaderValueMatches(request, values, headerValues[i], budget)
                        : anyLoweredValueMatches(request, values, headerValues[i], lowerExact[i], budget);
                if (!any) {
                    return false;
                }
            }
            return true;
        }

        /**
         * traditional_compatible, as Kong's ATC router compares: the request's value as UTF-8 text
         * (the router answered no route for one that is not), lower-cased in full as Rust does
         * ({@link RustLowerCase}; so {@code JOSÉ}
         * matches a route's {@code josé}, and the Kelvin sign is a {@code k}), against the route's
         * value lower-cased in ASCII only (a route written {@code JOSÉ} matches nothing, as on Kong).
         */
        private static boolean anyLoweredValueMatches(
                RequestFacts request,
                Enumeration<String> values,
                RouteSpec.HeaderValue[] wanted,
                String[] lowerExact,
                MatchBudget.Budget budget) {
            if (values == null) {
                return false;
            }
            while (values.hasMoreElements()) {
                String value = values.nextElement();
                String utf8 = request.headerText(value);
                if (utf8 == null) {
                    continue; // not reached: Router.readAsText answered no route
                }
                // ASCII (the same string back): its letters lower-cased alone, allocating only when
                // one is a capital. Else the whole value as Rust lower-cases it.
                String lowered =
                        utf8 == value ? com.google.common.base.Ascii.toLowerCase(value) : RustLowerCase.of(utf8);
                for (int j = 0; j < wanted.length; j++) {
                    if (wanted[j].regex() == null) {
                        if (lowerExact[j].equals(lowered)) {
                            return true;
                        }
                        continue;
                    }
                    if (found(wanted[j].regex(), lowered, budget)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** A {@code ~*} regex found in a lower-cased value, bounded as paths are (undecided: no route). */
        private static boolean found(java.util.regex.Pattern regex, String lowered, MatchBudget.Budget budget) {
            return switch (MatchBudget.find(regex, lowered, budget)) {
                case FOUND -> true;
                case UNKNOWN -> throw new Undecidable();
                default -> false;
            };
        }

        /** The traditional router: Lua's {@code lower()} on both sides, ASCII letters only. */
        private static boolean anyHeaderValueMatches(
                RequestFacts request,
                Enumeration<String> values,
                RouteSpec.HeaderValue[] wanted,
                MatchBudget.Budget budget) {
            if (values == null) {
                return false;
            }
            while (values.hasMoreElements()) {
                String value = values.nextElement();
                // Kong compares bytes: the value as UTF-8 text where it is (the container hands
                // bytes over one a character; the file's values are text).
                String utf8 = request.headerText(value);
                for (RouteSpec.HeaderValue w : wanted) {
                    if (w.regex() == null) {
                        if (w.matches(utf8, value)) {
                            return true;
                        }
                        continue;
                    }
                    // Kong's compat lower-cases the value for a ~* regex.
                    if (found(w.regex(), RouteSpec.HeaderValue.asciiLower(utf8 != null ? utf8 : value), budget)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
