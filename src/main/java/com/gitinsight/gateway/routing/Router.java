package com.gitinsight.gateway.routing;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Kong's route selection, built once per configuration: a plain path equal to the whole request
 * path first, then regex paths by {@code regex_priority} (then file order), then the longest plain
 * prefix; among equals, routes with more conditions (methods, hosts, headers) first. Regexes are
 * compiled at load; matching allocates only the result.
 */
public final class Router {

    private final Map<String, List<Candidate>> exact;
    private final List<Candidate> ordered;
    private final Map<String, ServiceSpec> services;

    private Router(Map<String, List<Candidate>> exact, List<Candidate> ordered, Map<String, ServiceSpec> services) {
        this.exact = exact;
        this.ordered = ordered;
        this.services = services;
    }

    public static Router build(GatewayConfig config) {
        List<Candidate> all = new ArrayList<>();
        for (RouteSpec route : config.routes()) {
            Conditions conditions = new Conditions(route);
            if (route.paths().isEmpty()) {
                all.add(new Candidate(route, null, conditions));
            }
            for (RouteSpec.RoutePath path : route.paths()) {
                all.add(new Candidate(route, path, conditions));
            }
        }
        all.sort(PRIORITY);
        Map<String, List<Candidate>> exact = new HashMap<>();
        for (Candidate c : all) {
            if (c.path != null && !c.path.isRegex()) {
                exact.computeIfAbsent(c.prefix, k -> new ArrayList<>()).add(c);
            }
        }
        exact.replaceAll((k, v) -> List.copyOf(v));
        Map<String, ServiceSpec> services = new HashMap<>();
        for (ServiceSpec s : config.services()) {
            services.put(s.name(), s);
        }
        return new Router(Map.copyOf(exact), List.copyOf(all), Map.copyOf(services));
    }

    /** The route for this request, or null: the caller answers 404. */
    public RouteMatch match(RequestFacts request) {
        String path = request.path();
        List<Candidate> exactHits = exact.get(path);
        if (exactHits != null) {
            for (Candidate c : exactHits) {
                if (c.conditions.matches(request)) {
                    return result(c.route, path, path.length());
                }
            }
        }
        for (Candidate c : ordered) {
            int matchedLength = c.matchedLength(path);
            if (matchedLength >= 0 && c.conditions.matches(request)) {
                return result(c.route, path, matchedLength);
            }
        }
        return null;
    }

    private RouteMatch result(RouteSpec route, String path, int matchedLength) {
        String remainder = route.stripPath() ? path.substring(matchedLength) : path;
        ServiceSpec service = services.get(route.service());
        return new RouteMatch(route, service, join(service.path(), remainder));
    }

    /** Kong path_handling v0: concatenate, collapsing the slash where both sides have one. */
    static String join(String servicePath, String remainder) {
        if (servicePath == null || servicePath.isEmpty()) {
            if (remainder.isEmpty()) {
                return "/";
            }
            return remainder.charAt(0) == '/' ? remainder : "/" + remainder;
        }
        if (remainder.isEmpty()) {
            return servicePath;
        }
        boolean left = servicePath.charAt(servicePath.length() - 1) == '/';
        boolean right = remainder.charAt(0) == '/';
        if (left && right) {
            return servicePath + remainder.substring(1);
        }
        return servicePath + remainder;
    }

    private static final Comparator<Candidate> PRIORITY = Comparator
            .comparingInt(Candidate::tier)
            .thenComparing(Comparator.comparingInt((Candidate c) -> c.tier() == 0 ? c.route.regexPriority() : 0).reversed())
            .thenComparing(Comparator.comparingInt((Candidate c) -> c.tier() == 1 ? c.prefix.length() : 0).reversed())
            .thenComparing(Comparator.comparingInt((Candidate c) -> c.conditions.count).reversed())
            .thenComparingInt(c -> c.route.order());

    private static final class Candidate {
        final RouteSpec route;
        final RouteSpec.RoutePath path;
        final Conditions conditions;
        /** A plain path as requests are normalised ({@code /n//admin} is {@code /n/admin}), or null. */
        final String prefix;

        Candidate(RouteSpec route, RouteSpec.RoutePath path, Conditions conditions) {
            this.route = route;
            this.path = path;
            this.conditions = conditions;
            this.prefix = path == null || path.isRegex() ? null : normalized(path.raw());
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

        /** 0 regex, 1 plain prefix, 2 no path at all. */
        int tier() {
            return path == null ? 2 : path.isRegex() ? 0 : 1;
        }

        /** Length of the request path this candidate matched (to strip), or -1. */
        int matchedLength(String requestPath) {
            if (path == null) {
                return 0;
            }
            if (path.isRegex()) {
                Matcher m = path.regex().matcher(requestPath);
                return m.lookingAt() ? m.end() : -1;
            }
            return requestPath.startsWith(prefix) ? prefix.length() : -1;
        }
    }

    /** The non-path conditions of a route, pre-processed for matching. */
    private static final class Conditions {
        final RouteSpec route;
        final HostMatcher hosts;
        final int count;

        Conditions(RouteSpec route) {
            this.route = route;
            this.hosts = new HostMatcher(route.hosts());
            this.count = (route.methods().isEmpty() ? 0 : 1) + (route.hosts().isEmpty() ? 0 : 1)
                    + route.headers().size();
        }

        boolean matches(RequestFacts request) {
            if (!route.methods().isEmpty() && !route.methods().contains(request.method())) {
                return false;
            }
            if (!hosts.isEmpty() && !hosts.matches(request.host())) {
                return false;
            }
            for (Map.Entry<String, List<RouteSpec.HeaderValue>> h : route.headers().entrySet()) {
                if (!anyHeaderValueMatches(request.headers(h.getKey()), h.getValue())) {
                    return false;
                }
            }
            return true;
        }

        private static boolean anyHeaderValueMatches(Enumeration<String> values, List<RouteSpec.HeaderValue> wanted) {
            if (values == null) {
                return false;
            }
            while (values.hasMoreElements()) {
                String value = values.nextElement();
                for (RouteSpec.HeaderValue w : wanted) {
                    if (w.matches(value)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
