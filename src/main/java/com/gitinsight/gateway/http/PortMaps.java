package com.gitinsight.gateway.http;

import java.util.HashMap;
import java.util.Map;

/**
 * Kong's {@code port_maps}: {@code "80:8000, 443:8443"}, each the port clients reach (a container's
 * published port, a node port) and the port the gateway listens on. Where a listener's port is
 * mapped, the mapped port is the one the request came to: {@code X-Forwarded-Port} and the log
 * record's {@code request.url} name it, as Kong's {@code ctx.host_port} does, so a backend building
 * absolute URLs does not send clients to a port only the gateway's host knows.
 */
public final class PortMaps {

    public static final PortMaps NONE = new PortMaps(Map.of());

    private final Map<Integer, Integer> hostPortByListener;

    private PortMaps(Map<Integer, Integer> hostPortByListener) {
        this.hostPortByListener = hostPortByListener;
    }

    /**
     * Parses Kong's format.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code host_port:listener_port}
     */
    public static PortMaps parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return NONE;
        }
        Map<Integer, Integer> out = new HashMap<>();
        for (String entry : setting.split(",")) {
            String e = entry.strip();
            int colon = e.indexOf(':');
            Integer host = colon < 0 ? null : port(e.substring(0, colon));
            Integer listener = colon < 0 ? null : port(e.substring(colon + 1));
            if (host == null || listener == null) {
                throw new IllegalArgumentException(
                        "port_maps: '" + e + "' is not host_port:listener_port (Kong's \"80:8000, 443:8443\")");
            }
            out.put(listener, host);
        }
        return new PortMaps(Map.copyOf(out));
    }

    private static Integer port(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.length() > 5 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int p = Integer.parseInt(t);
        return p >= 1 && p <= 65535 ? p : null;
    }

    /** The port clients reached for a request that came to {@code listenerPort}. */
    public int hostPort(int listenerPort) {
        if (hostPortByListener.isEmpty()) {
            return listenerPort; // per request: no boxing when nothing is mapped (the default)
        }
        Integer mapped = hostPortByListener.get(listenerPort);
        return mapped != null ? mapped : listenerPort;
    }
}
