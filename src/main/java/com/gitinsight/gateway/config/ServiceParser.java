package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file's {@code services}: each one's url or protocol, host, port and path, retries and
 * timeouts; names unique; nested routes go to {@link RouteParser}, nested plugins to
 * {@link PluginBinder}. One instance per load.
 */
final class ServiceParser {

    private static final Set<String> SERVICE = Set.of(
            "name",
            "url",
            "protocol",
            "host",
            "port",
            "path",
            "retries",
            "connect_timeout",
            "write_timeout",
            "read_timeout",
            "routes",
            "plugins",
            "enabled",
            "tls_verify",
            "tls_verify_depth",
            "ca_certificates",
            "client_certificate");
    private static final Set<String> SERVICE_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at");
    static final Set<String> PROTOCOLS = Set.of("http", "https");

    /** Kong's service protocols (typedefs.protocol): a known one this gateway does not proxy is said so. */
    private static final Set<String> KONG_PROTOCOLS =
            Set.of("grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss");

    /**
     * Why {@code host} is no service host, in Kong's words (typedefs.host: {@code must not have a
     * port}, else {@code invalid value: <host>}), or null: a name, an IPv4 or an IPv6 address.
     */
    static String hostProblem(String host) {
        if (host.isEmpty()) {
            return "length must be at least 1";
        }
        int colon = host.indexOf(':');
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0 || !com.google.common.net.InetAddresses.isInetAddress(host.substring(1, end))) {
                return "invalid value: " + host;
            }
            return end == host.length() - 1 ? null : "must not have a port";
        }
        if (colon >= 0 && host.indexOf(':', colon + 1) >= 0) {
            return com.google.common.net.InetAddresses.isInetAddress(host) ? null : "invalid value: " + host;
        }
        String name = host;
        if (colon >= 0) {
            String port = host.substring(colon + 1);
            name = host.substring(0, colon);
            if (!port.isEmpty() && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return RouteParser.hostProblem(name) == null && name.indexOf('*') < 0
                        ? "must not have a port"
                        : "invalid value: " + host;
            }
            return "invalid value: " + host;
        }
        if (name.indexOf('*') >= 0 || RouteParser.hostProblem(name) != null) {
            return "invalid value: " + host;
        }
        if (name.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9') && name.indexOf('.') >= 0) {
            // Dotted digits are an IPv4 address to Kong: each part a byte.
            return com.google.common.net.InetAddresses.isInetAddress(name) ? null : "invalid value: " + host;
        }
        return null;
    }
    /** Kong's WebSocket protocols: a service may name them, a route may ask for them. */
    static final Set<String> WS_PROTOCOLS = Set.of("ws", "wss");

    private static final int MAX_TIMEOUT = Integer.MAX_VALUE - 1;
    /**
     * Kong's typedefs.path: RFC 3986's path characters (unreserved, {@code %} escapes, sub-delims,
     * {@code :} and {@code @}) and {@code /}; so no {@code ?}, {@code #}, space or {@code |}.
     */
    private static final java.util.regex.Pattern PATH =
            java.util.regex.Pattern.compile("/[A-Za-z0-9._~/%!$&'()*+,;=:@-]*");

    private static final java.util.regex.Pattern BAD_ESCAPE =
            java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2}).?.?");

    /**
     * Why Kong's service schema refuses {@code path} (typedefs.path), in Kong's words; null when it
     * does not. A {@code ?} or {@code #} would make part of the path a query or fragment the log and
     * the backend read differently.
     */
    static String pathProblem(String path) {
        if (path.contains("//")) {
            return "must not have empty segments"; // Kong's match_none, checked before its validator
        }
        if (!PATH.matcher(path).matches()) {
            return "invalid path: '" + path + "' (characters outside of the reserved list of RFC 3986 found)";
        }
        String bad = badEscape(path);
        return bad == null ? null : "invalid url-encoded value: '" + bad + "'";
    }

    /** The first {@code %} not followed by two hex digits, with what follows it (Kong's words), or null. */
    static String badEscape(String path) {
        java.util.regex.Matcher bad = BAD_ESCAPE.matcher(path);
        return bad.find() ? bad.group() : null;
    }

    private final RouteParser routes;
    private final PluginBinder plugins;
    private final List<ServiceSpec> services = new ArrayList<>();
    private final Map<String, Section> serviceSections = new HashMap<>();
    /** Services by {@code id}, to their names: Kong's references name an entity or give its id. */
    private final Map<String, String> serviceIds = new HashMap<>();

    private final Set<String> disabledServices = new HashSet<>();

    /** The {@code services[]} entries read so far: a nameless one's position. */
    private int entries;

    private final Certificates certificates;

    ServiceParser(RouteParser routes, PluginBinder plugins, Certificates certificates) {
        this.routes = routes;
        this.plugins = plugins;
        this.certificates = certificates;
    }

    /** One {@code services[]} entry, with its nested routes and plugins. */
    void service(Section s) {
        s.allowEntity(SERVICE, SERVICE_ACCEPTED);
        AcceptedFields.service(s);
        // Kong's name is optional (a null name is none); a nameless service is known by its id.
        boolean named = s.has("name");
        String name = named ? s.checked("name", s.requiredString("name"), EntityNames::nameProblem) : null;
        String id = EntityRefs.id(s);
        int position = entries++;
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
                int params = path == null ? -1 : path.indexOf(';');
                if (params >= 0) {
                    // Kong's url parser (LuaSocket's) takes ";..." as params, not path: Kong drops it.
                    path = path.substring(0, params);
                }
                if (u.hasQueryOrFragment()) {
                    // Kong's shorthand keeps the url's path only: its query never reaches a backend.
                    // Loaded as on Kong (helper review 163), with a warning that names it.
                    String at = s.location() == null ? "" : " (" + s.location() + ")";
                    java.util.logging.Logger.getLogger(ServiceParser.class.getName())
                            .warning(() -> s.path() + ".url" + at
                                    + ": its query or fragment is dropped, as Kong drops it; no backend receives it");
                }
            } catch (IllegalArgumentException e) {
                s.error("url", "not a valid URL: " + e.getMessage());
            }
        } else {
            // Kong's services schema: required, with defaults (the url shorthand sets both).
            s.requiredWhenGiven("protocol", "port");
            protocol = s.string("protocol", "http");
            host = s.checked("host", s.requiredString("host"), ServiceParser::hostProblem);
            if (host != null && host.startsWith("[")) {
                host = host.substring(1, host.length() - 1); // an address, as the url's host is kept
            }
            // Kong's services schema: port defaults to 80 whatever the protocol (only the url
            // shorthand takes the scheme's port; 11-declarative_config process_auto_fields spec).
            port = (int) s.integer("port", 80, 0, 65535);
            path = s.string("path", null);
        }
        tlsFieldsNeedTls(s, protocol);
        if (protocol != null && WS_PROTOCOLS.contains(protocol)) {
            // A WebSocket service is the same backend reached over HTTP/1.1 with an upgrade.
            protocol = protocol.equals("wss") ? "https" : "http";
        }
        if (protocol == null || !PROTOCOLS.contains(protocol)) {
            s.error(
                    s.has("url") ? "url" : "protocol",
                    KONG_PROTOCOLS.contains(protocol)
                            ? "protocol '" + protocol + "' is not supported by this gateway (http, https, ws or wss)"
                            : "expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp");
        }
        if (path != null && !path.startsWith("/")) {
            s.error(
                    s.has("url") ? "url" : "path",
                    path.isEmpty() ? "length must be at least 1" : "should start with: /");
        } else if (path != null) {
            String problem = pathProblem(path);
            if (problem != null) {
                s.error(s.has("url") ? "url" : "path", problem);
            }
        }
        int retries = (int) s.integer("retries", 5, 0, 32767);
        int connect = (int) s.integer("connect_timeout", 60000, 1, MAX_TIMEOUT);
        int write = (int) s.integer("write_timeout", 60000, 1, MAX_TIMEOUT);
        int read = (int) s.integer("read_timeout", 60000, 1, MAX_TIMEOUT);
        ServiceTls tls = tls(s);
        if (!named) {
            // Kong gives such a service a random id at each load; one derived from its position
            // ('#' is no name's character) keeps its breaker, pools and counters across reloads.
            name = id != null ? id : KongIds.of("services", "#" + position);
        }
        if (name == null) {
            return;
        }
        if (named && serviceSections.containsKey(name)) {
            s.error("name", "uniqueness violation: 'services' entity with name set to '" + name + "' already declared");
            return;
        }
        if (!named
                && serviceSections.containsKey(name)
                && serviceSections.get(name).has("name")) {
            // Attacker review 154: a service named with another's id shared its key here (routes,
            // plugins and guards of the two were mixed). Kong tells them apart; this gateway refuses.
            s.error("id", "'" + name + "' is also a service's name: a service's id may not be another service's name");
            return;
        }
        serviceSections.put(name, s);
        if (id == null && named) {
            // Kong generates ids before it resolves references: the derived id (the one the admin
            // API and logs show) names the service too.
            String derived = KongIds.of("services", name);
            if (serviceIds.putIfAbsent(derived, name) != null) {
                // Another service was written with the id this one derives (helper review 320):
                // references by it went to that one; Kong refuses the file.
                s.error(
                        "name",
                        "uniqueness violation: 'services' entity with primary key set to '" + derived
                                + "' (the id Kong derives from this name) already declared");
            }
        }
        if (id != null && serviceIds.putIfAbsent(id, name) != null) {
            s.error(
                    "id",
                    "uniqueness violation: 'services' entity with primary key set to '" + id + "' already declared");
        }
        s.requiredWhenGiven("enabled"); // Kong 3's services schema: required, default true
        if (!s.bool("enabled", true)) {
            disabledServices.add(name);
        }
        services.add(new ServiceSpec(
                name, protocol, host, port, path, retries, connect, write, read, id, tls, named, EntityMeta.of(s)));
        for (Section r : s.sections("routes")) {
            // The derived id names the parent too (Kong derives ids before resolving references).
            routes.route(r, name, id != null ? id : KongIds.of("services", name));
        }
        for (Section p : s.sections("plugins")) {
            plugins.add(p, PluginSpec.Scope.SERVICE, name, id != null ? id : KongIds.of("services", name));
        }
    }

    /**
     * Kong's conditional checks: the TLS fields are for a service spoken to over TLS (its
     * https_requiring_protocols; {@code wss} here too), else they must be null.
     */
    private static void tlsFieldsNeedTls(Section s, String protocol) {
        if ("https".equals(protocol) || "wss".equals(protocol)) {
            return;
        }
        for (String field : List.of("tls_verify", "tls_verify_depth", "ca_certificates", "client_certificate")) {
            if (s.has(field)) {
                s.error(field, "value must be null (failed conditional validation given value of field 'protocol')");
            }
        }
    }

    /** Kong's upstream TLS fields: unset {@code tls_verify} and {@code tls_verify_depth} stay null. */
    private ServiceTls tls(Section s) {
        Boolean verify = s.has("tls_verify") ? s.bool("tls_verify", false) : null;
        Integer depth = s.has("tls_verify_depth") ? (int) s.integer("tls_verify_depth", 0, 0, 64) : null;
        List<String> caIds = new java.util.ArrayList<>();
        List<java.security.cert.X509Certificate> cas = certificates.caCertificates(s, "ca_certificates", caIds);
        return new ServiceTls(verify, depth, cas, certificates.clientCertificate(s, "client_certificate"), caIds);
    }

    /** The service a reference names (its name or its {@code id}), or null. */
    String name(String reference) {
        return serviceSections.containsKey(reference) ? reference : serviceIds.get(reference);
    }

    /** {@code enabled: false}: its routes are not loaded. */
    boolean disabled(String name) {
        return disabledServices.contains(name);
    }

    List<ServiceSpec> specs() {
        return services;
    }
}
