package com.gitinsight.gateway.http;

/**
 * A {@code Host} value the gateway lets reach a backend: the client's (checked before routing) and
 * one a plugin sets (request-transformer's {@code replace host:}, filled from client input).
 */
public final class HostValue {

    private HostValue() {}

    /**
     * nginx's {@code $host} of the name the container read from {@code Host} (what Kong's log
     * record, spans and {@code X-Forwarded-Host} carry): lower-case, without the one trailing dot
     * nginx drops, an IPv6 address in its brackets (the container may give it bare).
     */
    public static String nginx(String serverName) {
        String host = serverName.toLowerCase(java.util.Locale.ROOT);
        if (host.length() > 1 && host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Whether {@code host}, blanks, a port and one trailing dot aside (nginx drops the dot), is
     * empty ({@code ""}, {@code "."}, {@code ":8000"}): nginx's "client sent invalid host header",
     * also beside an absolute-form request line (helper reviews 241, 242).
     */
    public static boolean namesNothing(String host) {
        String h = host.strip();
        int colon = h.lastIndexOf(':');
        int end = colon >= 0 && h.indexOf(']') < colon ? colon : h.length();
        return end == 0 || end == 1 && h.charAt(0) == '.';
    }

    /**
     * nginx's {@code ngx_http_validate_host}, which Kong's nginx applies before routing (no
     * {@code ..}, no {@code /} or {@code \\}, no blank or control byte: a host route's
     * {@code *.example.com} would otherwise match {@code evil.com/.example.com}, and a backend would
     * be handed the path in its Host), and stricter: a host name (letters, digits, {@code . - _ ~})
     * or a bracketed IPv6 address, then an optional port of digits. {@code evil.com?.example.com} is
     * evil.com to a browser following a link built from it, {@code evil.com,.example.com} to a
     * framework that takes a list's first entry (attacker reviews 165, 167).
     */
    public static boolean valid(String host) {
        int end = host.length();
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']') < colon) {
            // A port: digits only ("evil.com:.example.com" is no port: attacker review 168).
            for (int i = colon + 1; i < end; i++) {
                if (host.charAt(i) < '0' || host.charAt(i) > '9') {
                    return false;
                }
            }
            end = colon;
        }
        if (namesNothing(host)) {
            return false;
        }
        if (host.charAt(0) == '[') {
            // An IPv6 literal, bracketed, and nothing else: hex digits, colons and dots only, as
            // Guava reads no further than a '%' (a zone id: "[::1%@evil.example/]" put evil.example
            // in X-Forwarded-Host and a redirect's Location; attacker review 278).
            if (host.charAt(end - 1) != ']' || end < 3) {
                return false;
            }
            for (int i = 1; i < end - 1; i++) {
                char c = host.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                    return false;
                }
            }
            return com.google.common.net.InetAddresses.isInetAddress(host.substring(1, end - 1));
        }
        for (int i = 0; i < end; i++) {
            char c = host.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '-'
                    || c == '_'
                    || c == '~';
            if (!allowed || c == '.' && i > 0 && host.charAt(i - 1) == '.') {
                return false;
            }
        }
        return true;
    }
}
