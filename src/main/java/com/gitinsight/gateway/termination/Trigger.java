package com.gitinsight.gateway.termination;

import com.gitinsight.gateway.http.IdentityHeaders;
import com.gitinsight.gateway.http.UrlArgs;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;

/**
 * Kong's trigger test, on the request as the plugins before this one left it
 * ({@code kong.request.get_headers()} and {@code get_query()} after their access phases): a header
 * of that name (any case; an {@code _} in the name also matches a {@code -}, as nginx's header table
 * does) that a plugin set, or the client's unless a plugin removed it or it is an identity header
 * (which only an authentication plugin sets), or a query argument of exactly that name in the query
 * as they left it, with any value.
 */
final class Trigger {

    private Trigger() {}

    static boolean present(RequestContext context, HttpServletRequest request, String name) {
        String folded = IdentityHeaders.fold(name);
        Map<String, String> decided = context == null ? Map.of() : context.upstreamHeaders();
        Boolean set = null;
        for (Map.Entry<String, String> e : decided.entrySet()) {
            if (IdentityHeaders.fold(e.getKey()).equals(folded)) {
                set = e.getValue() != null;
            }
        }
        if (set != null ? set : clientHeader(request, name, folded)) {
            return true;
        }
        String query =
                context == null || context.upstreamQuery() == null ? request.getQueryString() : context.upstreamQuery();
        return hasQueryArgument(query, name);
    }

    /**
     * The client's header, never an identity header: Kong's auth plugins clear or set those
     * (X-Anonymous-Consumer), so a client's copy is no trigger (helper review 212).
     */
    private static boolean clientHeader(HttpServletRequest request, String name, String folded) {
        if (IdentityHeaders.isIdentity(folded)) {
            return false;
        }
        return request.getHeader(name) != null
                || name.indexOf('_') >= 0 && request.getHeader(name.replace('_', '-')) != null;
    }

    static boolean hasQueryArgument(String query, String name) {
        return UrlArgs.decode(query).containsKey(name);
    }
}
