package com.gitinsight.gateway.config;

import java.io.IOException;
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
import java.util.UUID;
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
            "targets", "consumers", "jwt_secrets", "plugins");
    /** Kong's metadata ({@code _transform}: whether Kong hashes credentials on import; none are hashed here). */
    private static final Set<String> TOP_ACCEPTED = Set.of("_transform", "_comment", "_ignore", "_workspace", "_info");
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
    private static final Set<String> JWT_SECRET = Set.of("key", "secret", "algorithm", "rsa_public_key", "consumer");
    private static final Set<String> JWT_SECRET_ACCEPTED = Set.of("id", "tags", "created_at");
    private static final Set<String> PLUGIN = Set.of("name", "config", "enabled", "service", "route",
            "consumer", "protocols");
    private static final Set<String> PLUGIN_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at",
            "instance_name");
    private static final Set<String> JWT_ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384",
            "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA");
    private static final Set<String> PROTOCOLS = Set.of("http", "https");
    /** Kong's protocols, as a plugin's {@code protocols} may name them. */
    private static final Set<String> KONG_PROTOCOLS = Set.of("grpc", "grpcs", "http", "https", "tcp", "tls",
            "tls_passthrough", "udp", "ws", "wss");
    /** Kong's credential entities of plugins this gateway does not implement, and those plugins. */
    private static final Map<String, String> CREDENTIALS = Map.of("keyauth_credentials", "key-auth",
            "basicauth_credentials", "basic-auth", "hmacauth_credentials", "hmac-auth", "oauth2_credentials", "oauth2",
            "oauth2_authorization_codes", "oauth2", "oauth2_tokens", "oauth2", "acls", "acl",
            "mtls_auth_credentials", "mtls-auth");
    /** Kong entities a declarative file may hold that this gateway has no use for (TLS ends in front of it). */
    private static final Set<String> KONG_ENTITIES = Set.of("certificates", "ca_certificates", "snis", "vaults",
            "key_sets", "keys", "workspaces", "consumer_groups", "filter_chains", "parameters", "partials");
    /** Kong's WebSocket protocols: a service may name them, a route may ask for them. */
    private static final Set<String> WS_PROTOCOLS = Set.of("ws", "wss");
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    /** Kong's host names take {@code _} too (its own fixtures use {@code limit_bytes.test}). */
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?" + HostNames.LABELS + "(\\.\\*)?(:\\d{1,5})?");
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
        /** Services by {@code id}, to their names: Kong's references name an entity or give its id. */
        private final Map<String, String> serviceIds = new HashMap<>();
        private final Set<String> disabledServices = new HashSet<>();
        private final List<PendingRoute> routes = new ArrayList<>();
        private final List<UpstreamSpec> upstreams = new ArrayList<>();
        private final Map<String, Section> upstreamSections = new HashMap<>();
        private final Map<String, String> upstreamIds = new HashMap<>();
        private final List<PendingConsumer> consumers = new ArrayList<>();
        /** Every JWT credential's key, to its credential: Kong's keys are unique. */
        private final Map<String, Section> jwtKeys = new HashMap<>();
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
            top.allowOnly(TOP, TOP_ACCEPTED, KongConfigParser::unsupported);
            top.meta();
            top.bool("_transform", true);
            top.string("_workspace", null);
            top.section("_info");
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
            for (Section s : top.sections("targets")) {
                target(s);
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
            for (Section s : top.sections("jwt_secrets")) {
                topLevelJwtSecret(s);
            }
            for (Section s : top.sections("plugins")) {
                plugins.add(new PendingPlugin(s, null, null));
            }
            List<RouteSpec> routeSpecs = finishRoutes();
            List<PluginSpec> pluginSpecs = finishPlugins();
            List<ConsumerSpec> consumerSpecs = consumers.stream().map(PendingConsumer::spec).toList();
            return new GatewayConfig(file, hash, text, services, routeSpecs, upstreams, consumerSpecs, pluginSpecs);
        }

        private void service(Section s) {
            s.allowEntity(SERVICE, SERVICE_ACCEPTED);
            AcceptedFields.service(s);
            String name = s.checked("name", s.requiredString("name"), EntityNames::nameProblem);
            String id = id(s);
            String protocol = "http";
            String host = null;
            int port = 80;
            String path = null;
            if (s.has("url")) {
                // Kong's shorthand: the url sets protocol, host, port and path, whatever else the entry says
                // (a dump from Kong's admin API carries both).
                String url = s.string("url", null);
                try {
                    HostNames.Url u = HostNames.url(url);
                    protocol = u.scheme();
                    host = u.host();
                    port = u.port() >= 0 ? u.port() : "https".equals(protocol) ? 443 : 80;
                    path = u.path();
                    if (u.hasQueryOrFragment()) {
                        s.error("url", "a service url takes no query or fragment");
                    }
                } catch (IllegalArgumentException e) {
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
            if (id != null) {
                serviceIds.putIfAbsent(id, name);
            }
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
            s.allowEntity(ROUTE, ROUTE_ACCEPTED);
            AcceptedFields.route(s);
            String name = s.checked("name", s.string("name", null), EntityNames::nameProblem);
            String id = id(s);
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
            routes.get(routes.size() - 1).id = id;
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
                String service = r.service == null ? null : serviceName(r.service);
                if (r.service != null && service == null) {
                    r.section.error("service", "no service named '" + r.service + "'");
                    continue;
                }
                if (service == null || disabledServices.contains(service)) {
                    continue;
                }
                r.spec = new RouteSpec(r.name, service, r.paths, r.methods, r.hosts, r.headers, r.strip, r.preserve,
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
            if (upstreamSections.containsKey(spec.name())) {
                s.error("name", "duplicate upstream name '" + spec.name() + "'");
                return;
            }
            upstreams.add(spec);
            upstreamSections.put(spec.name(), s);
            if (s.node("id") instanceof Node.ScalarNode id && id.value() instanceof String text) {
                upstreamIds.putIfAbsent(text, spec.name());
            }
        }

        /** A top-level target: Kong's declarative format lets a target name its upstream instead of nesting. */
        private void target(Section t) {
            String ref = reference(t, "upstream");
            UpstreamSpec.TargetSpec spec = UpstreamParser.target(t);
            if (ref == null) {
                if (!t.has("upstream")) {
                    problems.add(t.location(), t.child("upstream"), "required field missing (a top-level target names its upstream)");
                }
                return;
            }
            String name = upstreamSections.containsKey(ref) ? ref : upstreamIds.get(ref);
            int at = -1;
            for (int i = 0; i < upstreams.size(); i++) {
                if (upstreams.get(i).name().equals(name)) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                t.error("upstream", "no upstream named '" + ref + "'");
                return;
            }
            UpstreamSpec u = upstreams.get(at);
            if (spec == null) {
                return;
            }
            if (u.targets().stream().anyMatch(x -> x.address().equals(spec.address()))) {
                t.error("target", "duplicate target '" + spec.address() + "' of upstream '" + u.name() + "'");
                return;
            }
            List<UpstreamSpec.TargetSpec> targets = new ArrayList<>(u.targets());
            targets.add(spec);
            upstreams.set(at, new UpstreamSpec(u.name(), u.algorithm(), u.hash(), u.healthchecks(), targets));
        }

        private void consumer(Section s) {
            s.allowEntity(CONSUMER, CONSUMER_ACCEPTED, KongConfigParser::unsupported);
            AcceptedFields.common(s);
            String username = s.checked("username", s.string("username", null), EntityNames::pathProblem);
            String customId = s.checked("custom_id", s.string("custom_id", null), EntityNames::pathProblem);
            String id = id(s);
            List<ConsumerSpec.JwtSecret> secrets = new ArrayList<>();
            for (Section j : s.sections("jwt_secrets")) {
                if (j.has("consumer")) {
                    j.error("consumer", "a nested credential already belongs to its consumer");
                }
                ConsumerSpec.JwtSecret secret = jwtSecret(j);
                if (secret != null) {
                    secrets.add(secret);
                }
            }
            if (username == null && customId == null) {
                if (!s.has("username") && !s.has("custom_id")) {
                    problems.add(s.location(), s.path(), "a consumer needs a username or a custom_id");
                }
                return;
            }
            PendingConsumer consumer = new PendingConsumer(id, username, customId, secrets);
            if (consumers.stream().anyMatch(c -> c.reference().equals(consumer.reference()))) {
                problems.add(s.location(), s.path(), "duplicate consumer '" + consumer.reference() + "'");
                return;
            }
            consumers.add(consumer);
            for (Section p : s.sections("plugins")) {
                plugins.add(new PendingPlugin(p, PluginSpec.Scope.CONSUMER, consumer.reference()));
            }
        }

        /** A top-level {@code jwt_secrets} entry: Kong's credentials may name their consumer instead of nesting. */
        private void topLevelJwtSecret(Section j) {
            String ref = reference(j, "consumer");
            PendingConsumer consumer = null;
            if (ref == null) {
                if (!j.has("consumer")) {
                    problems.add(j.location(), j.child("consumer"), "required field missing (a top-level credential names its consumer)");
                }
            } else {
                consumer = findConsumer(ref);
                if (consumer == null) {
                    j.error("consumer", "no consumer named '" + ref + "'");
                }
            }
            ConsumerSpec.JwtSecret secret = jwtSecret(j);
            if (consumer != null && secret != null) {
                consumer.secrets.add(secret);
            }
        }

        /**
         * One JWT credential (Kong's {@code jwt_secrets}), or null when unusable. Without a {@code key}, Kong
         * generates one (random, so no token names it until the file gives one); so does this gateway.
         */
        private ConsumerSpec.JwtSecret jwtSecret(Section j) {
            j.allowEntity(JWT_SECRET, JWT_SECRET_ACCEPTED);
            AcceptedFields.common(j);
            id(j);
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
                if (j.has("key")) {
                    return null;
                }
                key = UUID.randomUUID().toString().replace("-", "");
            } else {
                Section first = jwtKeys.putIfAbsent(key, j);
                if (first != null) {
                    j.error("key", "duplicate JWT key '" + key + "' (first at " + first.location() + ")");
                    return null;
                }
            }
            return new ConsumerSpec.JwtSecret(key, secret, algorithm, rsa);
        }

        /**
         * Plugins with their references resolved. A plugin names up to one service, route and consumer:
         * by its place (nested under one of them) and by its own fields; Kong applies it where all of them
         * match, the most specific combination winning (consumer+route+service, consumer+route,
         * consumer+service, route+service, consumer, route, service, global).
         */
        private List<PluginSpec> finishPlugins() {
            Map<String, Chosen> chosen = new LinkedHashMap<>();
            Set<String> unique = new HashSet<>();
            for (PendingPlugin p : plugins) {
                Section s = p.section;
                s.allowEntity(PLUGIN, PLUGIN_ACCEPTED);
                AcceptedFields.plugin(s);
                String name = s.requiredString("name");
                id(s);
                for (Section.Item<String> protocol : s.strings("protocols")) {
                    if (!KONG_PROTOCOLS.contains(protocol.value())) {
                        problems.add(protocol.location(), protocol.path(), "expected one of " + new java.util.TreeSet<>(KONG_PROTOCOLS)
                                + ", got '" + protocol.value() + "'");
                    }
                }
                Refs refs = refs(p);
                PluginSchema schema = name == null ? null : registry.find(name);
                if (name != null && schema == null) {
                    s.error("name", "plugin '" + name + "' is not implemented by this gateway"
                            + (registry.names().isEmpty() ? "" : " (available: " + String.join(", ", new java.util.TreeSet<>(registry.names())) + ")"));
                }
                if (schema == null) {
                    continue;
                }
                PluginConfig config = schema.parse(new PluginFields(s.section("config")));
                if (refs == null) {
                    continue;
                }
                PluginSpec.Scope scope = refs.scope();
                if (!schema.scopes().contains(scope)) {
                    s.error("name", "plugin '" + name + "' cannot be attached to a " + scope.name().toLowerCase(Locale.ROOT)
                            + " (it applies to: " + schema.scopes().stream().map(x -> x.name().toLowerCase(Locale.ROOT))
                                    .collect(java.util.stream.Collectors.joining(", ")) + ")");
                    continue;
                }
                if (!unique.add(schema.storedAs() + "|" + refs.combination())) {
                    s.error("name", "plugin '" + name + "' is configured twice for the same " + refs.describe());
                    continue;
                }
                if (!s.bool("enabled", true) || refs.never()) {
                    continue;
                }
                PluginSpec spec = new PluginSpec(schema.storedAs(), scope, refs.scopeName(), config,
                        file + ":" + s.location() + " " + s.path(), refs.within());
                // Two combinations that come to the same place (a route, and that route with its service):
                // the more specific one applies, as in Kong.
                chosen.merge(schema.storedAs() + "|" + scope + "|" + refs.scopeName() + "|"
                        + (scope == PluginSpec.Scope.CONSUMER ? refs.within() : null),
                        new Chosen(spec, refs.count()), (a, b) -> b.count > a.count ? b : a);
            }
            return chosen.values().stream().map(Chosen::spec).toList();
        }

        /**
         * The entities a plugin names, resolved; null when one of them does not exist (the error is
         * recorded). A reference gives an entity's name (a consumer's username or custom id) or its id.
         */
        private Refs refs(PendingPlugin p) {
            Section s = p.section;
            String service = p.scope == PluginSpec.Scope.SERVICE ? p.scopeName : null;
            String consumer = p.scope == PluginSpec.Scope.CONSUMER ? p.scopeName : null;
            PendingRoute route = p.route;
            boolean missing = false;
            for (String key : List.of("service", "route", "consumer")) {
                if (!s.has(key)) {
                    continue;
                }
                if (p.scope != null && p.scope.name().equalsIgnoreCase(key)) {
                    s.error(key, "a nested plugin already belongs to its parent " + key);
                    continue;
                }
                String ref = reference(s, key);
                if (ref == null) {
                    missing = true;
                    continue;
                }
                String found = switch (key) {
                    case "service" -> service = serviceName(ref);
                    case "route" -> {
                        route = findRoute(ref);
                        yield route == null ? null : ref;
                    }
                    default -> {
                        PendingConsumer c = findConsumer(ref);
                        consumer = c == null ? null : c.reference();
                        yield consumer;
                    }
                };
                if (found == null) {
                    s.error(key, "no " + key + " named '" + ref + "'");
                    missing = true;
                }
            }
            return missing ? null : new Refs(service, route, consumer);
        }

        private String serviceName(String reference) {
            return serviceSections.containsKey(reference) ? reference : serviceIds.get(reference);
        }

        private PendingRoute findRoute(String reference) {
            for (PendingRoute r : routes) {
                if (reference.equals(r.name) || reference.equals(r.id)) {
                    return r;
                }
            }
            return null;
        }

        private PendingConsumer findConsumer(String reference) {
            for (PendingConsumer c : consumers) {
                if (reference.equals(c.reference()) || reference.equals(c.id)) {
                    return c;
                }
            }
            return null;
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
        /** Kong's {@code id}, when the file gives one: references may use it. */
        String id;
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

    /** A plugin as written: nested under {@code scope}'s {@code scopeName} (or {@code route}), or top-level (null). */
    private record PendingPlugin(Section section, PluginSpec.Scope scope, String scopeName, PendingRoute route) {
        PendingPlugin(Section section, PluginSpec.Scope scope, String scopeName) {
            this(section, scope, scopeName, null);
        }
    }

    /** A consumer whose credentials may still come (top-level {@code jwt_secrets} name their consumer). */
    private static final class PendingConsumer {
        final String id;
        final String username;
        final String customId;
        final List<ConsumerSpec.JwtSecret> secrets;

        PendingConsumer(String id, String username, String customId, List<ConsumerSpec.JwtSecret> secrets) {
            this.id = id;
            this.username = username;
            this.customId = customId;
            this.secrets = secrets;
        }

        String reference() {
            return username != null ? username : customId;
        }

        ConsumerSpec spec() {
            return new ConsumerSpec(id, username, customId, secrets);
        }
    }

    /**
     * What a plugin names, resolved: a service (by name), a route, a consumer (by its reference), each
     * possibly null. Kong applies the plugin only where all of them match.
     */
    private record Refs(String service, PendingRoute route, String consumer) {

        PluginSpec.Scope scope() {
            return consumer != null ? PluginSpec.Scope.CONSUMER : route != null ? PluginSpec.Scope.ROUTE
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
                return route != null && service != null ? new PluginSpec.Within(PluginSpec.Scope.SERVICE, service) : null;
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

    private record Chosen(PluginSpec spec, int count) {
    }

    /** A message for a Kong field this gateway does not support, or null (then "unknown field"). */
    private static String unsupported(String key) {
        String plugin = CREDENTIALS.get(key);
        if (plugin != null) {
            return "credentials of plugin '" + plugin + "', which this gateway does not implement (it implements jwt_secrets)";
        }
        if (KONG_ENTITIES.contains(key)) {
            return "Kong's '" + key + "' entities are not supported by this gateway";
        }
        return null;
    }
}
