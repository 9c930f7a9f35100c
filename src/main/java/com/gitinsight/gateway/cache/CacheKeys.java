package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.http.ForwardingHeaders;
import com.gitinsight.gateway.http.IdentityHeaders;
import com.gitinsight.gateway.http.UrlArgs;
import com.gitinsight.gateway.runtime.RequestContext;
import com.google.common.hash.Hashing;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cache key: route, method, host, path, the query (all parameters, sorted, unless
 * {@code vary_query_params} names some) and the {@code vary_headers} as the backend gets them
 * (after request-transformer, as Kong's), and, when the request
 * authenticated, its consumer and (unless {@code vary_identity: consumer}) its user, so one user
 * never gets another's response, and the body's digest ({@link KeyedBody}; not in Kong's key),
 * so one client's POST is never answered with the response to another's. Hashed into the
 * {@code X-Cache-Key} value: as Kong's, the SHA-256 of the key in 64 hex digits (Kong's key holds neither the host nor the user, so the
 * same request gives a different value here).
 */
final class CacheKeys {

    private CacheKeys() {}

    /** The path as cached and indexed (lower-cased with {@code ignore_uri_case}). */
    static String path(ProxyCacheSchema.Config config, HttpServletRequest request) {
        // The normalised path the route matched: every spelling of one resource is one entry, and
        // eviction templates (plain paths) find it.
        RequestContext context = RequestContext.of(request);
        String path = context != null && context.path() != null ? context.path() : request.getRequestURI();
        return config.ignoreUriCase() ? asciiLowerCase(path) : path;
    }

    /**
     * A–Z lower-cased, as Lua's {@code string.lower}: Java's would fold the Kelvin sign into
     * {@code k}, so {@code /boo%E2%84%AAs} would share {@code /books}'s entry (and its answer).
     */
    static String asciiLowerCase(String path) {
        char[] out = null;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = path.toCharArray();
                }
                out[i] = (char) (c + ('a' - 'A'));
            }
        }
        return out == null ? path : new String(out);
    }

    /** {@code bodyDigest}: {@link KeyedBody#digest}, "" for a request without a body. */
    static String key(
            ProxyCacheSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            String path,
            String bodyDigest) {
        StringBuilder k = new StringBuilder(160);
        k.append(route(context.match().route(), context))
                .append('\n')
                .append(request.getMethod())
                .append('\n');
        String host = request.getHeader("Host");
        k.append(host == null ? "" : host.toLowerCase(Locale.ROOT))
                .append('\n')
                .append(path)
                .append('\n');
        // What a plugin made of the request line (request-transformer's replace.uri from a header,
        // its http_method, its replace host from a header): the backend answers that, so two requests
        // sent differently never share.
        if (context.upstreamPath() != null || context.upstreamMethod() != null || context.upstreamHost() != null) {
            k.append("upstream=")
                    .append(context.upstreamMethod() == null ? "" : context.upstreamMethod())
                    .append(' ')
                    .append(context.upstreamPath() == null ? "" : context.upstreamPath())
                    .append(' ')
                    .append(
                            context.upstreamHost() == null
                                    ? ""
                                    : com.google.common.base.Ascii.toLowerCase(context.upstreamHost()))
                    .append('\n');
        }
        // How the backend is told the request came (scheme, forwarded host, port, prefix): an
        // answer built from them (a redirect, absolute links) is not another request's.
        k.append(request.getScheme()).append(' ').append(request.getLocalPort());
        // The path as the client spelled it, which the backend gets in X-Forwarded-Path (Kong's
        // $request_uri, and Kong keys on it too): a spelling other than the normalised path keys
        // its own entry (attacker review 234: "/<script>/../items" stored an answer that echoed
        // it under /items's key, served to everyone asking for /items).
        String spelled = com.gitinsight.gateway.routing.RequestPath.forwardedPath(request.getRequestURI());
        if (!spelled.equals(context.path())) {
            k.append(" spelled=").append(spelled);
        }
        // Only a trusted proxy's values reach the backend; anyone else's are replaced by the
        // gateway's own, made from what the key holds already (attacker review 167: a client's
        // X-Forwarded-Proto: https keyed an answer the backend had built for http).
        if (context.fromTrustedProxy()) {
            // Every forwarding header the proxy's copy of reaches the backend, in one pass, by name.
            java.util.TreeMap<String, List<String>> forwarded = new java.util.TreeMap<>();
            Enumeration<String> names = request.getHeaderNames();
            while (names != null && names.hasMoreElements()) {
                String n = names.nextElement();
                String folded = n.toLowerCase(Locale.ROOT);
                if (ForwardingHeaders.NAMES.contains(folded)) {
                    Enumeration<String> values = request.getHeaders(n);
                    while (values != null && values.hasMoreElements()) {
                        forwarded
                                .computeIfAbsent(folded, x -> new ArrayList<>())
                                .add(values.nextElement());
                    }
                }
            }
            forwarded.forEach((name, values) ->
                    values.forEach(v -> k.append(' ').append(name).append('=').append(v)));
        }
        k.append('\n');
        // Always the codings the client takes (Kong's 06-accept_encoding_spec): a gzip body never
        // reaches a client that cannot read it, whether or not the backend sends Vary.
        // As the backend gets it: a value request-transformer set (or removed) is the one keyed
        // (attacker review 176: a header renamed to Accept-Encoding was not).
        Map<String, String> overrides = context.upstreamHeaders();
        List<String> codings;
        if (overrides.containsKey("Accept-Encoding")) {
            String set = overrides.get("Accept-Encoding");
            codings = set == null ? List.of() : List.of(set);
        } else {
            codings = clientValues(request, "Accept-Encoding");
        }
        k.append("ae=").append(acceptEncoding(codings)).append('\n');
        // The query and headers as the backend gets them, as Kong's key reads them after
        // request-transformer (kong.request.get_query, get_headers): two requests the backend sees
        // as different are two entries (a body merged into the query, a header added per tenant).
        String upstreamQuery = context.upstreamQuery();
        appendQuery(k, config, upstreamQuery != null ? upstreamQuery : request.getQueryString());
        Map<String, String> upstream = context.upstreamHeaders();
        for (String h : config.varyHeaders()) {
            if (h.equals("accept-encoding")) {
                continue; // keyed above, normalised (Kong's default vary_headers names it)
            }
            k.append(h).append('=');
            if (upstream.containsKey(h)) {
                String set = upstream.get(h); // null: removed for the backend
                if (set != null) {
                    k.append(set).append(',');
                }
            } else {
                // Sorted, as Kong's key sorts a header's values (05-cache_key_spec: a=1,2).
                List<String> values = new java.util.ArrayList<>(clientValues(request, h));
                java.util.Collections.sort(values);
                for (String v : values) {
                    k.append(v).append(',');
                }
            }
            k.append('\n');
        }
        String consumer = context.consumer();
        k.append(consumer == null ? "" : consumer).append('\n');
        // The consumer is an app: its users see their own data unless the route says otherwise.
        String subject = config.varyIdentity() == ProxyCacheSchema.VaryIdentity.SUBJECT ? context.subject() : null;
        k.append(subject == null ? "" : subject);
        if (!bodyDigest.isEmpty()) {
            // Only a request with a body: the keys of bodiless requests stay as they were.
            k.append("\nbody=").append(bodyDigest);
        }
        return Hashing.sha256().hashString(k, StandardCharsets.UTF_8).toString();
    }

    /** The forwarding headers the proxy may send on (from a trusted proxy) or set itself. */

    /**
     * The route, as it stays across reloads: its id or name, and its service; an unnamed route
     * without an id by what it matches (its position would give its entries to another route
     * after a reload that adds one before it).
     */
    private static String route(com.gitinsight.gateway.config.RouteSpec route, RequestContext context) {
        String service = context.match().service() == null
                ? ""
                : context.match().service().name();
        if (route.name() != null || route.id() != null) {
            // Not kongId(): it derives the id with two SHA-1 digests, on every cached request.
            return (route.id() != null ? "id:" + route.id() : "name:" + route.name()) + "|" + service;
        }
        return service + "|" + route.paths() + "|" + route.methods() + "|" + route.hosts() + "|" + route.headers() + "|"
                + route.stripPath() + "|" + route.pathHandling();
    }

    /**
     * Accept-Encoding as a set of codings: lower case, q-values dropped, sorted; absent, empty and
     * {@code *} are one (Kong's 06-accept_encoding_spec and its normalize). A coding the client refuses ({@code q=0}) is kept
     * apart as {@code -coding}: refusing gzip is not taking it (helper review 131), nor saying
     * nothing (which takes any).
     */
    static String acceptEncoding(List<String> values) {
        java.util.TreeSet<String> codings = new java.util.TreeSet<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                int semi = part.indexOf(';');
                String coding =
                        (semi < 0 ? part : part.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
                if (!coding.isEmpty() && !coding.equals("*")) { // Kong's normalize drops * as it drops ""
                    codings.add(semi >= 0 && refused(part.substring(semi + 1)) ? "-" + coding : coding);
                }
            }
        }
        return String.join(",", codings);
    }

    /** Whether the parameters of a coding give it {@code q=0} (0, 0., 0.0, 0.00 or 0.000). */
    private static boolean refused(String parameters) {
        for (String parameter : parameters.split(";")) {
            String p = parameter.strip();
            if (p.length() >= 3 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                String q = p.substring(2).strip();
                if (q.isEmpty() || q.charAt(0) != '0' || q.length() > 5 || q.length() > 1 && q.charAt(1) != '.') {
                    return false;
                }
                for (int i = 2; i < q.length(); i++) {
                    if (q.charAt(i) != '0') {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the backend's reading of {@code name} cannot be known, so a key or variant holding
     * the client's values of it may hold what the backend never saw: the client names it in
     * {@code Connection} (the gateway drops such a header), or sends it spelled with {@code _}
     * (CGI, WSGI and Rack backends read {@code Accept_Language} as {@code Accept-Language}; Java,
     * Go, Node and .NET ignore it). An answer to {@code Accept_Language: fr} stored under the
     * {@code fr} key would be the backend's default for every French client.
     */
    static boolean readUnknowable(HttpServletRequest request, String name) {
        String folded = IdentityHeaders.fold(name);
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String n = names.nextElement();
            if (n.indexOf('_') >= 0
                    && n.length() == folded.length()
                    && IdentityHeaders.fold(n).equals(folded)) {
                return true;
            }
        }
        Enumeration<String> connection = request.getHeaders("Connection");
        while (connection != null && connection.hasMoreElements()) {
            for (String token : connection.nextElement().split(",")) {
                if (IdentityHeaders.fold(token.trim()).equals(folded)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether any name the key reads from the client's headers is {@link #readUnknowable}: the
     * codings, the vary headers, and a trusted proxy's forwarding headers. One pass over the
     * request's header names and its Connection tokens.
     */
    static boolean keyUnknowable(ProxyCacheSchema.Config config, RequestContext context, HttpServletRequest request) {
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String n = names.nextElement();
            if (n.indexOf('_') >= 0 && keyed(config, context, IdentityHeaders.fold(n))) {
                return true;
            }
        }
        Enumeration<String> connection = request.getHeaders("Connection");
        while (connection != null && connection.hasMoreElements()) {
            for (String token : connection.nextElement().split(",")) {
                if (keyed(config, context, IdentityHeaders.fold(token.trim()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean keyed(ProxyCacheSchema.Config config, RequestContext context, String folded) {
        if (folded.equals("accept-encoding")
                || context.fromTrustedProxy() && ForwardingHeaders.NAMES.contains(folded)) {
            return true;
        }
        for (String h : config.varyHeaders()) {
            if (IdentityHeaders.fold(h).equals(folded)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's values of {@code name} under every spelling a backend reads as it: case-blind,
     * {@code _} as {@code -} ({@code Accept_Language} is {@code HTTP_ACCEPT_LANGUAGE} to a CGI,
     * WSGI or Rack backend, and the proxy sends it on).
     */
    static List<String> clientValues(HttpServletRequest request, String name) {
        String folded = IdentityHeaders.fold(name);
        List<String> out = new ArrayList<>(2);
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String n = names.nextElement();
            if (n.length() == folded.length() && IdentityHeaders.fold(n).equals(folded)) {
                Enumeration<String> values = request.getHeaders(n);
                while (values != null && values.hasMoreElements()) {
                    out.add(values.nextElement());
                }
            }
        }
        return out;
    }

    /**
     * Whether an argument {@code vary_query_params} leaves out of the key may be read by the backend
     * as one it keys (helper review 190): {@code PAGE=2} (ASP.NET reads names in any case),
     * {@code page[]=2} or {@code pa.ge} spellings (PHP, Rack), or a {@code ;} in it
     * ({@code utm=x;page=2}: Rack before 3 and older Python split arguments on it). Kong keys
     * exact names only, and would store page 2 under the key of {@code /list}.
     */
    static boolean queryUnknowable(ProxyCacheSchema.Config config, RequestContext context, HttpServletRequest request) {
        String query = context.upstreamQuery() != null ? context.upstreamQuery() : request.getQueryString();
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String p : query.split("&")) {
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq);
            if (name.indexOf('%') >= 0 || name.indexOf('+') >= 0) {
                name = UrlArgs.decodePart(name);
            }
            if (config.varyQueryParams().contains(name)) {
                continue; // keyed as sent, whatever it holds
            }
            int nul = name.indexOf('\0');
            if (nul >= 0) {
                name = name.substring(0, nul); // PHP ends a name at a NUL (helper review 192: page%00=2)
            }
            if (p.indexOf(';') >= 0) {
                return true;
            }
            for (String keyed : config.varyQueryParams()) {
                if (name.equalsIgnoreCase(keyed) || com.gitinsight.gateway.http.FieldNames.sameField(name, keyed)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void appendQuery(StringBuilder k, ProxyCacheSchema.Config config, String query) {
        if (query == null || query.isEmpty()) {
            k.append('\n');
            return;
        }
        List<String> params = new ArrayList<>();
        for (String p : query.split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq);
            if (name.indexOf('%') >= 0 || name.indexOf('+') >= 0) {
                // The name the backend reads (p%61ge is page), as Kong's key reads decoded arguments;
                // the argument itself is keyed as sent.
                name = UrlArgs.decodePart(name);
            }
            if (config.varyQueryParams().isEmpty() || config.varyQueryParams().contains(name)) {
                params.add(name + "\u0000" + p);
            }
        }
        // By name only, each name's values in their order: ?page=2&page=1 is not ?page=1&page=2 to a
        // backend that reads the first (or the last) value.
        params.sort(java.util.Comparator.comparing(p -> p.substring(0, p.indexOf('\u0000'))));
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            params.set(i, p.substring(p.indexOf('\u0000') + 1));
        }
        k.append(String.join("&", params)).append('\n');
    }
}
