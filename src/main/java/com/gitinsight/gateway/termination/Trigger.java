package com.gitinsight.gateway.termination;

import com.gitinsight.gateway.http.UrlArgs;
import jakarta.servlet.http.HttpServletRequest;

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
        return UrlArgs.decode(query).containsKey(name);
    }
}
