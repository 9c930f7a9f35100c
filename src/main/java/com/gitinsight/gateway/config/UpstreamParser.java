package com.gitinsight.gateway.config;

import com.gitinsight.gateway.config.HealthCheckSpec.Active;
import com.gitinsight.gateway.config.HealthCheckSpec.Passive;
import com.gitinsight.gateway.config.HealthCheckSpec.ProbeType;
import com.gitinsight.gateway.config.UpstreamSpec.Algorithm;
import com.gitinsight.gateway.config.UpstreamSpec.HashOn;
import com.gitinsight.gateway.config.UpstreamSpec.HashPolicy;
import com.gitinsight.gateway.config.UpstreamSpec.TargetSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads one {@code upstreams[]} entry: algorithm, hashing, health checks and targets. */
final class UpstreamParser {

    private static final Set<String> UPSTREAM = Set.of(
            "name",
            "algorithm",
            "targets",
            "healthchecks",
            "hash_on",
            "hash_fallback",
            "hash_on_header",
            "hash_fallback_header",
            "hash_on_cookie",
            "hash_on_query_arg",
            "hash_fallback_query_arg",
            "hash_on_cookie_path",
            "hash_on_uri_capture",
            "hash_fallback_uri_capture",
            "host_header",
            "client_certificate");
    private static final Set<String> UPSTREAM_ACCEPTED =
            Set.of("id", "tags", "created_at", "updated_at", "slots", "use_srv_name");
    private static final Set<String> TARGET = Set.of("target", "weight", "max_fails", "fail_timeout", "upstream");
    private static final Set<String> TARGET_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at");
    private static final Set<String> HEALTHCHECKS = Set.of("active", "passive");
    private static final Set<String> HEALTHCHECKS_ACCEPTED = Set.of("threshold");
    private static final Set<String> ACTIVE = Set.of(
            "type",
            "http_path",
            "timeout",
            "concurrency",
            "headers",
            "https_verify_certificate",
            "https_sni",
            "healthy",
            "unhealthy");
    private static final Set<String> ACTIVE_ACCEPTED = Set.of();
    private static final Set<String> PASSIVE = Set.of("type", "healthy", "unhealthy", "fail_timeout");
    private static final Set<String> HEALTHY = Set.of("interval", "successes", "http_statuses");
    private static final Set<String> UNHEALTHY =
            Set.of("interval", "http_failures", "tcp_failures", "timeouts", "http_statuses");
    private static final int MAX_COUNTER = 255;
    private static final Pattern SRV_NAME = Pattern.compile("_[A-Za-z0-9-]+\\._(tcp|udp)(\\.[A-Za-z0-9_-]+)+\\.?");
    private static final long MAX_SECONDS = 65535;
    /** nginx's default {@code fail_timeout} when a target sets only {@code max_fails}. */
    private static final int NGINX_FAIL_TIMEOUT = 10;

    private UpstreamParser() {}

    /** The upstream, or null when its name or algorithm is unusable (errors are in {@code problems}). */
    static UpstreamSpec parse(Section s, Problems problems, Certificates certificates) {
        s.allowEntity(UPSTREAM, UPSTREAM_ACCEPTED);
        int slots = AcceptedFields.upstream(s);
        String name = s.checked("name", s.requiredString("name"), UpstreamParser::nameProblem);
        if (name != null && com.google.common.net.InetAddresses.isInetAddress(name)) {
            // A service whose url names that address would be balanced over the upstream's targets.
            s.error("name", "Invalid name; no ip addresses allowed");
            name = null;
        }
        String upstreamId = EntityRefs.id(s);
        Algorithm algorithm = algorithm(s);
        HashPolicy hash = hash(s, algorithm).withSlots(slots);
        HealthCheckSpec health = healthchecks(s.section("healthchecks"));
        List<TargetSpec> targets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Section t : s.sections("targets")) {
            if (EntityRefs.namesAnotherParent(
                    t,
                    "upstream",
                    name,
                    upstreamId,
                    name == null || upstreamId != null ? null : KongIds.of("upstreams", name))) {
                t.error("upstream", "a nested target already belongs to its upstream");
            }
            TargetSpec spec = target(t);
            if (spec != null && !seen.add(spec.address())) {
                t.error("target", "duplicate target '" + spec.address() + "'");
            } else if (spec != null) {
                targets.add(spec);
            }
        }
        String hostHeader = s.checked("host_header", s.string("host_header", null), UpstreamParser::hostProblem);
        ServiceTls.ClientCertificate certificate = certificates.clientCertificate(s, "client_certificate");
        if (name == null || algorithm == null) {
            return null;
        }
        return new UpstreamSpec(name, algorithm, hash, health, targets, hostHeader, certificate);
    }

    /** Kong's typedefs.host: a name or an address, without a port. */
    private static String hostProblem(String host) {
        HostNames.HostPort hp = HostNames.hostPort(host);
        if (hp == null) {
            return "invalid value: " + host;
        }
        return hp.port() >= 0 ? "must not have a port" : null;
    }

    /** Kong's typedefs.sni: a name, not an address, without a port. */
    private static String sniProblem(String sni) {
        // Kong's typedefs.sni: an address (with or without a port) is "must not be an IP" first.
        int colon = sni.lastIndexOf(':');
        String host = colon > 0 && sni.indexOf(':') == colon ? sni.substring(0, colon) : sni;
        if (com.google.common.net.InetAddresses.isInetAddress(host) || sni.startsWith("[")) {
            return "must not be an IP";
        }
        return hostProblem(sni);
    }

    /** Kong's words for a name with a port; else the entity names' rule. */
    private static String nameProblem(String name) {
        int colon = name.lastIndexOf(':');
        if (colon > 0
                && colon == name.indexOf(':')
                && colon + 1 < name.length()
                && name.substring(colon + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            return "Invalid name; no port allowed";
        }
        return EntityNames.nameProblem(name);
    }

    private static Algorithm algorithm(Section s) {
        if (!s.has("algorithm") && !"none".equals(s.string("hash_on", "none"))) {
            // Kong: hashing on something picks consistent-hashing when no algorithm is written
            // (its balancer specs write hash_on alone).
            return Algorithm.CONSISTENT_HASHING;
        }
        String algorithmName = s.string("algorithm", "round-robin");
        for (Algorithm a : Algorithm.values()) {
            if (a.kongName().equals(algorithmName)) {
                return a;
            }
        }
        s.error(
                "algorithm",
                "unknown algorithm '" + algorithmName
                        + "'; use round-robin, least-connections, consistent-hashing or latency");
        return null;
    }

    private static HashPolicy hash(Section s, Algorithm algorithm) {
        HashOn on = hashOn(s, "hash_on");
        HashOn fallback = hashOn(s, "hash_fallback");
        if (on == null || fallback == null) {
            return HashPolicy.NONE;
        }
        // consistent-hashing without hash_on is valid in Kong: nothing to hash on, so round-robin.
        if (algorithm != null && algorithm != Algorithm.CONSISTENT_HASHING && on != HashOn.NONE) {
            s.error("hash_on", "hashing needs algorithm: consistent-hashing (or no algorithm written)");
        }
        // Kong's entity checks, in its words: no fallback behind none or cookie (a cookie always
        // has a value: one is made), and no fallback to the same source.
        if ((on == HashOn.NONE || on == HashOn.COOKIE) && fallback != HashOn.NONE) {
            s.error("hash_fallback", "expected one of: none");
        }
        String onName = hashName(s, on, "hash_on_header", "hash_on_cookie", "hash_on_query_arg");
        // Kong's fallback cookie is hash_on_cookie too (its schema requires it for hash_fallback: cookie).
        String fallbackName =
                hashName(s, fallback, "hash_fallback_header", "hash_on_cookie", "hash_fallback_query_arg");
        if (on == fallback
                && on != HashOn.NONE
                && on != HashOn.COOKIE
                && on != HashOn.HEADER
                && on != HashOn.QUERY_ARG) {
            s.error("hash_fallback", "expected one of: " + otherSources(on));
        } else if (on == fallback
                && on == HashOn.HEADER
                && onName != null
                && s.string("hash_on_header", "").equals(s.string("hash_fallback_header", null))) {
            // As written: Kong's distinct check compares the two strings (x-a beside X-A loads there,
            // hashing on the one header twice; helper review 315).
            s.error(
                    "hash_fallback_header",
                    "values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'");
        } else if (on == fallback && on == HashOn.QUERY_ARG && onName != null && onName.equals(fallbackName)) {
            s.error(
                    "hash_fallback_query_arg",
                    "values of these fields must be distinct: 'hash_on_query_arg', 'hash_fallback_query_arg'");
        }
        s.string("hash_on_uri_capture", null);
        s.string("hash_fallback_uri_capture", null);
        String cookiePath = s.string("hash_on_cookie_path", "/");
        if (cookiePath.isEmpty()) {
            s.error("hash_on_cookie_path", "length must be at least 1");
        } else if (!cookiePath.startsWith("/")) {
            s.error("hash_on_cookie_path", "should start with: /");
        } else if (cookiePath.contains("//")) {
            s.error("hash_on_cookie_path", "must not have empty segments");
        } else if (!COOKIE_PATH.matcher(cookiePath).matches()) {
            // It is written into Set-Cookie: a ';' would add attributes (Domain=...) of the file's choosing.
            s.error(
                    "hash_on_cookie_path",
                    "invalid path: '" + cookiePath + "' (only RFC 3986 path characters, without ';', '?' or '#')");
        }
        if (onName != null
                        && on == HashOn.COOKIE
                        && !COOKIE_NAME.matcher(onName).matches()
                || fallbackName != null
                        && fallback == HashOn.COOKIE
                        && !COOKIE_NAME.matcher(fallbackName).matches()) {
            // Kong's validate_cookie_name: it takes a token, and its message names fewer characters.
            s.error(
                    "hash_on_cookie",
                    "bad cookie name '" + (on == HashOn.COOKIE ? onName : fallbackName)
                            + "', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
        }
        return new HashPolicy(on, onName, fallback, fallbackName, cookiePath);
    }

    /** Kong's typedefs.path characters, less the ones that would end a Set-Cookie attribute. */
    private static final java.util.regex.Pattern COOKIE_PATH =
            java.util.regex.Pattern.compile("/[A-Za-z0-9\\-._~:/@!$&'()*+,=%\\[\\]]*");
    /** Kong's validate_cookie_name: an RFC 9110 token. */
    private static final java.util.regex.Pattern COOKIE_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9!#$%&'*+\\-.^_`|~]+");

    private static HashOn hashOn(Section s, String key) {
        String value = s.string(key, "none");
        if ("uri_capture".equals(value)) {
            // Kong 3's hash on a capture group of the route's regex path: the balancer here is not given them.
            s.error(
                    key,
                    "hashing on uri_capture is not supported by this gateway (use header, cookie, path or query_arg)");
            return null;
        }
        for (HashOn h : HashOn.values()) {
            if (h.kongName().equals(value)) {
                return h;
            }
        }
        s.error(key, "expected one of: none, consumer, ip, header, cookie, path, query_arg, uri_capture");
        return null;
    }

    /** Kong's one_of for a fallback behind {@code on}: every source but {@code on}. */
    private static String otherSources(HashOn on) {
        StringBuilder out = new StringBuilder();
        for (String source :
                List.of("none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture")) {
            if (!source.equals(on.kongName())) {
                out.append(out.length() == 0 ? "" : ", ").append(source);
            }
        }
        return out.toString();
    }

    private static String hashName(Section s, HashOn source, String headerKey, String cookieKey, String argKey) {
        String key = switch (source) {
            case HEADER -> headerKey;
            case COOKIE -> cookieKey;
            case QUERY_ARG -> argKey;
            default -> null;
        };
        if (key == null) {
            return null;
        }
        String value = s.string(key, null);
        // Kong's query_arg names need length only (its spec hashes on " " and "\r\n"); headers and
        // cookies need a name with something in it.
        if (value == null || (source == HashOn.QUERY_ARG ? value.isEmpty() : value.isBlank())) {
            s.error(key, "required field missing"); // Kong's conditional entity check
            return null;
        }
        if (source == HashOn.HEADER && !KongHeaderName.valid(value)) {
            // Kong's typedefs.header_name.
            s.error(key, "bad header name '" + value + "', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
            return null;
        }
        return source == HashOn.HEADER ? value.toLowerCase(Locale.ROOT) : value;
    }

    private static HealthCheckSpec healthchecks(Section h) {
        h.allowOnly(HEALTHCHECKS, HEALTHCHECKS_ACCEPTED);
        double threshold = h.number("threshold", 0, 0, 100);
        Active active = active(h.section("active"));
        Passive passive = passive(h.section("passive"));
        String grpc = grpcType(h.section("active")) ? "active" : grpcType(h.section("passive")) ? "passive" : null;
        if (grpc != null) {
            // Kong's schema takes grpc and grpcs; its health checker library does not, so Kong
            // creates none and the upstream has no health checks at all (helper review 166).
            String at = h.location() == null ? "" : " (" + h.location() + ")";
            java.util.logging.Logger.getLogger(UpstreamParser.class.getName())
                    .warning(() -> h.path() + "." + grpc + ".type" + at
                            + ": grpc health checks are not run, as on Kong, whose health checker"
                            + " refuses the type: this upstream has no health checks");
            return new HealthCheckSpec(Active.OFF, Passive.OFF, threshold);
        }
        return new HealthCheckSpec(active, passive, threshold);
    }

    /** RFC 3986's pchar and '/', with every '%' starting an escape. */
    private static boolean validPathCharacters(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length()
                        || Character.digit(path.charAt(i + 1), 16) < 0
                        || Character.digit(path.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (!(c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean grpcType(Section s) {
        String type = s.string("type", "http");
        return "grpc".equals(type) || "grpcs".equals(type);
    }

    private static Active active(Section a) {
        a.allowOnly(ACTIVE, ACTIVE_ACCEPTED);
        String sni = a.checked("https_sni", a.string("https_sni", null), UpstreamParser::sniProblem);
        ProbeType type = probeType(a);
        String path = a.string("http_path", "/");
        if (path.isEmpty()) {
            a.error("http_path", "length must be at least 1");
        } else if (!path.startsWith("/")) {
            a.error("http_path", "should start with: /");
        } else if (path.contains("//")) {
            a.error("http_path", "must not have empty segments"); // Kong's typedefs.path
        } else if (!validPathCharacters(path)) {
            // Kong's typedefs.path: RFC 3986 path characters and well-formed escapes only (a probe
            // path the URI parser refuses would fail every probe).
            a.error(
                    "http_path",
                    "invalid path: '" + path + "' (characters outside of the reserved list of RFC 3986 found)");
        }
        int timeout = (int) a.seconds("timeout", 1000, MAX_SECONDS);
        if (timeout == 0) {
            // Kong takes 0 (its seconds type starts there); an nginx socket given 0 keeps its default.
            timeout = 60_000;
        }
        int concurrency = (int) Math.min(Integer.MAX_VALUE, a.integer("concurrency", 10, 1, 2147483648L)); // Kong: 2^31
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Section hs = a.section("headers");
        for (String header : hs.keys()) {
            headers.put(
                    header, hs.strings(header).stream().map(Section.Item::value).toList());
        }
        boolean verify = a.bool("https_verify_certificate", true);
        Section healthy = a.section("healthy");
        healthy.allowOnly(HEALTHY, Set.of());
        Section unhealthy = a.section("unhealthy");
        unhealthy.allowOnly(UNHEALTHY, Set.of());
        return new Active(
                type,
                path,
                timeout,
                concurrency,
                headers,
                verify,
                healthy.seconds("interval", 0, MAX_SECONDS),
                counter(healthy, "successes"),
                statuses(healthy, HealthCheckSpec.Active.HEALTHY_STATUSES),
                unhealthy.seconds("interval", 0, MAX_SECONDS),
                counter(unhealthy, "http_failures"),
                counter(unhealthy, "tcp_failures"),
                counter(unhealthy, "timeouts"),
                statuses(unhealthy, HealthCheckSpec.Active.UNHEALTHY_STATUSES),
                sni);
    }

    private static ProbeType probeType(Section a) {
        String type = a.string("type", "http");
        return switch (type) {
            case "http" -> ProbeType.HTTP;
            case "https" -> ProbeType.HTTPS;
            case "tcp" -> ProbeType.TCP;
            case "grpc", "grpcs" -> ProbeType.TCP; // not run: see healthchecks
            default -> {
                a.error("type", "expected one of: tcp, http, https, grpc, grpcs"); // Kong's words
                yield ProbeType.HTTP;
            }
        };
    }

    private static Passive passive(Section p) {
        p.allowOnly(PASSIVE, Set.of());
        String type = p.string("type", "http");
        if (!Set.of("http", "https", "tcp", "grpc", "grpcs").contains(type)) {
            p.error("type", "expected one of: tcp, http, https, grpc, grpcs"); // Kong's words
        }
        Section healthy = p.section("healthy");
        healthy.allowOnly(Set.of("successes", "http_statuses"), Set.of());
        Section unhealthy = p.section("unhealthy");
        unhealthy.allowOnly(Set.of("http_failures", "tcp_failures", "timeouts", "http_statuses"), Set.of());
        return new Passive(
                statuses(healthy, HealthCheckSpec.Passive.HEALTHY_STATUSES),
                counter(healthy, "successes"),
                statuses(unhealthy, HealthCheckSpec.Passive.UNHEALTHY_STATUSES),
                counter(unhealthy, "tcp_failures"),
                counter(unhealthy, "timeouts"),
                counter(unhealthy, "http_failures"),
                p.seconds("fail_timeout", 0, MAX_SECONDS)); // Kong: out until a probe or an operator
    }

    private static int counter(Section s, String key) {
        return (int) s.integer(key, 0, 0, MAX_COUNTER);
    }

    private static Set<Integer> statuses(Section s, Set<Integer> fallback) {
        List<Long> values = s.integers("http_statuses", 100, 999);
        if (values == null) {
            return fallback;
        }
        Set<Integer> out = new HashSet<>();
        values.forEach(v -> out.add(v.intValue()));
        return out;
    }

    /** One target (nested in its upstream, or top-level naming it); null when unusable (errors are recorded). */
    static TargetSpec target(Section t) {
        t.allowEntity(TARGET, TARGET_ACCEPTED);
        AcceptedFields.common(t, true);
        EntityRefs.id(t);
        String target = t.requiredString("target");
        int weight = (int) t.integer("weight", 100, 0, 65535);
        int maxFails = (int) t.integer("max_fails", 0, 0, MAX_COUNTER);
        long failTimeout = t.seconds("fail_timeout", maxFails > 0 ? NGINX_FAIL_TIMEOUT * 1000L : 0, MAX_SECONDS);
        if (t.has("fail_timeout") && maxFails == 0) {
            t.error("fail_timeout", "needs max_fails");
        }
        if (target == null) {
            return null;
        }
        HostPort hp = hostPort(t, target);
        if (hp == null) {
            return null;
        }
        return new TargetSpec(hp.host, hp.port, weight, maxFails, failTimeout);
    }

    private record HostPort(String host, int port) {}

    private static final java.util.regex.Pattern DOTTED_QUAD =
            java.util.regex.Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");

    /** {@code host:port}, {@code [v6]:port}, or a bare host (Kong's default port 8000; SRV names take none). */
    private static HostPort hostPort(Section t, String target) {
        if (target.startsWith("_")) {
            if (!SRV_NAME.matcher(target).matches()) {
                t.error(
                        "target",
                        "expected an SRV name such as _service._tcp.example.com (no port), got '" + target + "'");
                return null;
            }
            return new HostPort(target.toLowerCase(Locale.ROOT), 0);
        }
        if (!target.startsWith("[")
                && target.indexOf(':') != target.lastIndexOf(':')
                && com.google.common.net.InetAddresses.isInetAddress(target)) {
            // Kong's normalize_ipv6 takes a bare IPv6 address too: all of it is the address.
            return new HostPort(target.toLowerCase(Locale.ROOT), 8000);
        }
        // Host names may hold '_' (Kong's do); java.net.URI would find no host in them.
        HostNames.HostPort hp = HostNames.hostPort(target);
        if (hp != null
                && DOTTED_QUAD.matcher(hp.host()).matches()
                && !com.google.common.net.InetAddresses.isInetAddress(hp.host())) {
            hp = null; // Kong reads four dotted numbers as an IPv4 address (999.1.1.1 is none), never a name
        }
        if (hp == null) {
            t.error("target", "Invalid target ('" + target + "'); not a valid hostname or ip address"); // Kong's
            return null;
        }
        return new HostPort(hp.host().toLowerCase(Locale.ROOT), hp.port() > 0 ? hp.port() : 8000);
    }
}
