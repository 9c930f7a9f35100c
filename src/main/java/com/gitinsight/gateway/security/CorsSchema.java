package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kong's {@code cors} plugin: fields, defaults and Kong's origin rules. An origin entry is
 * compared with the request's {@code Origin} after both are normalised (scheme, host and a port
 * that is not the scheme's default); an entry with a character other than letters, digits and
 * {@code .:/-} is a regex, anchored at both ends, matched against the host alone when it has no
 * {@code :}, else against the normalised origin. A lone {@code *}, or no entry at all, allows
 * every origin; a {@code *} among other entries allows every request that has an {@code Origin}
 * (with {@code Vary: Origin}); a single plain entry is sent as configured, whatever the request's
 * origin.
 */
public final class CorsSchema implements PluginSchema {

    public static final String NAME = "cors";
    private static final Set<String> FIELDS = Set.of(
            "origins",
            "methods",
            "headers",
            "exposed_headers",
            "credentials",
            "max_age",
            "preflight_continue",
            "private_network",
            "allow_origin_absent");
    private static final Set<String> ACCEPTED = Set.of();

    private static final List<String> METHODS =
            List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT");
    /** Kong's schema's one_of, in its order (its error lists them so; 02-schema_spec). */
    private static final String METHODS_ONE_OF = "GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT";
    /** Kong: an origin entry with any other character is a regex. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9.:/-]+");

    /**
     * An origin entry: a plain one by its normalised {@code domain}, or a {@code regex}, matched
     * against the request origin's host ({@code byHost}: the entry has no {@code :}) or domain.
     */
    public record Origin(String domain, Pattern regex, boolean byHost) {

        /**
         * A {@code *} among other entries: Kong returns allow-all as soon as it meets one while
         * reading the list, before comparing any entry, so it allows every request with an Origin.
         */
        static final Origin STAR = new Origin("*", null, false);

        boolean matches(Normalized origin) {
            if (this == STAR) {
                return true;
            }
            if (regex == null) {
                return domain.equals(origin.domain());
            }
            // Bounded, the Origin being the client's: past the bound it is not allowed (fails closed).
            return com.gitinsight.gateway.routing.MatchBudget.matches(regex, byHost ? origin.host() : origin.domain())
                    == com.gitinsight.gateway.routing.MatchBudget.Result.FOUND;
        }
    }

    /** An origin as Kong compares it: {@code scheme://host[:port]} without a default port, and its host. */
    public record Normalized(String domain, String host) {

        /** What {@link Config#matching} returns when a {@code *} entry was reached: allow all. */
        public static final Normalized ANY = new Normalized("*", "*");

        /** Kong's normalize_origin: a value without {@code scheme://host} stays as it is. */
        public static Normalized of(String origin) {
            int scheme = origin.indexOf("://");
            if (scheme <= 0) {
                return new Normalized(origin, origin);
            }
            String rest = origin.substring(scheme + 3);
            int end = rest.length();
            for (char c : new char[] {'/', '?', '#'}) {
                int at = rest.indexOf(c);
                if (at >= 0 && at < end) {
                    end = at;
                }
            }
            String authority = rest.substring(0, end);
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            String host;
            String port = null;
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                host = close < 0 ? authority : authority.substring(0, close + 1);
                if (close >= 0 && authority.length() > close + 2 && authority.charAt(close + 1) == ':') {
                    port = authority.substring(close + 2);
                }
            } else {
                int colon = authority.lastIndexOf(':');
                host = colon < 0 ? authority : authority.substring(0, colon);
                port = colon < 0 ? null : authority.substring(colon + 1);
            }
            if (host.isEmpty()) {
                return new Normalized(origin, origin);
            }
            String s = origin.substring(0, scheme);
            if (port != null
                    && (port.isEmpty()
                            || "http".equals(s) && "80".equals(port)
                            || "https".equals(s) && "443".equals(port))) {
                port = null;
            }
            return new Normalized(s + "://" + host + (port == null ? "" : ":" + port), host);
        }
    }

    /**
     * {@code anyOrigin}: {@code *} or no entry. {@code configuredOrigin}: the one plain entry,
     * sent as it is. {@code headers} null: echo the request's Access-Control-Request-Headers.
     * Joined header values are precomputed, comma-joined without spaces as Kong sends them.
     */
    public record Config(
            boolean anyOrigin,
            String configuredOrigin,
            List<Origin> origins,
            String methods,
            String headers,
            String exposedHeaders,
            boolean credentials,
            String maxAge,
            boolean preflightContinue,
            boolean privateNetwork,
            boolean allowOriginAbsent)
            implements PluginConfig {

        public Config {
            origins = List.copyOf(origins);
        }

        /**
         * Whether {@code origin} is one the entries name (the single plain entry too: compared
         * as any other); used where an origin is enforced, a WebSocket handshake.
         */
        public boolean allows(String origin) {
            return anyOrigin || origin != null && !origin.isEmpty() && matching(origin) != null;
        }

        /**
         * {@link Normalized#ANY} when the entries hold a {@code *}, else the normalised
         * {@code origin} when an entry names it, else null.
         */
        public Normalized matching(String origin) {
            if (origins.contains(Origin.STAR)) {
                return Normalized.ANY;
            }
            Normalized n = Normalized.of(origin);
            for (Origin o : origins) {
                if (o.matches(n)) {
                    return n;
                }
            }
            return null;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's cors handler.lua: first of the Kong plugins here, so a preflight is answered before authentication. */
    @Override
    public int priority() {
        return 2000;
    }

    /** Kong's {@code consumer = typedefs.no_consumer}: it runs before any consumer is known. */
    @Override
    public java.util.Set<com.gitinsight.gateway.config.PluginSpec.Scope> scopes() {
        return AuthSchemas.NO_CONSUMER;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.CorsFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, ACCEPTED);
        // Kong's required fields with defaults: absent, the default; an explicit null, refused.
        f.required("credentials", "preflight_continue", "private_network");
        boolean allowOriginAbsent = f.bool("allow_origin_absent", true);
        List<String> entries = f.strings("origins", List.of("*"));
        // Kong: only no entry or a lone * allows all without looking; a * among others is reached
        // in order, and only by a request with an Origin.
        boolean any = entries.isEmpty() || entries.size() == 1 && "*".equals(entries.get(0));
        List<Origin> origins = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            if ("*".equals(entry)) {
                origins.add(Origin.STAR);
                continue;
            }
            if (PLAIN.matcher(entry).matches()) {
                origins.add(new Origin(Normalized.of(entry).domain(), null, false));
                continue;
            }
            // Kong anchors a regex at both ends; an explicit ^ or $ is the same anchor.
            String regex = entry.startsWith("^") ? entry.substring(1) : entry;
            try {
                // PCRE's spellings Java lacks ([[:alnum:]], (?P<name>...)), as routes read them.
                origins.add(new Origin(
                        null,
                        Pattern.compile(com.gitinsight.gateway.config.RoutePaths.pcreRegex(regex)),
                        entry.indexOf(':') < 0));
            } catch (PatternSyntaxException e) {
                // Kong's message (Kong names the entry, config.origins[i]; the field here, whose line is known).
                f.error("origins", "'" + entry + "' is not a valid regex");
            }
        }
        String configured =
                !any && entries.size() == 1 && PLAIN.matcher(entries.get(0)).matches() ? entries.get(0) : null;
        List<String> headers = f.has("headers") ? f.strings("headers") : null;
        List<String> exposed = f.strings("exposed_headers", List.of());
        List<String> methods = f.strings("methods", METHODS);
        for (int i = 0; i < methods.size(); i++) {
            if (!METHODS.contains(methods.get(i))) {
                f.error("methods", "expected one of: " + METHODS_ONE_OF);
            }
        }
        // Kong's number, sent as Lua's tostring writes it (1.5, 3600, -1).
        String maxAge = f.has("max_age") && !f.isNull("max_age")
                ? luaNumber(f.number("max_age", 0, -Double.MAX_VALUE, Double.MAX_VALUE))
                : null;
        return new Config(
                any,
                configured,
                origins,
                // Kong joins the list as given: an empty one allows no method beyond the simple ones.
                String.join(",", methods),
                headers == null || headers.isEmpty() ? null : String.join(",", headers),
                exposed.isEmpty() ? null : String.join(",", exposed),
                f.bool("credentials", false),
                maxAge,
                f.bool("preflight_continue", false),
                f.bool("private_network", false),
                allowOriginAbsent);
    }

    /** A number as Lua's {@code tostring} writes it: whole ones without a fraction, else 14 significant digits. */
    public static String luaNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(v)
                .round(new java.math.MathContext(14))
                .stripTrailingZeros()
                .toPlainString();
    }
}
