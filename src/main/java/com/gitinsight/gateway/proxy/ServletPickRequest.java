package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.UpstreamSpec.HashOn;
import com.gitinsight.gateway.upstream.PickRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * A hashing balancer's view of one servlet request. The query string is scanned here rather than
 * through {@code getParameter}, which would consume a form body that must be streamed upstream.
 * Hashing on a cookie the client does not have yet makes one (as Kong does), to be set on the
 * response so that the client sticks to its target from then on.
 */
final class ServletPickRequest implements PickRequest {

    private final HttpServletRequest request;
    private final String consumer;
    private String newCookieName;
    private String newCookieValue;

    ServletPickRequest(HttpServletRequest request, String consumer) {
        this.request = request;
        this.consumer = consumer;
    }

    @Override
    public String hashValue(HashOn source, String name) {
        return switch (source) {
            case NONE -> null;
            case CONSUMER -> consumer;
            case IP -> clientAddress();
            // Kong reads nginx's $http_<name>: x_tenant is the X-Tenant header (helper review 263).
            case HEADER -> header(name.replace('_', '-'));
            case COOKIE -> cookieOrNew(name);
            // nginx's $uri, as Kong hashes it: every escape decoded, one key whatever the spelling.
            case PATH -> com.gitinsight.gateway.routing.RequestPath.asNginxUri(path());
            case QUERY_ARG -> queryArg(name);
        };
    }

    /** The client's address as the gateway reads it (behind trusted proxies, the one they name), as nginx's $remote_addr. */
    private String clientAddress() {
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.of(request);
        return context != null && context.clientAddress() != null ? context.clientAddress() : request.getRemoteAddr();
    }

    private String path() {
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.of(request);
        return context != null && context.path() != null ? context.path() : request.getRequestURI();
    }

    /**
     * The header as the backend gets it, as Kong's balancer reads it after every plugin's access
     * phase: a value a plugin set (X-Consumer-ID after key-auth) or removed rather than the
     * client's, never a client's identity header (the gateway drops those), several lines joined
     * with {@code ", "} as nginx's {@code $http_} variable joins them. A client must not choose its
     * target by forging what a plugin decides.
     */
    private String header(String name) {
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.of(request);
        if (context != null && context.upstreamHost() != null && name.equalsIgnoreCase("host")) {
            return context.upstreamHost(); // request-transformer's replace host, as Kong's set_header sets it
        }
        java.util.Map<String, String> decided = context == null ? java.util.Map.of() : context.upstreamHeaders();
        if (decided.containsKey(name)) {
            String value = decided.get(name);
            return value == null
                    ? null
                    : value.replace(String.valueOf(com.gitinsight.gateway.runtime.RequestContext.LINES), ", ");
        }
        if (UpstreamHeaders.isIdentity(UpstreamHeaders.fold(name))) {
            return null;
        }
        return com.gitinsight.gateway.http.HeaderLines.join(request.getHeaders(name), ", ");
    }

    /** {@code name=value} of a cookie made for this request, or null. */
    String newCookie() {
        return newCookieName == null ? null : newCookieName + "=" + newCookieValue;
    }

    private String cookieOrNew(String name) {
        String value = cookie(name);
        if (value == null) {
            if (newCookieValue == null) {
                newCookieName = name;
                // A version-4 UUID, as Kong's balancer makes it (helper review 239).
                newCookieValue = com.gitinsight.gateway.observability.IdGenerator.random()
                        .toString();
            }
            value = newCookieValue;
        }
        return value;
    }

    private String cookie(String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            // nginx's $cookie_<name>, which Kong reads: the first cookie of that name in any case.
            for (Cookie c : cookies) {
                if (c.getName().equalsIgnoreCase(name)) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    /**
     * Kong's {@code get_query_arg}: the argument's value as nginx decodes it (a malformed escape kept
     * as written, never an error), {@code true} for a bare argument, several values sorted and
     * joined with {@code ,}; null when absent.
     */
    private String queryArg(String name) {
        // The query as the backend gets it (request-transformer's changes), as Kong reads its args.
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.of(request);
        String query = context != null && context.upstreamQuery() != null
                ? (context.upstreamQuery().isEmpty() ? null : context.upstreamQuery())
                : request.getQueryString();
        if (query == null) {
            return null;
        }
        java.util.List<String> values =
                com.gitinsight.gateway.http.UrlArgs.decode(query).get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        java.util.List<String> named = new java.util.ArrayList<>(values.size());
        for (String v : values) {
            named.add(v == null ? "true" : v);
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        java.util.Collections.sort(named);
        return String.join(",", named);
    }
}
