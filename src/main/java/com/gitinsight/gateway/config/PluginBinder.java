package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The file's plugins, wherever they are written (top-level, or nested under a service, route or
 * consumer): each one's schema and {@code config}, the entities it names, the combinations Kong
 * allows and its precedence among plugins of the same name. Plugins are bound ({@link #finish})
 * once every service, route and consumer is known. One instance per load.
 */
final class PluginBinder {

    private static final Logger LOG = Logger.getLogger(PluginBinder.class.getName());

    private static final Set<String> PLUGIN =
            Set.of("name", "config", "enabled", "service", "route", "consumer", "protocols");
    private static final Set<String> PLUGIN_ACCEPTED =
            Set.of("id", "tags", "created_at", "updated_at", "instance_name");
    /** Kong's protocols, as a plugin's {@code protocols} may name them. */
    private static final Set<String> KONG_PROTOCOLS =
            Set.of("grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss");

    private final PluginRegistry registry;
    private final String file;
    private final Problems problems;
    private final List<PendingPlugin> plugins = new ArrayList<>();

    PluginBinder(PluginRegistry registry, String file, Problems problems) {
        this.registry = registry;
        this.file = file;
        this.problems = problems;
    }

    /** A plugin top-level ({@code scope} null), or nested under the service or consumer {@code scopeName}. */
    void add(Section section, PluginSpec.Scope scope, String scopeName) {
        add(section, scope, scopeName, null);
    }

    /** As above, nested under a parent whose id is {@code parentId}. */
    void add(Section section, PluginSpec.Scope scope, String scopeName, String parentId) {
        plugins.add(new PendingPlugin(section, scope, scopeName, parentId));
    }

    /** A plugin nested under a route. */
    void add(Section section, RouteParser.PendingRoute route) {
        plugins.add(new PendingPlugin(section, PluginSpec.Scope.ROUTE, null, route, null));
    }

    /**
     * Plugins with their references resolved. A plugin names up to one service, route and consumer:
     * by its place (nested under one of them) and by its own fields; Kong applies it where all of them
     * match, the most specific combination winning (consumer+route+service, consumer+route,
     * consumer+service, route+service, consumer, route, service, global).
     */
    List<PluginSpec> finish(ServiceParser services, RouteParser routes, ConsumerParser consumers) {
        Map<String, Chosen> chosen = new LinkedHashMap<>();
        Set<String> unique = new HashSet<>();
        Set<String> ids = new HashSet<>();
        Set<String> instanceNames = new HashSet<>();
        for (PendingPlugin p : plugins) {
            Section s = p.section;
            s.allowEntity(PLUGIN, PLUGIN_ACCEPTED);
            AcceptedFields.plugin(s);
            String name = s.requiredString("name");
            EntityRefs.unique(s, "plugins", EntityRefs.id(s), ids);
            String instance = s.string("instance_name", null);
            if (instance != null && !instance.isEmpty() && !instanceNames.add(instance)) {
                // Kong's endpoint key for plugins: unique in the file.
                s.error(
                        "instance_name",
                        "uniqueness violation: 'plugins' entity with instance_name set to '" + instance
                                + "' already declared");
            }
            for (Section.Item<String> protocol : s.strings("protocols")) {
                if (!KONG_PROTOCOLS.contains(protocol.value())) {
                    problems.add(
                            protocol.location(),
                            protocol.path(),
                            "expected one of: " + String.join(", ", new java.util.TreeSet<>(KONG_PROTOCOLS)));
                }
            }
            Refs refs = refs(p, services, routes, consumers);
            PluginSchema schema = name == null ? null : registry.find(name);
            if (name != null && schema == null) {
                s.error(
                        "name",
                        // Kong's words (the plugins this gateway runs are in the README).
                        "plugin '" + name + "' not enabled; add it to the 'plugins' configuration property");
            }
            if (schema == null) {
                continue;
            }
            if (!schema.acceptsStreamProtocols()) {
                for (Section.Item<String> protocol : s.strings("protocols")) {
                    if (KONG_PROTOCOLS.contains(protocol.value()) && !HTTP_PROTOCOLS.contains(protocol.value())) {
                        // Kong's protocols_http (attacker review 257: key-auth with [tls] loaded and
                        // never ran, leaving its route open).
                        problems.add(
                                protocol.location(),
                                protocol.path(),
                                "expected one of: " + String.join(", ", new java.util.TreeSet<>(HTTP_PROTOCOLS)));
                    }
                }
            }
            PluginConfig config = schema.parse(new PluginFields(s.section("config")));
            String anonymous = schema.anonymousConsumer(config);
            if (anonymous != null && consumers.findByIdOrUsername(anonymous) == null) {
                // Kong loads such a file and answers each request that would fall back to the
                // missing consumer with 500 (its specs' "errors when anonymous user doesn't
                // exist"); refusing the file would take every other route down with it.
                String at = s.location() == null ? "" : " (" + s.location() + ")";
                LOG.warning(() -> "plugin " + name + at + ": the anonymous consumer '" + anonymous
                        + "' is not in the configuration; requests that would fall back to it get 500");
            }
            if (refs == null) {
                continue;
            }
            PluginSpec.Scope scope = refs.scope();
            if (!schema.scopes().contains(scope)) {
                String field =
                        scope == PluginSpec.Scope.GLOBAL ? "name" : scope.name().toLowerCase(Locale.ROOT);
                s.error(
                        field,
                        // Kong's words for a plugin with no_consumer (no_route, no_service): the field
                        // that attaches it "must be null"; then which scopes it takes.
                        (field.equals("name") ? "" : "value must be null: ")
                                + "plugin '" + name + "' cannot be attached to a "
                                + scope.name().toLowerCase(Locale.ROOT)
                                + " (it applies to: "
                                + schema.scopes().stream()
                                        .map(x -> x.name().toLowerCase(Locale.ROOT))
                                        .collect(java.util.stream.Collectors.joining(", "))
                                + ")");
                continue;
            }
            if (!unique.add(schema.storedAs() + "|" + refs.combination())) {
                s.error("name", "plugin '" + name + "' is configured twice for the same " + refs.describe());
                continue;
            }
            s.requiredWhenGiven("enabled", "protocols"); // Kong's plugins schema: required, with defaults
            if (!s.bool("enabled", true) || refs.never()) {
                continue;
            }
            if (streamOnly(s)) {
                // Kong runs such a plugin in its stream subsystem only, never on an HTTP request
                // (helper review 253: a global ip-restriction denying all for tcp refused every request).
                // (An HTTP-only plugin naming a stream protocol is a load error, said above.)
                if (schema.acceptsStreamProtocols() || s.strings("protocols").isEmpty()) {
                    String at = s.location() == null ? "" : " (" + s.location() + ")";
                    LOG.warning(() -> "plugin " + name + at + " names no HTTP protocol: it never runs on this gateway");
                }
                continue;
            }
            PluginSpec spec = new PluginSpec(
                    schema.storedAs(),
                    scope,
                    refs.scopeName(),
                    config,
                    file + ":" + s.location() + " " + s.path(),
                    refs.within());
            // Two combinations that come to the same place (a route, and that route with its service):
            // the more specific one applies, as in Kong.
            chosen.merge(
                    schema.storedAs() + "|" + scope + "|" + refs.scopeName() + "|"
                            + (scope == PluginSpec.Scope.CONSUMER ? refs.within() : null),
                    new Chosen(spec, refs.count()),
                    (a, b) -> b.count > a.count ? b : a);
        }
        return chosen.values().stream().map(Chosen::spec).toList();
    }

    /** The protocols of HTTP requests (Kong's http subsystem); the others are its stream subsystem's. */
    private static final Set<String> HTTP_PROTOCOLS = Set.of("grpc", "grpcs", "http", "https", "ws", "wss");

    /**
     * A plugin whose {@code protocols} names no HTTP protocol: all of them streams (tcp, tls, udp,
     * tls_passthrough), or none at all ({@code []}: Kong runs a plugin only where one of its
     * protocols matches; helper review 258).
     */
    private static boolean streamOnly(Section s) {
        List<Section.Item<String>> protocols = s.strings("protocols");
        if (protocols.isEmpty()) {
            return s.node("protocols") instanceof Node.ListNode;
        }
        for (Section.Item<String> p : protocols) {
            if (HTTP_PROTOCOLS.contains(p.value())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The entities a plugin names, resolved; null when one of them does not exist (the error is
     * recorded). A reference gives an entity's name (a consumer's username or custom id) or its id.
     */
    private static Refs refs(PendingPlugin p, ServiceParser services, RouteParser routes, ConsumerParser consumers) {
        Section s = p.section;
        String service = p.scope == PluginSpec.Scope.SERVICE ? p.scopeName : null;
        String consumer = p.scope == PluginSpec.Scope.CONSUMER ? p.scopeName : null;
        RouteParser.PendingRoute route = p.route;
        boolean missing = false;
        for (String key : List.of("service", "route", "consumer")) {
            if (!s.has(key)) {
                continue;
            }
            if (p.scope != null && p.scope.name().equalsIgnoreCase(key)) {
                if (EntityRefs.namesAnotherParent(
                        s,
                        key,
                        p.scopeName,
                        p.route == null ? null : p.route.name,
                        p.route == null ? null : p.route.id,
                        p.route == null || p.route.id != null || p.route.name == null
                                ? null
                                : KongIds.of("routes", p.route.name),
                        p.parentId())) {
                    s.error(key, "a nested plugin already belongs to its parent " + key);
                }
                continue;
            }
            String ref = EntityRefs.reference(s, key);
            if (ref == null) {
                missing = true;
                continue;
            }
            String found = switch (key) {
                case "service" -> service = services.name(ref);
                case "route" -> {
                    route = routes.find(ref);
                    yield route == null ? null : ref;
                }
                default -> {
                    ConsumerParser.PendingConsumer c = consumers.find(ref);
                    consumer = c == null ? null : c.reference();
                    yield consumer;
                }
            };
            if (found == null) {
                s.error(key, "invalid reference '" + key + ": " + ref + "' (no such entry in '" + key + "s')");
                missing = true;
            }
        }
        return missing ? null : new Refs(service, route, consumer);
    }

    /** A plugin as written: nested under {@code scope}'s {@code scopeName} (or {@code route}), or top-level (null). */
    /** {@code parentId}: the id of the service or consumer it is nested under, which it may name it by. */
    private record PendingPlugin(
            Section section,
            PluginSpec.Scope scope,
            String scopeName,
            RouteParser.PendingRoute route,
            String parentId) {
        PendingPlugin(Section section, PluginSpec.Scope scope, String scopeName, String parentId) {
            this(section, scope, scopeName, null, parentId);
        }
    }

    /**
     * What a plugin names, resolved: a service (by name), a route, a consumer (by its reference), each
     * possibly null. Kong applies the plugin only where all of them match.
     */
    private record Refs(String service, RouteParser.PendingRoute route, String consumer) {

        PluginSpec.Scope scope() {
            return consumer != null
                    ? PluginSpec.Scope.CONSUMER
                    : route != null
                            ? PluginSpec.Scope.ROUTE
                            : service != null ? PluginSpec.Scope.SERVICE : PluginSpec.Scope.GLOBAL;
        }

        String scopeName() {
            return switch (scope()) {
                case CONSUMER -> consumer;
                case ROUTE -> routeName();
                case SERVICE -> service;
                case GLOBAL -> null;
            };
        }

        /**
         * A consumer's plugin that also names a route or a service applies only there; a route's
         * plugin that also names its service is marked so (Kong ranks route+service above a
         * consumer's own plugin, a route's alone below it).
         */
        PluginSpec.Within within() {
            if (consumer == null) {
                return route != null && service != null
                        ? new PluginSpec.Within(PluginSpec.Scope.SERVICE, service)
                        : null;
            }
            if (route != null) {
                return new PluginSpec.Within(PluginSpec.Scope.ROUTE, routeName());
            }
            return service == null ? null : new PluginSpec.Within(PluginSpec.Scope.SERVICE, service);
        }

        /**
         * The plugin can apply nowhere: its route is not loaded (its service is disabled), or it names a
         * route and a service the route does not belong to (Kong accepts that, and never runs it).
         */
        boolean never() {
            if (route == null) {
                return false;
            }
            return route.spec == null || service != null && !service.equals(route.spec.service());
        }

        int count() {
            return (service == null ? 0 : 1) + (route == null ? 0 : 1) + (consumer == null ? 0 : 1);
        }

        /** Kong's uniqueness of a plugin: its name with the entities it names. */
        String combination() {
            return "service=" + service + "|route=" + (route == null ? null : routeId()) + "|consumer=" + consumer;
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            if (service != null) {
                parts.add("service '" + service + "'");
            }
            if (route != null) {
                parts.add("route '" + (route.name != null ? route.name : routeName()) + "'");
            }
            if (consumer != null) {
                parts.add("consumer '" + consumer + "'");
            }
            return parts.isEmpty() ? "global scope" : String.join(" and ", parts);
        }

        private String routeName() {
            return route.spec == null ? route.name : route.spec.displayName();
        }

        private String routeId() {
            return route.name != null ? route.name : "route at " + route.section.location();
        }
    }

    private record Chosen(PluginSpec spec, int count) {}
}
