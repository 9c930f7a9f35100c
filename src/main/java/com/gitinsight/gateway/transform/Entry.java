package com.gitinsight.gateway.transform;

/**
 * One {@code name:value} entry of a transformer's config list, split as Kong's {@code iter} does
 * ({@code ^([^:]+):*(.-)$}): the name runs to the first colon, all colons right after it are
 * skipped, the rest is the value ({@code h2:value:2} is {@code h2} and {@code value:2}).
 *
 * @param value the value, or null when there is none ({@code "name"}, {@code "name:"})
 */
record Entry(String name, String value) {

    /** The entry, or null when it has no name (it starts with a colon or is empty). */
    static Entry parse(String text) {
        int colon = text.indexOf(':');
        if (colon == 0 || text.isEmpty()) {
            return null;
        }
        if (colon < 0) {
            return new Entry(text, null);
        }
        int start = colon;
        while (start < text.length() && text.charAt(start) == ':') {
            start++;
        }
        String value = text.substring(start);
        return new Entry(text.substring(0, colon), value.isEmpty() ? null : value);
    }

    /** Kong's header-name rule ({@code kong.tools.http.validate_header_name}). */
    static boolean isHeaderName(String name) {
        return com.gitinsight.gateway.config.KongHeaderName.valid(name);
    }

    /** Whether a header value is free of control characters (CR, LF, NUL...; tab is allowed). */
    static boolean isHeaderValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
