package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The file's routes, nested and top-level: paths (a 1.1/2.1 file's migrated as Kong does),
 * methods, hosts, headers, protocols and path handling; nested plugins go to {@link PluginBinder}.
 * Routes are loaded ({@link #finish}) once every service is known. One instance per load.
 */
final class RouteParser {

    private static final Set<String> ROUTE = Set.of(
            "name",
            "service",
            "paths",
            "methods",
            "hosts",
            "headers",
            "strip_path",
            "preserve_host",
            "regex_priority",
            "plugins",
            "protocols",
            "path_handling",
            "ws_idle_timeout",
            "ws_ping_interval");
    private static final Set<String> ROUTE_ACCEPTED = Set.of(
            "id",
            "tags",
            "created_at",
            "updated_at",
            "https_redirect_status_code",
            "request_buffering",
            "response_buffering",
            "snis",
            "sources",
            "destinations");
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");

    private final Problems problems;
    /** A 1.1 or 2.1 file: Kong migrates paths that look like regexes to {@code ~} regexes. */
    private final boolean legacyPaths;

    private final PluginBinder plugins;
    private final List<PendingRoute> routes = new ArrayList<>();

    RouteParser(Problems problems, boolean legacyPaths, PluginBinder plugins) {
        this.problems = problems;
        this.legacyPaths = legacyPaths;
        this.plugins = plugins;
    }

    /** The ids routes were given so far (Kong's primary key is unique in a file). */
    private final java.util.Set<String> routeIds = new java.util.HashSet<>();

    /** One route: top-level ({@code parentService} null, it names its service) or nested under a service. */
    void route(Section s, String parentService) {
        route(s, parentService, null);
    }

    /** As above; {@code parentServiceId}: the parent's id, which the route may name it by. */
    void route(Section s, String parentService, String parentServiceId) {
        s.allowEntity(ROUTE, ROUTE_ACCEPTED);
        AcceptedFields.route(s);
        String name = s.checked("name", s.string("name", null), EntityNames::nameProblem);
        String id = EntityRefs.id(s);
        EntityRefs.unique(s, "routes", id, routeIds);
        if (id == null && name != null) {
            EntityRefs.uniqueDerived(s, "routes", name, routeIds);
        }
        String service = parentService;
        if (parentService != null) {
            if (EntityRefs.namesAnotherParent(s, "service", parentService, parentServiceId)) {
                s.error("service", "a route nested under a service cannot name another service");
            }
        } else {
            // Kong allows a route without a service: its plugins run, then Kong answers 503
            // (request-termination on such a route is a common health or maintenance endpoint).
            service = EntityRefs.reference(s, "service");
        }
        List<RouteSpec.RoutePath> paths = new ArrayList<>();
        for (Section.Item<String> p : s.strings("paths")) {
            String raw = legacyPaths ? RoutePaths.migrateLegacy(p.value()) : p.value();
            if (raw.isEmpty()) {
                problems.add(p.location(), p.path(), PluginFields.EMPTY);
            } else if (raw.contains("//")) {
                // Kong's typedefs.router_path, regexes included.
                problems.add(p.location(), p.path(), "must not have empty segments");
            } else if (raw.startsWith("~") && !raw.startsWith("~/")) {
                problems.add(p.location(), p.path(), "should start with: / (fixed path) or ~/ (regex path)");
            } else if (raw.startsWith("~") && RoutePaths.unsupportedByKongsRouter(raw.substring(1)) != null) {
                problems.add(
                        p.location(),
                        p.path(),
                        "Router Expression failed validation: "
                                + RoutePaths.unsupportedByKongsRouter(raw.substring(1)));
            } else if (raw.startsWith("~")) {
                try {
                    Map<String, String> groups = new java.util.HashMap<>();
                    // Kong's compat: "^" .. regex, searched (atc-router captures unanchored).
                    // Kong's router hands route regexes to Rust's regex crate, whose \w, \d, \s, \b
                    // and (?i) are Unicode-aware (a normalised path holds the characters).
                    Pattern compiled = Pattern.compile(
                            "^" + RoutePaths.javaRegex(raw.substring(1), groups), Pattern.UNICODE_CHARACTER_CLASS);
                    paths.add(new RouteSpec.RoutePath(raw, compiled, groups));
                } catch (PatternSyntaxException e) {
                    problems.add(
                            p.location(),
                            p.path(),
                            // Kong's words, the regex engine's reason in the brackets.
                            "invalid regex: '" + raw.substring(1) + "' (" + e.getDescription() + " near index "
                                    + e.getIndex() + ")"
                                    + (raw.equals(p.value())
                                            ? ""
                                            : " (in a 1.1/2.1 file a path with characters other than "
                                                    + "letters, digits and . - _ ~ / % is a regex, as Kong reads it)"));
                }
            } else if (!raw.startsWith("/")) {
                problems.add(p.location(), p.path(), "should start with: / (fixed path) or ~/ (regex path)");
            } else if (ServiceParser.badEscape(raw) != null) {
                problems.add(
                        p.location(), p.path(), "invalid url-encoded value: '" + ServiceParser.badEscape(raw) + "'");
            } else if (KongPathForm.spellsNoCharacter(raw)) {
                problems.add(
                        p.location(),
                        p.path(),
                        "escaped bytes that are not UTF-8 (or %00) match no request path: '" + raw + "'");
            } else if (!KongPathForm.normalized(raw).equals(raw)) {
                // Kong's routes schema: a plain path is matched against the normalized request path,
                // so one spelled otherwise could never match as written.
                problems.add(
                        p.location(),
                        p.path(),
                        "non-normalized path, consider use '" + KongPathForm.normalized(raw) + "' instead");
            } else {
                paths.add(new RouteSpec.RoutePath(raw, null));
            }
        }
        Set<String> methods = new java.util.LinkedHashSet<>();
        for (Section.Item<String> m : s.strings("methods")) {
            if (m.value().isEmpty()) {
                problems.add(m.location(), m.path(), PluginFields.EMPTY);
            } else if (!METHOD.matcher(m.value()).matches()) {
                problems.add(m.location(), m.path(), "invalid value: " + m.value()); // Kong's words
            } else {
                methods.add(m.value());
            }
        }
        List<String> hosts = new ArrayList<>();
        for (Section.Item<String> h : s.strings("hosts")) {
            String host = h.value();
            String problem = hostProblem(host);
            if (problem != null) {
                problems.add(h.location(), h.path(), problem);
            } else {
                hosts.add(host.toLowerCase(Locale.ROOT));
            }
        }
        Map<String, List<RouteSpec.HeaderValue>> headers = headers(s.section("headers"));
        boolean plainHttp = !s.has("protocols");
        boolean websocket = !s.has("protocols");
        if (s.node("protocols") instanceof Node.ListNode given && given.items().isEmpty()) {
            s.error("protocols", "length must be at least 1"); // Kong's routes schema: len_min = 1
        }
        boolean https = false;
        boolean http = false;
        boolean wss = false;
        boolean ws = false;
        for (Section.Item<String> p : s.strings("protocols")) {
            https |= p.value().equals("https");
            http |= p.value().equals("http");
            wss |= p.value().equals("wss");
            ws |= p.value().equals("ws");
            if (ServiceParser.PROTOCOLS.contains(p.value())) {
                plainHttp = true;
            } else if (ServiceParser.WS_PROTOCOLS.contains(p.value())) {
                websocket = true;
            } else {
                problems.add(
                        p.location(),
                        p.path(),
                        "a route's protocols are http, https, ws and wss, got '" + p.value() + "'");
            }
        }
        // Kong's http subschema: stream matchers on an HTTP route are refused, not ignored (a route
        // an operator meant for 10.0.0.0/8 alone would be open to every client).
        for (String stream : new String[] {"sources", "destinations"}) {
            if (givenNonEmpty(s, stream)) {
                s.error(stream, "cannot set '" + stream + "' when 'protocols' is 'http' or 'https'");
            }
        }
        for (Section.Item<String> sni : s.strings("snis")) {
            String problem = sniProblem(sni.value());
            if (problem != null) {
                problems.add(sni.location(), sni.path(), problem);
            }
        }
        if (givenNonEmpty(s, "snis") && s.has("protocols") && !https && !wss) {
            s.error(
                    "snis",
                    "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', 'tls_passthrough', or 'wss'");
        }
        // Upgrades are proxied on every route (as Kong and the seed's nginx do); a ws-only route refuses plain HTTP.
        RouteSpec.Streaming streaming = new RouteSpec.Streaming(
                !plainHttp && websocket,
                s.integer("ws_idle_timeout", 3_600_000, 1, Integer.MAX_VALUE),
                s.integer("ws_ping_interval", 0, 0, Integer.MAX_VALUE));
        String pathHandlingName = s.string("path_handling", "v0");
        RouteSpec.PathHandling pathHandling = RouteSpec.PathHandling.V0;
        if ("v1".equals(pathHandlingName)) {
            pathHandling = RouteSpec.PathHandling.V1;
        } else if (!"v0".equals(pathHandlingName)) {
            s.error("path_handling", "expected one of: v0, v1"); // Kong's words
        }
        if (paths.isEmpty()
                && methods.isEmpty()
                && hosts.isEmpty()
                && headers.isEmpty()
                && !givenNonEmpty(s, "paths")
                && !givenNonEmpty(s, "methods")
                && !givenNonEmpty(s, "hosts")
                && !givenNonEmpty(s, "headers")) {
            // An empty list is not set, as Kong's is_nonempty reads it: such a route matched every request.
            // Kong's words (routes_subschemas.lua); snis are accepted but not matched here, so a
            // route with snis alone is refused too rather than matching every request.
            String kong = https || !s.has("protocols")
                    ? "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"
                    : "must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'";
            problems.add(
                    s.location(),
                    s.path(),
                    givenNonEmpty(s, "snis")
                            // Kong loads it and matches the TLS server name; TLS ends in front of
                            // this gateway, so it cannot (helper review 163: the message named snis
                            // as missing while it was set).
                            ? kong + " (this gateway does not match 'snis': TLS ends in front of it;"
                                    + " give 'hosts' with the same names)"
                            : kong);
        }
        // Kong's routes schema: required, with defaults.
        s.requiredWhenGiven(
                "protocols",
                "strip_path",
                "preserve_host",
                "https_redirect_status_code",
                "request_buffering",
                "response_buffering");
        boolean strip = s.bool("strip_path", true);
        boolean preserve = s.bool("preserve_host", false);
        int priority = (int) s.integer("regex_priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        PendingRoute added = new PendingRoute(
                s, name, service, paths, methods, hosts, headers, strip, preserve, priority, streaming, pathHandling);
        routes.add(added);
        added.id = id;
        // Kong's runloop: a route with https and not http answers a plain HTTP request itself (a
        // wss-only route likewise: its upgrades come over TLS or not at all).
        boolean tlsOnly = https && !http || wss && !ws && !http;
        int redirectStatus = (int) s.integer("https_redirect_status_code", 426, 0, 999);
        added.httpsRedirect = tlsOnly ? redirectStatus : 0;
        added.entity = new RouteSpec.Entity(
                s.has("protocols")
                        ? s.strings("protocols").stream()
                                .map(Section.Item::value)
                                .toList()
                        : RouteSpec.Entity.DEFAULT.protocols(),
                redirectStatus,
                s.bool("response_buffering", true),
                s.strings("tags").stream().map(Section.Item::value).toList(),
                s.strings("snis").stream().map(Section.Item::value).toList(),
                AcceptedFields.createdAt(s),
                AcceptedFields.givenEmpty(s, "paths", "methods", "hosts", "headers", "snis", "tags"));
        added.snis = givenNonEmpty(s, "snis");
        for (Section p : s.sections("plugins")) {
            plugins.add(p, added);
        }
    }

    /**
     * What is wrong with a route's host, in Kong's words and order (routes schema: at most one
     * wildcard, then its place, then the name and port), or null.
     */
    static String hostProblem(String host) {
        if (host.isEmpty()) {
            return PluginFields.EMPTY;
        }
        int wildcard = host.indexOf('*');
        if (wildcard >= 0 && host.indexOf('*', wildcard + 1) >= 0) {
            return "invalid wildcard: must have at most one wildcard";
        }
        // A port after a trailing wildcard is taken ("route.*:123", Kong's router spec), though
        // Kong's schema patterns would refuse it: a file its router specs use must load.
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > 0
                && colon < host.length() - 1
                && host.substring(colon + 1).chars().allMatch(c -> c >= '0' && c <= '9');
        String name = hasPort ? host.substring(0, colon) : host;
        if (wildcard >= 0 && !name.startsWith("*.") && !name.endsWith(".*")) {
            return "invalid wildcard: must be placed at leftmost or rightmost label";
        }
        // Kong's check_hostname: a port of digits at most 65535, then letters, digits, - . _ in
        // labels none of which ends with '-' nor is empty (but a last one: a rooted name).
        if (hasPort && (host.length() - colon - 1 > 5 || Integer.parseInt(host.substring(colon + 1)) > 65535)) {
            return "invalid port number";
        }
        String[] labels = name.replace('*', 'w').split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            boolean empty = label.isEmpty() && (i < labels.length - 1 || labels.length == 1);
            if (empty || label.endsWith("-") || !label.chars().allMatch(RouteParser::hostCharacter)) {
                return "invalid hostname: " + host;
            }
        }
        return null;
    }

    private static boolean hostCharacter(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_';
    }

    /**
     * Kong's typedefs.sni (validate_sni): a host name, never an address nor with a port (06-routes_spec
     * "rejects invalid SNIs").
     */
    static String sniProblem(String sni) {
        String name = sni;
        if (sni.startsWith("[")
                || sni.chars().filter(c -> c == ':').count() > 1
                || sni.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}(:[0-9]*)?")) {
            return "must not be an IP";
        }
        int colon = sni.indexOf(':');
        if (colon >= 0) {
            return "must not have a port";
        }
        return hostProblem(name) == null ? null : "invalid value: " + sni;
    }

    private Map<String, List<RouteSpec.HeaderValue>> headers(Section h) {
        Map<String, List<RouteSpec.HeaderValue>> out = new LinkedHashMap<>();
        for (String header : h.keys()) {
            // Kong's router compares header names with '_' as '-' (x_version matches X-Version).
            String lower = header.toLowerCase(Locale.ROOT).replace('_', '-');
            String badName = KongHeaderName.problem(header);
            if (badName != null) {
                h.error(header, badName); // Kong's typedefs.headers: its keys are header names
                continue;
            }
            if ("host".equals(lower)) {
                h.error(header, "cannot contain 'host' header, which must be specified in the 'hosts' attribute");
                continue;
            }
            List<RouteSpec.HeaderValue> values = new ArrayList<>();
            for (Section.Item<String> v : h.strings(header)) {
                if (v.value().isEmpty()) {
                    problems.add(v.location(), v.path(), PluginFields.EMPTY);
                } else if (v.value().startsWith("~*")
                        && RoutePaths.unsupportedByKongsRouter(RouteSpec.HeaderValue.asciiLower(
                                        v.value().substring(2)))
                                != null) {
                    // Judged as Kong's compat hands it on: lower-cased (\\Z is \\z there).
                    problems.add(
                            v.location(),
                            v.path(),
                            "Router Expression failed validation: "
                                    + RoutePaths.unsupportedByKongsRouter(RouteSpec.HeaderValue.asciiLower(
                                            v.value().substring(2))));
                } else if (v.value().startsWith("~*")) {
                    try {
                        // Kong's compat lower-cases the pattern's text and the header's value.
                        // PCRE's spellings Java lacks ([[:digit:]], (?P<name>...)), as path regexes read them.
                        values.add(new RouteSpec.HeaderValue(
                                null,
                                Pattern.compile(
                                        RoutePaths.javaRegex(RouteSpec.HeaderValue.asciiLower(
                                                v.value().substring(2))),
                                        Pattern.UNICODE_CHARACTER_CLASS)));
                    } catch (PatternSyntaxException e) {
                        problems.add(
                                v.location(),
                                v.path(),
                                "invalid regex: '" + v.value().substring(2) + "' (" + e.getDescription() + ")");
                    }
                } else {
                    values.add(new RouteSpec.HeaderValue(v.value(), null));
                }
            }
            if (values.isEmpty()) {
                h.error(header, "needs at least one value");
            } else {
                // Kept as written: two spellings of one name are two conditions, as on Kong
                // (the router folds the names; Kong's entity lists them as given).
                out.put(header, List.copyOf(values));
            }
        }
        return out;
    }

    /**
     * The routes, in file order, once every service is known: names unique, each service
     * reference resolved; a disabled service's routes are left out.
     */
    List<RouteSpec> finish(ServiceParser services) {
        List<PendingRoute> inFileOrder = new ArrayList<>(routes);
        inFileOrder.sort(
                Comparator.comparingInt((PendingRoute r) -> line(r.section)).thenComparingInt(r -> column(r.section)));
        Map<String, Section> names = new HashMap<>();
        List<RouteSpec> out = new ArrayList<>();
        for (PendingRoute r : inFileOrder) {
            if (r.name != null) {
                Section first = names.putIfAbsent(r.name, r.section);
                if (first != null) {
                    r.section.error(
                            "name",
                            "uniqueness violation: 'routes' entity with name set to '" + r.name + "' already declared");
                }
            }
            String service = r.service == null ? null : services.name(r.service);
            if (r.service != null && service == null) {
                r.section.error(
                        "service", "invalid reference 'service: " + r.service + "' (no such entry in 'services')");
                continue;
            }
            if (service != null && services.disabled(service)) {
                continue;
            }
            r.spec = new RouteSpec(
                    r.name,
                    service,
                    r.paths,
                    r.methods,
                    r.hosts,
                    r.headers,
                    r.strip,
                    r.preserve,
                    r.priority,
                    out.size(),
                    r.streaming,
                    r.pathHandling,
                    r.id,
                    r.httpsRedirect,
                    r.section.bool("request_buffering", true),
                    r.snis,
                    r.entity);
            out.add(r.spec);
        }
        return out;
    }

    /**
     * The route a reference names (its name or its {@code id}, or the id Kong derives from its name:
     * Kong derives ids before it resolves references, as for services; helper review 318), or null.
     */
    PendingRoute find(String reference) {
        // Kong's find_entity: the name first, then the id (helper review 320).
        for (PendingRoute r : routes) {
            if (reference.equals(r.name)) {
                return r;
            }
        }
        for (PendingRoute r : routes) {
            if (reference.equals(r.id)) {
                return r;
            }
        }
        return KongIds.isUuid(reference) ? derivedIds().get(reference) : null;
    }

    /** The routes without an id by the id Kong derives from their name; made again when routes were added. */
    private java.util.Map<String, PendingRoute> derivedIds() {
        if (derivedIds == null || derivedIdsOf != routes.size()) {
            derivedIds = new java.util.HashMap<>();
            for (PendingRoute r : routes) {
                if (r.id == null && r.name != null) {
                    derivedIds.putIfAbsent(KongIds.of("routes", r.name), r);
                }
            }
            derivedIdsOf = routes.size();
        }
        return derivedIds;
    }

    private java.util.Map<String, PendingRoute> derivedIds;
    private int derivedIdsOf;

    private static int line(Section s) {
        return s.location() == null ? 0 : s.location().line();
    }

    private static int column(Section s) {
        return s.location() == null ? 0 : s.location().column();
    }

    /** A route as written; {@code spec} is set once {@link #finish} loads it. */
    static final class PendingRoute {
        final Section section;
        final String name;
        final String service;
        final List<RouteSpec.RoutePath> paths;
        final Set<String> methods;
        final List<String> hosts;
        final Map<String, List<RouteSpec.HeaderValue>> headers;
        final boolean strip;
        final boolean preserve;
        final int priority;
        final RouteSpec.Streaming streaming;
        final RouteSpec.PathHandling pathHandling;
        /** Kong's {@code id}, when the file gives one: references may use it. */
        String id;
        /** See {@link RouteSpec#httpsRedirect}. */
        int httpsRedirect;
        /** See {@link RouteSpec#snis}. */
        boolean snis;
        /** See {@link RouteSpec#entity}. */
        RouteSpec.Entity entity;

        RouteSpec spec;

        PendingRoute(
                Section section,
                String name,
                String service,
                List<RouteSpec.RoutePath> paths,
                Set<String> methods,
                List<String> hosts,
                Map<String, List<RouteSpec.HeaderValue>> headers,
                boolean strip,
                boolean preserve,
                int priority,
                RouteSpec.Streaming streaming,
                RouteSpec.PathHandling pathHandling) {
            this.section = section;
            this.pathHandling = pathHandling;
            this.streaming = streaming;
            this.name = name;
            this.service = service;
            this.paths = paths;
            this.methods = methods;
            this.hosts = hosts;
            this.headers = headers;
            this.strip = strip;
            this.preserve = preserve;
            this.priority = priority;
        }
    }

    /** Whether {@code key} is given with something in it (a field given but invalid has its own error). */
    private static boolean givenNonEmpty(Section s, String key) {
        Node n = s.node(key);
        if (n instanceof Node.ListNode l) {
            return !l.items().isEmpty();
        }
        if (n instanceof Node.MapNode m) {
            return !m.entries().isEmpty();
        }
        return s.has(key);
    }
}
