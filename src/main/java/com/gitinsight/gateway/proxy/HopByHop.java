package com.gitinsight.gateway.proxy;

import java.util.Locale;
import java.util.Set;

/** RFC 9110 7.6.1: headers that belong to one connection and are never forwarded. */
final class HopByHop {

    private static final Set<String> ALWAYS = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade");

    private HopByHop() {}

    /**
     * Whether the request's {@code TE} lists {@code trailers}: Kong then sends {@code TE: trailers}
     * upstream (the one TE value that is end to end) and keeps a backend's {@code Trailer} header.
     */
    static boolean wantsTrailers(jakarta.servlet.http.HttpServletRequest request) {
        if (request.getHeader("TE") == null) {
            return false; // the common case: no enumeration made per request
        }
        for (java.util.Enumeration<String> te = request.getHeaders("TE"); te != null && te.hasMoreElements(); ) {
            if (listsToken(te.nextElement(), "trailers")) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code name} must not cross the proxy, given the message's Connection header. */
    static boolean isHopByHop(String name, String connectionHeader) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (ALWAYS.contains(lower)) {
            return true;
        }
        return connectionHeader != null && listsToken(connectionHeader, lower);
    }

    /**
     * Every {@code Connection} line of a request as one list (RFC 9110 7.6.1: each line's options
     * count, not the first's only); null when there is none.
     */
    static String connectionOptions(java.util.Enumeration<String> lines) {
        return com.gitinsight.gateway.http.HeaderLines.join(lines, ",");
    }

    /** As {@link #connectionOptions(java.util.Enumeration)}, for a backend's answer. */
    static String connectionOptions(org.apache.hc.core5.http.Header[] lines) {
        if (lines.length <= 1) {
            return lines.length == 0 ? null : lines[0].getValue();
        }
        StringBuilder all = new StringBuilder(lines[0].getValue());
        for (int i = 1; i < lines.length; i++) {
            all.append(',').append(lines[i].getValue());
        }
        return all.toString();
    }

    /** Whether the comma-separated Connection value names {@code lowerName}; no allocation per token. */
    static boolean listsToken(String connectionHeader, String lowerName) {
        int n = connectionHeader.length();
        int i = 0;
        while (i < n) {
            while (i < n
                    && (connectionHeader.charAt(i) == ' '
                            || connectionHeader.charAt(i) == ','
                            || connectionHeader.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < n && connectionHeader.charAt(i) != ',') {
                i++;
            }
            int end = i;
            while (end > start
                    && (connectionHeader.charAt(end - 1) == ' ' || connectionHeader.charAt(end - 1) == '\t')) {
                end--;
            }
            if (end - start == lowerName.length()
                    && connectionHeader.regionMatches(true, start, lowerName, 0, end - start)) {
                return true;
            }
        }
        return false;
    }
}
