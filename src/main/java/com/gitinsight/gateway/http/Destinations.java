package com.gitinsight.gateway.http;

import java.net.URI;

/** How health, metrics and logs name a place the gateway sends to: scheme, host and port only. */
public final class Destinations {

    private Destinations() {}

    /** {@code scheme://host[:port]}: never a path or query (they may hold a token) nor user info; "none" for null. */
    public static String of(URI uri) {
        if (uri == null) {
            return "none";
        }
        if (uri.getHost() == null && uri.getRawAuthority() != null) {
            // A name URI holds as a registry authority (an underscore in it): its host and port as written.
            Authority authority = Authority.of(uri);
            return uri.getScheme() + "://" + (authority == null ? "?" : authority.hostPort());
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
}
