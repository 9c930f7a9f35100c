package com.gitinsight.gateway.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a Kong declarative file ({@code _format_version: "3.0"}, YAML or JSON) into a validated
 * {@link GatewayConfig}. Every problem is reported with file, line, column and field path; nothing
 * that is not understood is silently ignored.
 */
public final class KongConfigParser {

    private static final Set<String> FORMAT_VERSIONS = Set.of("1.1", "2.1", "3.0");
    private static final Set<String> TOP = Set.of("_format_version", "services", "routes", "upstreams",
            "consumers", "plugins");
    private static final Set<String> TOP_ACCEPTED = Set.of("_transform", "_comment", "_workspace", "_info");
    private static final Set<String> SERVICE = Set.of("name", "url", "protocol", "host", "port", "path",
            "retries", "connect_timeout", "write_timeout", "read_timeout", "routes", "plugins", "enabled");
    private static final Set<String> SERVICE_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at",
            "tls_verify", "tls_verify_depth", "ca_certificates", "client_certificate");
    private static final Set<String> ROUTE = Set.of("name", "service", "paths", "methods", "hosts", "headers",
            "strip_path", "preserve_host", "regex_priority", "plugins", "protocols", "path_handling",
            "ws_idle_timeout", "ws_ping_interval");
    private static final Set<String> ROUTE_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at",
            "https_redirect_status_code", "request_buffering", "response_buffering", "snis", "sources",
            "destinations");
    private static final Set<String> CONSUMER = Set.of("username", "custom_id", "jwt_secrets", "plugins");
    private static final Set<String> CONSUMER_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at");
    private static final Set<String> JWT_SECRET = Set.of("key", "secret", "algorithm", "rsa_public_key");
    private static final Set<String> JWT_SECRET_ACCEPTED = Set.of("id", "tags", "created_at");
    private static final Set<String> PLUGIN = Set.of("name", "config", "enabled", "service", "route",
            "consumer", "protocols");
    private static final Set<String> PLUGIN_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at",
            "instance_name");
    private static final Set<String> JWT_ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384",
            "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA");
    private static final Set<String> PROTOCOLS = Set.of("http", "https");
    /** Kong's WebSocket protocols: a service may name them, a route may ask for them. */
    private static final Set<String> WS_PROTOCOLS = Set.of("ws", "wss");
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Pattern HOST = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(\\.\\*)?(:\\d{1,5})?");
    private static final int MAX_TIMEOUT = Integer.MAX_VALUE - 1;

    private final PluginRegistry registry;
    private final java.util.function.UnaryOperator<String> environment;
    private final TreeReader reader = new TreeReader();
    private final SecretFields secretFields;

    public KongConfigParser(PluginRegistry registry) {
        this(registry, System::getenv);
    }

    /** {@code environment} resolves {@code {vault://env/NAME}} references (tests pass their own). */
    public KongConfigParser(PluginRegistry registry, java.util.function.UnaryOperator<String> environment) {
        this.registry = registry;
        this.environment = environment;
        this.secretFields = new SecretFields(registry);
    }

    /** Reads and validates the file at {@code path}. */
    public GatewayConfig load(Path path) throws ConfigException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(path.toString(), 0, 0, null,
                    "cannot read file: " + e)));
        }
        return parse(path.toString(), text);
    }

    /** Validates {@code text}; {@code file} names it in errors, and a {@code .json} name selects JSON. */
    public GatewayConfig parse(String file, String text) throws ConfigException {
        Problems problems = new Problems(file);
        Node root;
        try {
            boolean json = file.toLowerCase(Locale.ROOT).endsWith(".json");
            root = reader.read(text, json);
        } catch (ConfigException.Syntax e) {
            throw malformed(file, e);
        }
        root = VaultReferences.resolve(root, "", secretFields.of(root), environment, problems);
        GatewayConfig config = new Build(file, hash(text), text, problems).run(Section.of(root, "", problems));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.errors());
        }
        return config;
    }

    /**
     * The fields of {@code text} that hold secrets (paths as errors name them: {@code
     * plugins[0].config.redis.password}), whether or not the rest validates; syntax errors throw.
     */
    public Set<String> secretFields(String file, String text) throws ConfigException {
        try {
            return secretFields.of(reader.read(text, file.toLowerCase(Locale.ROOT).endsWith(".json")));
        } catch (ConfigException.Syntax e) {
            throw malformed(file, e);
        }
    }

    private static ConfigException malformed(String file, ConfigException.Syntax e) {
        Problems problems = new Problems(file);
        problems.add(e.location(), null, "malformed " + (file.endsWith(".json") ? "JSON" : "YAML") + ": " + e.getMessage());
        return new ConfigException(problems.errors());
    }

    public static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    /** The state of one parse; discarded afterwards. */
    private final class Build {
        private final String file;
        private final String hash;
        private final String text;
        private final Problems problems;
        private final List<ServiceSpec> services = new ArrayList<>();
        private final Map<String, Section> serviceSections = new HashMap<>();
        private final Set<String> disabledServices = new HashSet<>();
        private final List<PendingRoute> routes = new ArrayList<>();
        private final List<UpstreamSpec> upstreams = new ArrayList<>();
        private final List<ConsumerSpec> consumers = new ArrayList<>();
        private final List<PendingPlugin> plugins = new ArrayList<>();
        /** A 1.1 or 2.1 file: Kong migrates paths that look like regexes to {@code ~} regexes. */
        private boolean legacyPaths;

        Build(String file, String hash, String text, Problems problems) {
            this.file = file;
            this.hash = hash;
            this.text = text;
            this.problems = problems;
        }

        GatewayConfig run(Section top) {
            top.allowOnly(TOP, TOP_ACCEPTED);
            String version = top.string("_format_version", null);
            if (version == null) {
                problems.add(top.location(), "_format_version", "required field missing (use \"3.0\")");
            } else if (!FORMAT_VERSIONS.contains(version)) {
                top.error("_format_version", "unsupported format version '" + version + "' (use \"3.0\")");
            }
            legacyPaths = "1.1".equals(version) || "2.1".equals(version);
            for (Section s : top.sections("upstreams")) {
                upstream(s);
            }
            for (Section s : top.sections("services")) {
                service(s);
            }
            for (Section s : top.sections("routes")) {
                route(s, null);
            }
            for (Section s : top.sections("consumers")) {
                consumer(s);
            }
            for (Section s : top.sections("plugins")) {
                plugins.add(new PendingPlugin(s, null, null));
            }
            List<RouteSpec> routeSpecs = finishRoutes();
            List<PluginSpec> pluginSpecs = finishPlugins(routeSpecs);
            return new GatewayConfig(file, hash, text, services, routeSpecs, upstreams, consumers, pluginSpecs);
        }

        private void service(Section s) {
            s.allowOnly(SERVICE, SERVICE_ACCEPTED);
            String name = s.checked("name", s.requiredString("name"), EntityNames::nameProblem);
            id(s);
            String protocol = "http";
            String host = null;
            int port = 80;
            String path = null;
            if (s.has("url")) {
                for (String k : List.of("protocol", "host", "port", "path")) {
                    if (s.has(k)) {
                        s.error(k, "cannot be combined with 'url'");
                    }
                }
                String url = s.string("url", null);
                try {
                    URI uri = new URI(url);
                    protocol = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
                    host = uri.getHost();
                    port = uri.getPort() > 0 ? uri.getPort() : "https".equals(protocol) ? 443 : 80;
                    path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? null : uri.getRawPath();
                    if (host == null) {
                        s.error("url", "no host in '" + url + "'");
                    }
                    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                        s.error("url", "a service url takes no query or fragment");
                    }
                } catch (URISyntaxException e) {
                    s.error("url", "not a valid URL: " + e.getMessage());
                }
            } else {
                protocol = s.string("protocol", "http").toLowerCase(Locale.ROOT);
                host = s.requiredString("host");
                port = (int) s.integer("port", "https".equals(protocol) ? 443 : 80, 0, 65535);
                path = s.string("path", null);
            }
            if (protocol != null && WS_PROTOCOLS.contains(protocol)) {
                // A WebSocket service is the same backend reached over HTTP/1.1 with an upgrade.
                protocol = protocol.equals("wss") ? "https" : "http";
            }
            if (protocol == null || !PROTOCOLS.contains(protocol)) {
                s.error(s.has("url") ? "url" : "protocol", "protocol must be http, https, ws or wss, got " + protocol);
            }
            if (path != null && !path.startsWith("/")) {
                s.error(s.has("url") ? "url" : "path", "path must start with '/'");
            }
            int retries = (int) s.integer("retries", 5, 0, 32767);
            int connect = (int) s.integer("connect_timeout", 60000, 1, MAX_TIMEOUT);
            int write = (int) s.integer("write_timeout", 60000, 1, MAX_TIMEOUT);
            int read = (int) s.integer("read_timeout", 60000, 1, MAX_TIMEOUT);
            if (name == null) {
                return;
            }
            if (serviceSections.containsKey(name)) {
                s.error("name", "duplicate service name '" + name + "' (first at "
                        + serviceSections.get(name).location() + ")");
                return;
            }
            serviceSections.put(name, s);
            if (!s.bool("enabled", true)) {
                disabledServices.add(name);
            }
            services.add(new ServiceSpec(name, protocol, host, port, path, retries, connect, write, read));
            for (Section r : s.sections("routes")) {
                route(r, name);
            }
            for (Section p : s.sections("plugins")) {
                plugins.add(new PendingPlugin(p, PluginSpec.Scope.SERVICE, name));
            }
        }

        private void route(Section s, String parentService) {
            s.allowOnly(ROUTE, ROUTE_ACCEPTED);
            String name = s.checked("name", s.string("name", null), EntityNames::nameProblem);
            id(s);
            String service = parentService;
            if (parentService != null) {
                if (s.has("service")) {
                    s.error("service", "a route nested under a service cannot name another service");
                }
            } else {
                service = reference(s, "service");
                if (service == null) {
                    problems.add(s.location(), s.child("service"), "required field missing (a top-level route must name its service)");
                }
            }
            List<RouteSpec.RoutePath> paths = new ArrayList<>();
            for (Section.Item<String> p : s.strings("paths")) {
                String raw = legacyPaths ? RoutePaths.migrateLegacy(p.value()) : p.value();
                if (raw.startsWith("~")) {
                    try {
                        paths.add(new RouteSpec.RoutePath(raw, Pattern.compile(RoutePaths.javaRegex(raw.substring(1)))));
                    } catch (PatternSyntaxException e) {
                        problems.add(p.location(), p.path(), "bad regex: " + e.getDescription() + " near index "
                                + e.getIndex() + " in '" + raw.substring(1) + "'"
                                + (raw.equals(p.value()) ? "" : " (in a 1.1/2.1 file a path with characters other than "
                                        + "letters, digits and . - _ ~ / % is a regex, as Kong reads it)"));
                    }
                } else if (!raw.startsWith("/")) {
                    problems.add(p.location(), p.path(), "a path must start with '/' (or '~' for a regex), got '" + raw + "'");
                } else {
                    paths.add(new RouteSpec.RoutePath(raw, null));
                }
            }
            Set<String> methods = new java.util.LinkedHashSet<>();
            for (Section.Item<String> m : s.strings("methods")) {
                if (!METHOD.matcher(m.value()).matches()) {
                    problems.add(m.location(), m.path(), "a method is upper-case letters, got '" + m.value() + "'");
                } else {
                    methods.add(m.value());
                }
            }
            List<String> hosts = new ArrayList<>();
            for (Section.Item<String> h : s.strings("hosts")) {
                String host = h.value();
                if (!HOST.matcher(host).matches() || host.startsWith("*.") && host.endsWith(".*")) {
                    problems.add(h.location(), h.path(), "not a host name (a wildcard '*' may lead or end it): '" + host + "'");
                } else {
                    hosts.add(host.toLowerCase(Locale.ROOT));
                }
            }
            Map<String, List<RouteSpec.HeaderValue>> headers = headers(s.section("headers"));
            boolean plainHttp = !s.has("protocols");
            boolean websocket = !s.has("protocols");
            for (Section.Item<String> p : s.strings("protocols")) {
                if (PROTOCOLS.contains(p.value())) {
                    plainHttp = true;
                } else if (WS_PROTOCOLS.contains(p.value())) {
                    websocket = true;
                } else {
                    problems.add(p.location(), p.path(), "a route's protocols are http, https, ws and wss, got '" + p.value() + "'");
                }
            }
            // Upgrades are proxied on every route (as Kong and the seed's nginx do); a ws-only route refuses plain HTTP.
            RouteSpec.Streaming streaming = new RouteSpec.Streaming(!plainHttp && websocket,
                    s.integer("ws_idle_timeout", 3_600_000, 1, Integer.MAX_VALUE),
                    s.integer("ws_ping_interval", 0, 0, Integer.MAX_VALUE));
            String pathHandlingName = s.string("path_handling", "v0");
            RouteSpec.PathHandling pathHandling = RouteSpec.PathHandling.V0;
            if ("v1".equals(pathHandlingName)) {
                pathHandling = RouteSpec.PathHandling.V1;
            } else if (!"v0".equals(pathHandlingName)) {
                s.error("path_handling", "expected one of: v0, v1, got '" + pathHandlingName + "'");
            }
            if (paths.isEmpty() && methods.isEmpty() && hosts.isEmpty() && headers.isEmpty()
                    && !s.has("paths") && !s.has("methods") && !s.has("hosts") && !s.has("headers")) {
                problems.add(s.location(), s.path(), "a route needs at least one of paths, methods, hosts or headers");
            }
            boolean strip = s.bool("strip_path", true);
            boolean preserve = s.bool("preserve_host", false);
            int priority = (int) s.integer("regex_priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            routes.add(new PendingRoute(s, name, service, paths, methods, hosts, headers, strip, preserve, priority, streaming,
                    pathHandling));
            for (Section p : s.sections("plugins")) {
                plugins.add(new PendingPlugin(p, PluginSpec.Scope.ROUTE, null, routes.get(routes.size() - 1)));
            }
        }

        private Map<String, List<RouteSpec.HeaderValue>> headers(Section h) {
            Map<String, List<RouteSpec.HeaderValue>> out = new LinkedHashMap<>();
            for (String header : h.keys()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if ("host".equals(lower)) {
                    h.error(header, "match the Host header with 'hosts', not 'headers'");
                    continue;
                }
                List<RouteSpec.HeaderValue> values = new ArrayList<>();
                for (Section.Item<String> v : h.strings(header)) {
                    if (v.value().startsWith("~*")) {
                        try {
                            values.add(new RouteSpec.HeaderValue(null,
                                    Pattern.compile(v.value().substring(2), Pattern.CASE_INSENSITIVE)));
                        } catch (PatternSyntaxException e) {
                            problems.add(v.location(), v.path(), "bad regex: " + e.getDescription());
                        }
                    } else {
                        values.add(new RouteSpec.HeaderValue(v.value(), null));
                    }
                }
                if (values.isEmpty()) {
                    h.error(header, "needs at least one value");
                } else {
                    out.put(lower, List.copyOf(values));
                }
            }
            return out;
        }

        private List<RouteSpec> finishRoutes() {
            List<PendingRoute> inFileOrder = new ArrayList<>(routes);
            inFileOrder.sort(Comparator.comparingInt((PendingRoute r) -> line(r.section))
                    .thenComparingInt(r -> column(r.section)));
            Map<String, Section> names = new HashMap<>();
            List<RouteSpec> out = new ArrayList<>();
            for (PendingRoute r : inFileOrder) {
                if (r.name != null) {
                    Section first = names.putIfAbsent(r.name, r.section);
                    if (first != null) {
                        r.section.error("name", "duplicate route name '" + r.name + "' (first at " + first.location() + ")");
                    }
                }
                if (r.service != null && !serviceSections.containsKey(r.service)) {
                    r.section.error("service", "no service named '" + r.service + "'");
                    continue;
                }
                if (r.service == null || disabledServices.contains(r.service)) {
                    continue;
                }
                r.spec = new RouteSpec(r.name, r.service, r.paths, r.methods, r.hosts, r.headers, r.strip, r.preserve,
                        r.priority, out.size(), r.streaming, r.pathHandling);
                out.add(r.spec);
            }
            return out;
        }

        private void upstream(Section s) {
            UpstreamSpec spec = UpstreamParser.parse(s, problems);
            if (spec == null) {
                return;
            }
            if (upstreams.stream().anyMatch(u -> u.name().equals(spec.name()))) {
                s.error("name", "duplicate upstream name '" + spec.name() + "'");
                return;
            }
            upstreams.add(spec);
        }

        private void consumer(Section s) {
            s.allowOnly(CONSUMER, CONSUMER_ACCEPTED);
            String username = s.checked("username", s.string("username", null), EntityNames::pathProblem);
            String customId = s.checked("custom_id", s.string("custom_id", null), EntityNames::pathProblem);
            if (username == null && customId == null) {
                if (!s.has("username") && !s.has("custom_id")) {
                    problems.add(s.location(), s.path(), "a consumer needs a username or a custom_id");
                }
                return;
            }
            List<ConsumerSpec.JwtSecret> secrets = new ArrayList<>();
            for (Section j : s.sections("jwt_secrets")) {
                j.allowOnly(JWT_SECRET, JWT_SECRET_ACCEPTED);
                String key = j.string("key", null);
                String algorithm = j.string("algorithm", "HS256");
                if (!JWT_ALGORITHMS.contains(algorithm)) {
                    j.error("algorithm", "unknown JWT algorithm '" + algorithm + "'");
                }
                String secret = j.string("secret", null);
                String rsa = j.string("rsa_public_key", null);
                if (!algorithm.startsWith("HS") && rsa == null) {
                    problems.add(j.location(), j.child("rsa_public_key"), "required for algorithm " + algorithm);
                } else if (!algorithm.startsWith("HS")) {
                    String unusable = PublicKeys.problem(algorithm, rsa);
                    if (unusable != null) {
                        j.error("rsa_public_key", "not a usable " + algorithm + " public key (PEM): " + unusable);
                    }
                }
                if (key == null) {
                    problems.add(j.location(), j.child("key"), "required field missing");
                }
                secrets.add(new ConsumerSpec.JwtSecret(key, secret, algorithm, rsa));
            }
            ConsumerSpec consumer = new ConsumerSpec(id(s), username, customId, secrets);
            if (consumers.stream().anyMatch(c -> c.reference().equals(consumer.reference()))) {
                problems.add(s.location(), s.path(), "duplicate consumer '" + consumer.reference() + "'");
                return;
            }
            consumers.add(consumer);
            for (Section p : s.sections("plugins")) {
                plugins.add(new PendingPlugin(p, PluginSpec.Scope.CONSUMER, consumer.reference()));
            }
        }

        private List<PluginSpec> finishPlugins(List<RouteSpec> routeSpecs) {
            List<PluginSpec> out = new ArrayList<>();
            Set<String> unique = new HashSet<>();
            for (PendingPlugin p : plugins) {
                Section s = p.section;
                s.allowOnly(PLUGIN, PLUGIN_ACCEPTED);
                String name = s.requiredString("name");
                id(s);
                PluginSpec.Scope scope = p.scope;
                String scopeName = p.scopeName;
                if (p.route != null) {
                    scopeName = p.route.spec == null ? null : routeKey(p.route.spec);
                }
                if (scope == null) {
                    int refs = 0;
                    for (String key : List.of("service", "route", "consumer")) {
                        if (s.has(key)) {
                            refs++;
                            scope = PluginSpec.Scope.valueOf(key.toUpperCase(Locale.ROOT));
                            scopeName = reference(s, key);
                        }
                    }
                    if (refs > 1) {
                        problems.add(s.location(), s.path(), "a plugin may name one of service, route or consumer here, not several");
                    }
                    if (scope == null) {
                        scope = PluginSpec.Scope.GLOBAL;
                    } else if (!referenceExists(scope, scopeName, routeSpecs)) {
                        s.error(scope.name().toLowerCase(Locale.ROOT), "no " + scope.name().toLowerCase(Locale.ROOT)
                                + " named '" + scopeName + "'");
                        continue;
                    } else if (scope == PluginSpec.Scope.ROUTE) {
                        scopeName = routeKey(routeByName(routeSpecs, scopeName));
                    }
                } else {
                    for (String key : List.of("service", "route", "consumer")) {
                        if (s.has(key)) {
                            s.error(key, "a nested plugin already belongs to its parent");
                        }
                    }
                }
                if (name == null) {
                    continue;
                }
                PluginSchema schema = registry.find(name);
                if (schema == null) {
                    s.error("name", "plugin '" + name + "' is not implemented by this gateway"
                            + (registry.names().isEmpty() ? "" : " (available: " + String.join(", ", new java.util.TreeSet<>(registry.names())) + ")"));
                    continue;
                }
                PluginConfig config = schema.parse(new PluginFields(s.section("config")));
                if (!schema.scopes().contains(scope)) {
                    s.error("name", "plugin '" + name + "' cannot be attached to a " + scope.name().toLowerCase(Locale.ROOT)
                            + " (it applies to: " + schema.scopes().stream().map(x -> x.name().toLowerCase(Locale.ROOT))
                                    .collect(java.util.stream.Collectors.joining(", ")) + ")");
                    continue;
                }
                if (!s.bool("enabled", true) || scopeName == null && scope != PluginSpec.Scope.GLOBAL) {
                    continue;
                }
                if (!unique.add(schema.storedAs() + "|" + scope + "|" + scopeName)) {
                    s.error("name", "plugin '" + name + "' is configured twice for the same "
                            + scope.name().toLowerCase(Locale.ROOT));
                    continue;
                }
                out.add(new PluginSpec(schema.storedAs(), scope, scopeName, config,
                        file + ":" + s.location() + " " + s.path()));
            }
            return out;
        }

        private boolean referenceExists(PluginSpec.Scope scope, String name, List<RouteSpec> routeSpecs) {
            if (name == null) {
                return false;
            }
            return switch (scope) {
                case SERVICE -> serviceSections.containsKey(name);
                case ROUTE -> routeByName(routeSpecs, name) != null;
                case CONSUMER -> consumers.stream().anyMatch(c -> name.equals(c.reference()));
                case GLOBAL -> true;
            };
        }

        private RouteSpec routeByName(List<RouteSpec> routeSpecs, String name) {
            return routeSpecs.stream().filter(r -> name.equals(r.name())).findFirst().orElse(null);
        }

        /** Routes need not have names; plugins find theirs by display name. */
        private String routeKey(RouteSpec r) {
            return r.displayName();
        }

        /** An entity's {@code id}: free text here (Kong's are UUIDs), but it names the entity in admin API paths. */
        private String id(Section s) {
            return s.checked("id", s.string("id", null), EntityNames::pathProblem);
        }

        /** A reference to another entity: a name, or a map {@code {name: ...}} as deck writes it. */
        private String reference(Section s, String key) {
            Node n = s.node(key);
            if (n == null || n instanceof Node.ScalarNode sc && sc.isNull()) {
                return null;
            }
            if (n instanceof Node.MapNode) {
                Section ref = s.section(key);
                ref.allowOnly(Set.of("name", "username", "id"), Set.of());
                String name = ref.string("name", ref.string("username", ref.string("id", null)));
                if (name == null) {
                    s.error(key, "expected a name");
                }
                return name;
            }
            return s.string(key, null);
        }

        private int line(Section s) {
            return s.location() == null ? 0 : s.location().line();
        }

        private int column(Section s) {
            return s.location() == null ? 0 : s.location().column();
        }
    }

    private static final class PendingRoute {
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
        RouteSpec spec;

        PendingRoute(Section section, String name, String service, List<RouteSpec.RoutePath> paths,
                Set<String> methods, List<String> hosts, Map<String, List<RouteSpec.HeaderValue>> headers,
                boolean strip, boolean preserve, int priority, RouteSpec.Streaming streaming,
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

    private record PendingPlugin(Section section, PluginSpec.Scope scope, String scopeName, PendingRoute route) {
        PendingPlugin(Section section, PluginSpec.Scope scope, String scopeName) {
            this(section, scope, scopeName, null);
        }
    }
}
