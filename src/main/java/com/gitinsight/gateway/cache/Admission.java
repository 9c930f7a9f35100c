package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;

/** What the cache may do with a request, decided before anything is looked up. */
enum Admission {

    /** Answered from a stored entry when one matches; its response stored when storable. */
    CACHE,

    /**
     * It carries {@code Authorization} that no auth plugin verified (its subject is in the key only
     * then: a key-auth key or a jwt in the query says nothing of the header the backend reads), so
     * what it gets may be that credential's alone: a shared cache must not answer it from an entry,
     * nor keep its response for others unless the backend marked that shareable (RFC 9111 3.5:
     * {@code public}, {@code s-maxage}, {@code must-revalidate}).
     */
    SHARED_ONLY,

    /** Passes by the cache altogether ({@code X-Cache-Status: Bypass}). */
    BYPASS;

    static Admission of(ProxyCacheSchema.Config config, RequestContext context, HttpServletRequest request) {
        // Kong's cacheable_request: with cache_control, no-store or any Authorization bypasses.
        if (!config.methods().contains(request.getMethod())
                || config.cacheControl()
                        && (requestSays(request, "no-store") || request.getHeader("Authorization") != null)) {
            return BYPASS;
        }
        if (overridesMethod(request)
                || overridesMethod(context.upstreamHeaders().keySet())
                || methodInQuery(request)) {
            // The backend may run another method than the one keyed (Rails, Express, Symfony read
            // these): a DELETE's answer stored under the GET key would be served to everyone.
            return BYPASS;
        }
        if (CacheKeys.keyUnknowable(config, context, request)) {
            // A keyed header the backend may not get as keyed (named in Connection, spelled with '_').
            return BYPASS;
        }
        if (!config.varyQueryParams().isEmpty() && CacheKeys.queryUnknowable(config, context, request)) {
            // A keyed argument the backend may read from an argument the key leaves out.
            return BYPASS;
        }
        // Varnish's built-in rule: a cookie may carry a session that selects the answer, and only a
        // key holding the cookie tells one session's entry from another's.
        if (request.getHeader("Cookie") != null && !config.varyHeaders().contains("cookie")) {
            return BYPASS;
        }
        if (request.getHeader("Authorization") != null
                && !context.authorizationVerified()
                && !config.varyHeaders().contains("authorization")) {
            return SHARED_ONLY;
        }
        return CACHE;
    }

    private static final java.util.Set<String> METHOD_OVERRIDES =
            java.util.Set.of("x-http-method-override", "x-http-method", "x-method-override");

    /** It carries a method-override header, in any case and with '_' for '-' (a folding backend reads both). */
    static boolean overridesMethod(HttpServletRequest request) {
        for (java.util.Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            if (isOverride(names.nextElement())) {
                return true;
            }
        }
        return false;
    }

    /** A name request-transformer set for the backend is a method override. */
    private static boolean overridesMethod(java.util.Set<String> upstreamNames) {
        for (String name : upstreamNames) {
            if (isOverride(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOverride(String name) {
        return name.length() >= 13
                && name.length() <= 22
                && METHOD_OVERRIDES.contains(name.replace('_', '-').toLowerCase(Locale.ROOT));
    }

    /** {@code _method} in the query (Symfony, Laravel, Rails read it), whatever vary_query_params keys. */
    static boolean methodInQuery(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null || query.indexOf('%') < 0 && !mentionsMethod(query)) {
            return false;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            // Decoded, as the backend reads it (attacker review 158: ?_m%65thod=DELETE passed).
            String name = com.gitinsight.gateway.http.UrlArgs.decodePart(eq < 0 ? part : part.substring(0, eq));
            if (name.equalsIgnoreCase("_method")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code query} holds "method" in any case, without a lower-case copy per request. */
    private static boolean mentionsMethod(String query) {
        for (int i = query.length() - 6; i >= 0; i--) {
            if (query.regionMatches(true, i, "method", 0, 6)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The request's {@code Cache-Control} lines as one list (Kong joins a repeated header's lines with
     * ", "), or null when it has none.
     */
    private static String cacheControl(HttpServletRequest request) {
        return com.gitinsight.gateway.http.HeaderLines.join(request.getHeaders("Cache-Control"), ", ");
    }

    /** The seconds of the request's {@code Cache-Control} {@code directive=N}, or -1 (absent or unreadable). */
    static long requestSeconds(HttpServletRequest request, String directive) {
        String cc = cacheControl(request);
        if (cc == null) {
            return -1;
        }
        for (String part : cc.split(",")) {
            String d = part.trim();
            int eq = d.indexOf('=');
            if (eq > 0 && d.substring(0, eq).trim().equalsIgnoreCase(directive)) {
                String value = d.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                try {
                    return Math.max(0, Long.parseLong(value));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The request's {@code Cache-Control} has {@code directive} (a directive of that name, any case, any value). */
    static boolean requestSays(HttpServletRequest request, String directive) {
        return directive(request, directive) >= 0;
    }

    /** The request's {@code Cache-Control} has {@code directive} with a value ({@code directive=...}). */
    static boolean hasValue(HttpServletRequest request, String directive) {
        return directive(request, directive) > 0;
    }

    /** -1: the request's {@code Cache-Control} has no {@code directive}; 0: it has it bare; 1: with a value. */
    private static int directive(HttpServletRequest request, String directive) {
        String cc = cacheControl(request);
        if (cc == null) {
            return -1;
        }
        int found = -1;
        for (String part : cc.split(",")) {
            int eq = part.indexOf('=');
            if ((eq < 0 ? part : part.substring(0, eq)).strip().equalsIgnoreCase(directive)) {
                found = Math.max(found, eq < 0 ? 0 : 1);
            }
        }
        return found;
    }
}
