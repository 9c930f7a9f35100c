package com.gitinsight.gateway.config;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Host names, {@code host:port} and service URLs as Kong reads them. Kong's host names take letters,
 * digits, {@code -}, {@code .} and {@code _} (its own test fixtures use {@code limit_bytes.test});
 * {@link java.net.URI} refuses the underscore (it finds no host at all), so URLs are split here.
 */
final class HostNames {

    /** Dot-separated labels of letters, digits, {@code _} and inner {@code -}; an IPv4 address is one too. */
    static final String LABELS =
            "[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*";

    private static final Pattern NAME = Pattern.compile(LABELS + "\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._~-]+)?");
    private static final Pattern URL =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(\\?[^#]*)?(#.*)?");

    private HostNames() {}

    /** A host and a port; {@code port} is -1 when none was written. */
    record HostPort(String host, int port) {}

    /** A service URL's parts; {@code path} is null when empty, {@code port} -1 when none was written. */
    record Url(String scheme, String host, int port, String path, boolean hasQueryOrFragment) {}

    /** {@code name}, {@code name:port}, {@code [v6]} or {@code [v6]:port} (the host as written), or null when not one. */
    static HostPort hostPort(String text) {
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!IPV6.matcher(host).matches() || !rest.isEmpty() && !rest.startsWith(":")) {
                return null;
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                return null; // a bare IPv6 address: brackets are needed to tell its colons from a port's
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
            if (!NAME.matcher(host).matches()) {
                return null;
            }
        }
        int p = -1;
        if (port != null) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
                return null;
            }
            p = Integer.parseInt(port);
            if (p > 65535) {
                return null;
            }
        }
        return new HostPort(host, p);
    }

    /**
     * {@code scheme://[userinfo@]host[:port][/path][?query][#fragment]}; the user info is dropped, as
     * Kong drops it.
     *
     * @throws IllegalArgumentException with the reason when {@code url} is not one
     */
    static Url url(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected scheme://host[:port][/path], got '" + url + "'");
        }
        String authority = m.group(2);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.isEmpty()) {
            throw new IllegalArgumentException("no host in '" + url + "'");
        }
        HostPort hp = hostPort(authority);
        if (hp == null) {
            throw new IllegalArgumentException("not a host[:port]: '" + authority + "' in '" + url + "'");
        }
        String path = m.group(3).isEmpty() ? null : m.group(3);
        if (path != null) {
            try {
                URI.create("http://h" + path);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a valid path: '" + path + "'");
            }
        }
        return new Url(
                m.group(1).toLowerCase(Locale.ROOT),
                hp.host(),
                hp.port(),
                path,
                m.group(4) != null || m.group(5) != null);
    }
}
