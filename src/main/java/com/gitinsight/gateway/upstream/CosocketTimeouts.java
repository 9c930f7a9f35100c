package com.gitinsight.gateway.upstream;

/**
 * A Kong plugin's socket timeout as OpenResty's cosocket takes it ({@code sock:settimeout}, which
 * lua-resty-http's {@code set_timeout(s)} calls): milliseconds cut to a whole number, and one that
 * comes to 0 means nginx's own default ({@code lua_socket_connect_timeout},
 * {@code lua_socket_send_timeout} and {@code lua_socket_read_timeout}: 60 s), not "at once".
 */
public final class CosocketTimeouts {

    /** nginx's default for each of the three. */
    public static final long NGINX_DEFAULT_MS = 60_000;

    private CosocketTimeouts() {}

    /** The timeout a configured {@code ms} (already cut to whole milliseconds) gives a socket. */
    public static long effective(long ms) {
        return ms > 0 ? ms : NGINX_DEFAULT_MS;
    }
}
