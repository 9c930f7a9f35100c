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
        // Kong's cacheable_request: with cache_control, no-store or any Authorization bypasses. The
        // method is the one the backend gets (request-transformer's http_method sets it before
        // proxy-cache runs, as Kong's set_method does: a GET sent on as POST is no cached GET;
        // helper review 284).
        String method = context.upstreamMethod() != null ? context.upstreamMethod() : request.getMethod();
        if (!config.methods().contains(method)
                || config.cacheControl()
                        && (requestSays(request, "no-store") || request.getHeader("Authorization") != null)) {
            return BYPASS;
        }
        int headerFacts = headerFacts(request, config, context);
        if ((headerFacts & OVERRIDES_METHOD) != 0
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
        // A credential the key does not hold (helper review 251): ?access_token=ALICE (RFC 6750 2.3)
        // with vary_query_params [page], or an X-Api-Key the backend reads itself, stored under the
        // key every user asks with. Only the credential an auth plugin verified puts its user in the key.
        if ((headerFacts & UNKEYED_CREDENTIAL) != 0 || unkeyedCredentialArgument(config, context, request)) {
            return SHARED_ONLY;
        }
        return CACHE;
    }

    private static final int OVERRIDES_METHOD = 1;
    private static final int UNKEYED_CREDENTIAL = 2;

    /**
     * Header names by convention a credential, as letters and digits only, lower-case (so
     * {@code X_Api_Key}, {@code X-ApiKey} and {@code x-api-key} are one): API keys and tokens of
     * common APIs (GitLab's Private-Token, Vault's, AWS's session token, Google's API key).
     * {@code Authorization} and {@code Cookie} have their own rules, and {@code Proxy-Authorization}
     * never reaches a backend (hop-by-hop).
     */
    static final java.util.Set<String> CREDENTIAL_HEADERS = java.util.Set.of(
            "xapikey",
            "apikey",
            "xauthtoken",
            "authtoken",
            "xaccesstoken",
            "accesstoken",
            "xtoken",
            "token",
            "xsessiontoken",
            "privatetoken",
            "xvaulttoken",
            "xamzsecuritytoken",
            "xgoogapikey",
            // Helper review 284: a backend's own API key or token schemes.
            "xauthkey",
            "authkey",
            "xapitoken",
            "apitoken",
            "xauthorization",
            "xauth");

    /**
     * Query arguments by convention a credential, squeezed as the headers: RFC 6750's access_token,
     * key-auth's apikey, jwt's jwt, and their kin.
     */
    static final java.util.Set<String> CREDENTIAL_ARGUMENTS = java.util.Set.of(
            "accesstoken",
            "apikey",
            "jwt",
            "token",
            "authtoken",
            "idtoken",
            "sessiontoken",
            // Helper review 284: Google's key, GitLab's private_token, and kin.
            "key",
            "privatetoken",
            "apitoken",
            "auth");

    /** {@code name} in lower case with only its letters and digits. */
    static String squeezed(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                out.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                out.append((char) (c + 32));
            }
        }
        return out.toString();
    }

    /**
     * One pass over the request's header names: a method override; a credential header the key
     * leaves out, that reaches the backend (no plugin removed it) and is not the one an auth plugin
     * verified on this request.
     */
    private static int headerFacts(HttpServletRequest request, ProxyCacheSchema.Config config, RequestContext context) {
        int facts = 0;
        for (java.util.Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            if (isOverride(name)) {
                facts |= OVERRIDES_METHOD;
            } else if (mayBeCredentialHeader(name)
                    && CREDENTIAL_HEADERS.contains(squeezed(name))
                    && !config.varyHeaders().contains(com.gitinsight.gateway.http.IdentityHeaders.fold(name))
                    && !removedForTheBackend(context, name)
                    && !context.credentialVerifiedFromHeader(name)) {
                facts |= UNKEYED_CREDENTIAL;
            }
        }
        return facts;
    }

    /** A cheap look before any copy: short enough, and "key", "token" or "auth" in it (any case). */
    private static boolean mayBeCredentialHeader(String name) {
        int n = name.length();
        if (n < 5 || n > 24 || n == 13 && name.equalsIgnoreCase("Authorization")) {
            return false; // (Authorization has its own rule)
        }
        for (int i = n - 3; i >= 0; i--) {
            if (name.regionMatches(true, i, "key", 0, 3)
                    || name.regionMatches(true, i, "token", 0, 5)
                    || name.regionMatches(true, i, "auth", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    /** A plugin (request-transformer, hide_credentials) took the header out of what the backend gets. */
    private static boolean removedForTheBackend(RequestContext context, String name) {
        java.util.Map<String, String> set = context.upstreamHeaders();
        return !set.isEmpty() && set.containsKey(name) && set.get(name) == null;
    }

    /**
     * A credential argument the key leaves out (with {@code vary_query_params} empty every argument
     * is keyed), other than the one an auth plugin verified: its name decoded, in any case and as
     * PHP reads it ({@code access.token}, {@code api key}, a leading space, a NUL ending it).
     */
    private static boolean unkeyedCredentialArgument(
            ProxyCacheSchema.Config config, RequestContext context, HttpServletRequest request) {
        if (config.varyQueryParams().isEmpty()) {
            return false;
        }
        String query = context.upstreamQuery() != null ? context.upstreamQuery() : request.getQueryString();
        if (query == null || query.indexOf('%') < 0 && !mentionsCredential(query)) {
            return false;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            String name = com.gitinsight.gateway.http.UrlArgs.decodePart(eq < 0 ? part : part.substring(0, eq));
            if (config.varyQueryParams().contains(name) || context.credentialVerifiedFromArgument(name)) {
                continue; // keyed as sent, or the verified credential (its user is in the key)
            }
            int nul = name.indexOf('\0');
            String base = nul >= 0 ? name.substring(0, nul) : name;
            int bracket = base.indexOf('[');
            if (bracket >= 0 && base.indexOf(']', bracket) >= 0) {
                base = base.substring(0, bracket); // PHP's array of that name (access_token[]=)
            }
            // Squeezed: PHP's '.', ' ' and unclosed '[' as '_', and every other spelling of the word.
            if (CREDENTIAL_ARGUMENTS.contains(squeezed(base))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code query} holds "token", "key" or "jwt" in any case (the credential names' tails). */
    private static boolean mentionsCredential(String query) {
        for (int i = query.length() - 3; i >= 0; i--) {
            if (query.regionMatches(true, i, "key", 0, 3)
                    || query.regionMatches(true, i, "jwt", 0, 3)
                    || query.regionMatches(true, i, "token", 0, 5)
                    || query.regionMatches(true, i, "auth", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.Set<String> METHOD_OVERRIDES =
            java.util.Set.of("x-http-method-override", "x-http-method", "x-method-override");

    /** A name request-transformer set for the backend is a method override. */
    private static boolean overridesMethod(java.util.Set<String> upstreamNames) {
        for (String name : upstreamNames) {
            if (isOverride(name)) {
                return true;
            }
        }
        return false;
    }

    /** A method-override header, in any case and with '_' for '-' (a folding backend reads both). */
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
