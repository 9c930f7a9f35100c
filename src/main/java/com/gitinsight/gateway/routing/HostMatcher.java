package com.gitinsight.gateway.routing;

import java.util.List;
import java.util.Locale;

/** Kong's host matching: exact, leading wildcard ({@code *.example.com}) or trailing ({@code example.*}). */
final class HostMatcher {

    private final String[] exact;
    private final String[] suffixes;
    private final String[] prefixes;
    private final boolean[] exactHasPort;

    HostMatcher(List<String> hosts) {
        exact = hosts.stream().filter(h -> !h.contains("*")).toArray(String[]::new);
        exactHasPort = new boolean[exact.length];
        for (int i = 0; i < exact.length; i++) {
            exactHasPort[i] = hasPort(exact[i]);
        }
        suffixes = hosts.stream().filter(h -> h.startsWith("*.")).map(h -> h.substring(1)).toArray(String[]::new);
        prefixes = hosts.stream().filter(h -> h.endsWith(".*")).map(h -> h.substring(0, h.length() - 1))
                .toArray(String[]::new);
    }

    boolean isEmpty() {
        return exact.length == 0 && suffixes.length == 0 && prefixes.length == 0;
    }

    boolean matches(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String withPort = hostHeader.toLowerCase(Locale.ROOT);
        String bare = stripPort(withPort);
        for (int i = 0; i < exact.length; i++) {
            if (exact[i].equals(exactHasPort[i] ? withPort : bare)) {
                return true;
            }
        }
        for (String suffix : suffixes) {
            if (bare.endsWith(suffix) && bare.length() > suffix.length()) {
                return true;
            }
        }
        for (String prefix : prefixes) {
            if (bare.startsWith(prefix) && bare.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(']') < colon;
    }

    private static String stripPort(String host) {
        return hasPort(host) ? host.substring(0, host.lastIndexOf(':')) : host;
    }
}
