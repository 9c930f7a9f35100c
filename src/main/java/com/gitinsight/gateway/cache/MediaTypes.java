package com.gitinsight.gateway.cache;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Media types as Kong's {@code kong.tools.mime_type.parse_mime_type} reads them for proxy-cache:
 * {@code type/subtype} (lower-cased) and {@code ; name=value} parameters (names lower-cased,
 * values as written, quotes removed). An empty parameter ({@code application/xml;}) or a missing
 * subtype makes the whole type unparsable.
 */
final class MediaTypes {

    private MediaTypes() {}

    record Parsed(String type, String subtype, Map<String, String> params) {

        /** Kong's match of a listed type ({@code this}) against a response's. */
        boolean matches(Parsed actual) {
            return (type.equals("*") || type.equals(actual.type))
                    && (subtype.equals("*") || subtype.equals(actual.subtype))
                    && params.equals(actual.params);
        }
    }

    /** The parsed type, or null when it does not parse. */
    static Parsed parse(String text) {
        String[] parts = text.split(";", -1);
        String full = parts[0].trim();
        int slash = full.indexOf('/');
        if (slash <= 0 || slash == full.length() - 1 || full.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        String type = full.substring(0, slash).trim().toLowerCase(Locale.ROOT);
        String subtype = full.substring(slash + 1).trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty() || subtype.isEmpty() || hasSpace(type) || hasSpace(subtype)) {
            return null;
        }
        Map<String, String> params = new TreeMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            String value = p.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (value.isEmpty()) {
                return null;
            }
            params.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), value);
        }
        return new Parsed(type, subtype, params);
    }

    private static boolean hasSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
