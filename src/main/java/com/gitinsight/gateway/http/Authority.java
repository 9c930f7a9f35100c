package com.gitinsight.gateway.http;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * An endpoint's user info and {@code host[:port]} as Kong reads a URL. {@link URI} finds no host in a
 * name with an underscore ({@code log_sink}, a Compose service's), which Kong accepts: such an
 * authority is read here with Kong's host characters (letters, digits, {@code . - _}) and a port
 * of at most 65535.
 */
public record Authority(String userInfo, String hostPort) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})?(:\\d{1,5})?");

    /** The authority of {@code uri}, or null when it has none Kong would read as a host. */
    public static Authority of(URI uri) {
        if (uri.getHost() != null) {
            if (uri.getPort() > 65535) {
                return null;
            }
            String host = uri.getHost();
            return new Authority(uri.getRawUserInfo(), uri.getPort() < 0 ? host : host + ":" + uri.getPort());
        }
        String raw = uri.getRawAuthority();
        if (raw == null) {
            return null;
        }
        int at = raw.lastIndexOf('@');
        String hostPort = raw.substring(at + 1);
        int colon = hostPort.indexOf(':');
        if (!NAME.matcher(hostPort).matches()
                || (colon >= 0 && Integer.parseInt(hostPort.substring(colon + 1)) > 65535)) {
            return null;
        }
        return new Authority(at < 0 ? null : raw.substring(0, at), hostPort);
    }

    /** {@code Basic} credentials of the user info, as Kong's http-log makes them, or null. */
    public String basicAuthorization() {
        return userInfo == null
                ? null
                : "Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString(userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
