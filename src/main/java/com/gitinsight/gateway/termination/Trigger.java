package com.gitinsight.gateway.termination;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Kong's trigger test: a header of that name (any case; an {@code _} in the name also matches a
 * {@code -}, as nginx's header table does), or a query argument of exactly that name, with any value.
 */
final class Trigger {

    private Trigger() {}

    static boolean present(HttpServletRequest request, String name) {
        if (request.getHeader(name) != null) {
            return true;
        }
        if (name.indexOf('_') >= 0 && request.getHeader(name.replace('_', '-')) != null) {
            return true;
        }
        return hasQueryArgument(request.getQueryString(), name);
    }

    static boolean hasQueryArgument(String query, String name) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            int eq = query.indexOf('=', start);
            String key = query.substring(start, eq >= 0 && eq < end ? eq : end);
            if (decode(key).equals(name)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape: compare as sent
        }
    }
}
