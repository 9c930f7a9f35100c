package com.gitinsight.gateway.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The gateway's version, as the build wrote it into {@code gateway.properties}. */
public final class GatewayVersion {

    private static final String VALUE = read();

    private GatewayVersion() {}

    public static String value() {
        return VALUE;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = GatewayVersion.class.getResourceAsStream("/gateway.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}
