package com.gitinsight.gateway.config;

/**
 * Kong's {@code typedefs.header_name} ({@code utils.validate_header_name}): the header names a
 * plugin's configuration may hold, stricter than HTTP's tokens.
 */
public final class KongHeaderName {

    private KongHeaderName() {}

    /** Whether {@code name} is one Kong takes: A-Z, a-z, 0-9, {@code _} and {@code -}, at least one. */
    public static boolean valid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Kong's message for a name it refuses, null for one it takes. */
    public static String problem(String name) {
        return valid(name)
                ? null
                : "bad header name '" + name + "', allowed characters are A-Z, a-z, 0-9, '_', and '-'";
    }
}
