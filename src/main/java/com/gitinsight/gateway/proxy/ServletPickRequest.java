package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.UpstreamSpec.HashOn;
import com.gitinsight.gateway.upstream.PickRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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
            case IP -> request.getRemoteAddr();
            case HEADER -> request.getHeader(name);
            case COOKIE -> cookieOrNew(name);
            // The normalised path (nginx's $uri, as Kong hashes it): one key whatever the spelling.
            case PATH -> path();
            case QUERY_ARG -> queryArg(name);
        };
    }

    private String path() {
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.of(request);
        return context != null && context.path() != null ? context.path() : request.getRequestURI();
    }

    /** {@code name=value} of a cookie made for this request, or null. */
    String newCookie() {
        return newCookieName == null ? null : newCookieName + "=" + newCookieValue;
    }

    private String cookieOrNew(String name) {
        String value = cookie(name);
        if (value == null) {
            if (newCookieValue == null) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                newCookieName = name;
                newCookieValue = new UUID(random.nextLong(), random.nextLong()).toString();
            }
            value = newCookieValue;
        }
        return value;
    }

    private String cookie(String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (c.getName().equals(name)) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    private String queryArg(String name) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        int from = 0;
        while (from <= query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', from);
            String key = eq >= 0 && eq < end ? query.substring(from, eq) : query.substring(from, end);
            if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                return eq >= 0 && eq < end
                        ? URLDecoder.decode(query.substring(eq + 1, end), StandardCharsets.UTF_8)
                        : "";
            }
            if (amp < 0) {
                break;
            }
            from = amp + 1;
        }
        return null;
    }
}
