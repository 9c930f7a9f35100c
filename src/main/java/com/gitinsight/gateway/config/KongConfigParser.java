package com.gitinsight.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Kong declarative file ({@code _format_version: "3.0"}, YAML or JSON) into a validated
 * {@link GatewayConfig}. Every problem is reported with file, line, column and field path; nothing
 * that is not understood is silently ignored.
 *
 * <p>This class reads the file (YAML or JSON), resolves its secrets ({@code {vault://...}}) and
 * checks its top level; the entities are read by {@link ServiceParser}, {@link RouteParser},
 * {@link UpstreamCollector} ({@link UpstreamParser}), {@link ConsumerParser} and
 * {@link PluginBinder}.
 */
public final class KongConfigParser {

    /**
     * A key-auth key as the load generates one for a credential without a {@code key} (Kong's
     * {@code random_string()}); the admin API writes such a key into the file, so it stays the same.
     */
    public static String generatedKeyAuthKey() {
        return ConsumerParser.randomKey();
    }

    private static final Set<String> FORMAT_VERSIONS = Set.of("1.1", "2.1", "3.0");
    private static final Set<String> TOP = Set.of(
            "_format_version",
            "vaults",
            "services",
            "routes",
            "upstreams",
            "targets",
            "consumers",
            "jwt_secrets",
            "keyauth_credentials",
            "basicauth_credentials",
            "hmacauth_credentials",
            "acls",
            "plugins",
            "certificates",
            "ca_certificates");
    /**
     * Kong's metadata ({@code _transform}: true, the default, when basic-auth passwords are given in
     * clear and hashed on import; false when they are Kong's hashes already, as in Kong's exports).
     */
    private static final Set<String> TOP_ACCEPTED = Set.of("_transform", "_comment", "_ignore", "_workspace", "_info");
    /** Kong's credential entities of plugins this gateway does not implement, and those plugins. */
    private static final Map<String, String> CREDENTIALS = Map.of(
            "oauth2_credentials",
            "oauth2",
            "oauth2_authorization_codes",
            "oauth2",
            "oauth2_tokens",
            "oauth2",
            "mtls_auth_credentials",
            "mtls-auth");
    /** Kong entities a declarative file may hold that this gateway has no use for (TLS for clients ends at its listener or in front of it). */
    private static final Set<String> KONG_ENTITIES = Set.of(
            "snis", "key_sets", "keys", "workspaces", "consumer_groups", "filter_chains", "parameters", "partials");

    private final PluginRegistry registry;
    private final java.util.function.UnaryOperator<String> environment;
    private final Set<String> reservedVariables;
    private final TreeReader reader = new TreeReader();
    private final SecretFields secretFields;

    public KongConfigParser(PluginRegistry registry) {
        this(registry, System::getenv);
    }

    /** {@code environment} resolves {@code {vault://env/NAME}} references (tests pass their own). */
    public KongConfigParser(PluginRegistry registry, java.util.function.UnaryOperator<String> environment) {
        this(registry, environment, Set.of());
    }

    /**
     * As above; {@code reservedVariables} are the variables the gateway's own settings reference
     * (its store's password): the file may not reference them.
     */
    public KongConfigParser(
            PluginRegistry registry,
            java.util.function.UnaryOperator<String> environment,
            Set<String> reservedVariables) {
        this.registry = registry;
        this.environment = environment;
        this.reservedVariables = Set.copyOf(reservedVariables);
        this.secretFields = new SecretFields(registry);
    }

    /** The {@code {vault://env/NAME}} variables {@code setting} references, upper-cased as looked up. */
    public static Set<String> referencedVariables(String setting) {
        Set<String> out = new java.util.HashSet<>();
        if (setting != null) {
            java.util.regex.Matcher m = VaultReferences.REFERENCE.matcher(setting);
            while (m.find()) {
                out.add(m.group(1).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            }
        }
        return out;
    }

    /** Reads and validates the file at {@code path}. */
    public GatewayConfig load(Path path) throws ConfigException {
        String text;
        try {
            text = ConfigText.read(path);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(path.toString(), 0, 0, null, "cannot read file: " + e)));
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
        // Vaults first: a reference names one by its prefix.
        Map<String, String> vaults = Vaults.read(Section.of(root, "", problems));
        root = VaultReferences.resolve(
                root, "", secretFields.of(root), environment, reservedVariables, vaults, problems);
        GatewayConfig config = build(file, text, problems, Section.of(root, "", problems));
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
            return secretFields.of(
                    reader.read(text, file.toLowerCase(Locale.ROOT).endsWith(".json")));
        } catch (ConfigException.Syntax e) {
            throw malformed(file, e);
        }
    }

    private static ConfigException malformed(String file, ConfigException.Syntax e) {
        Problems problems = new Problems(file);
        problems.add(
                e.location(), null, "malformed " + (file.endsWith(".json") ? "JSON" : "YAML") + ": " + e.getMessage());
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

    /**
     * The file's top level: its metadata and format version; each kind of entity goes to its parser
     * ({@link UpstreamCollector}, {@link ServiceParser}, {@link RouteParser}, {@link ConsumerParser})
     * in this order, and plugins are bound ({@link PluginBinder}) once every entity is known.
     */
    private GatewayConfig build(String file, String text, Problems problems, Section top) {
        top.allowOnly(TOP, TOP_ACCEPTED, KongConfigParser::unsupported);
        top.meta();
        boolean transform = top.bool("_transform", true);
        top.string("_workspace", null);
        top.section("_info");
        String version = top.string("_format_version", null);
        if (top.node("_format_version") instanceof Node.ScalarNode n && !(n.value() instanceof String) && !n.isNull()) {
            // Kong's type check (an unquoted 3.0 is a number): Section.string said "expected a string".
            version = null;
        } else if (version == null) {
            problems.add(top.location(), "_format_version", "required field missing");
        } else if (!FORMAT_VERSIONS.contains(version)) {
            top.error("_format_version", "expected one of: 1.1, 2.1, 3.0");
        }
        boolean legacyPaths = "1.1".equals(version) || "2.1".equals(version);
        PluginBinder plugins = new PluginBinder(registry, file, problems);
        RouteParser routes = new RouteParser(problems, legacyPaths, plugins);
        Certificates certificates = new Certificates();
        for (Section s : top.sections("certificates")) {
            certificates.certificate(s);
        }
        for (Section s : top.sections("ca_certificates")) {
            certificates.caCertificate(s);
        }
        ServiceParser services = new ServiceParser(routes, plugins, certificates);
        UpstreamCollector upstreams = new UpstreamCollector(problems, certificates);
        ConsumerParser consumers = new ConsumerParser(problems, plugins, transform);
        for (Section s : top.sections("upstreams")) {
            upstreams.upstream(s);
        }
        for (Section s : top.sections("targets")) {
            upstreams.target(s);
        }
        for (Section s : top.sections("services")) {
            services.service(s);
        }
        for (Section s : top.sections("routes")) {
            routes.route(s, null);
        }
        for (Section s : top.sections("consumers")) {
            consumers.consumer(s);
        }
        for (String kind : ConsumerParser.CREDENTIAL_KINDS) {
            for (Section s : top.sections(kind)) {
                consumers.topLevel(kind, s);
            }
        }
        for (Section s : top.sections("plugins")) {
            plugins.add(s, null, null);
        }
        List<RouteSpec> routeSpecs = routes.finish(services);
        List<PluginSpec> pluginSpecs = plugins.finish(services, routes, consumers);
        return new GatewayConfig(
                file,
                hash(text),
                text,
                services.specs(),
                routeSpecs,
                upstreams.specs(),
                consumers.specs(),
                pluginSpecs);
    }

    /** A message for a Kong field this gateway does not support, or null (then "unknown field"). */
    static String unsupported(String key) {
        String plugin = CREDENTIALS.get(key);
        if (plugin != null) {
            return "credentials of plugin '" + plugin
                    + "', which this gateway does not implement"
                    + " (it implements jwt_secrets, keyauth_credentials, basicauth_credentials, hmacauth_credentials and acls)";
        }
        if (KONG_ENTITIES.contains(key)) {
            return "Kong's '" + key + "' entities are not supported by this gateway";
        }
        return null;
    }
}
