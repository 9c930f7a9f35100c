package com.gitinsight.gateway.routing;

import java.util.List;

/**
 * Kong's host matching ({@code traditional_compatible}, {@code kong/router/transform.lua}): a route
 * host is exact ({@code api.example.com}), a suffix ({@code *.example.com}: any host ending in
 * {@code .example.com}, however many labels precede it) or a prefix ({@code example.*}: any host
 * starting with {@code example.}), each optionally with a port.
 *
 * <p>The request's {@code Host} is split at its first colon, as Kong splits it: when digits follow,
 * they are the port and the rest is the host; otherwise the whole value is the host. A route host
 * without a port matches whatever port the request names; one with a port also needs the request's
 * port: the {@code Host} header's, else the port the request arrived on (Kong's
 * {@code net.dst.port}). Hosts compare case-insensitively (DNS names are; route hosts are lower-cased
 * at load). Nothing is allocated per request.
 */
final class HostMatcher {

    private static final int EXACT = 0;
    private static final int SUFFIX = 1;
    private static final int PREFIX = 2;

    private final String[] names;
    private final int[] kinds;
    private final int[] ports;
    /**
     * Hosts given and none a wildcard: Kong's PLAIN_HOST_ONLY priority bit, which Kong also sets
     * for {@code hosts: []} ({@code type(hosts) == "table"}; helper review 264).
     */
    final boolean plainOnly;
    /** Some host names a port (the router prefers such routes among equals, as Kong's spec expects). */
    final boolean namesPort;

    HostMatcher(List<String> hosts) {
        this(hosts, false);
    }

    /** {@code givenEmpty}: the file gave {@code hosts: []} (Kong's plain-host bit, matching any host). */
    HostMatcher(List<String> hosts, boolean givenEmpty) {
        int n = hosts.size();
        names = new String[n];
        kinds = new int[n];
        ports = new int[n];
        boolean wildcard = false;
        boolean port = false;
        for (int i = 0; i < n; i++) {
            String host = hosts.get(i);
            int colon = host.indexOf(':');
            ports[i] = colon < 0 ? -1 : parsePort(host, colon + 1);
            String name = ports[i] < 0 ? host : host.substring(0, colon);
            if (name.startsWith("*")) {
                kinds[i] = SUFFIX;
                name = name.substring(1);
            } else if (name.endsWith("*")) {
                kinds[i] = PREFIX;
                name = name.substring(0, name.length() - 1);
            } else {
                kinds[i] = EXACT;
            }
            names[i] = name;
            wildcard |= kinds[i] != EXACT;
            port |= ports[i] >= 0;
        }
        plainOnly = (n > 0 || givenEmpty) && !wildcard;
        namesPort = port;
    }

    boolean isEmpty() {
        return names.length == 0;
    }

    /**
     * Whether the request's {@code Host} header (null or empty: no host) matches one of the hosts;
     * the port the request arrived on is asked for only when a host needs it.
     */
    boolean matches(RequestFacts request) {
        String hostHeader = request.host();
        if (hostHeader == null || hostHeader.isEmpty()) {
            return false;
        }
        int hostEnd = hostHeader.length();
        int port = -1;
        int colon = hostHeader.indexOf(':');
        if (colon >= 0) {
            port = parsePort(hostHeader, colon + 1);
            if (port >= 0) {
                hostEnd = colon;
            }
        }
        boolean portKnown = port >= 0;
        for (int i = 0; i < names.length; i++) {
            if (ports[i] >= 0) {
                if (!portKnown) {
                    port = request.localPort();
                    portKnown = true;
                }
                if (ports[i] != port) {
                    continue;
                }
            }
            String name = names[i];
            int len = name.length();
            boolean hit = switch (kinds[i]) {
                case EXACT -> hostEnd == len && hostHeader.regionMatches(true, 0, name, 0, len);
                case SUFFIX -> hostEnd >= len && hostHeader.regionMatches(true, hostEnd - len, name, 0, len);
                default -> hostEnd >= len && hostHeader.regionMatches(true, 0, name, 0, len);
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    /** The decimal port from {@code start} to the end, or -1 when that is not one to nine digits. */
    private static int parsePort(String s, int start) {
        int n = s.length() - start;
        if (n < 1 || n > 9) {
            return -1;
        }
        int port = 0;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port;
    }
}
