package com.gitinsight.gateway.tracing;

import java.nio.charset.StandardCharsets;

/**
 * OpenResty's {@code ngx.unescape_uri} and {@code ngx.escape_uri} (a URI component), as Kong's ot
 * and jaeger propagators apply them to baggage, byte for byte: a header value is read one char a
 * byte (ISO-8859-1, as the container gives it) and written the same way, so that a value Kong
 * re-escapes reaches the backend as Kong sends it.
 */
final class UriComponent {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriComponent() {}

    /**
     * {@code +} is a space and {@code %XX} its byte; a {@code %} not followed by two hex digits is
     * kept, as lua-nginx-module's unescaping keeps it.
     */
    static String unescape(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        int n = s.length();
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out.append(' ');
            } else if (c == '%' && i + 2 < n && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.append((char) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2))));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Every byte but letters, digits and {@code -._~!*'()} as {@code %XX} in upper case: the
     * component table of lua-nginx-module's {@code escape_uri}, which leaves {@code !*'()} as they are.
     */
    static String escape(String s) {
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (kept(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n + 16).append(s, 0, i);
            }
            if (c <= 0xFF) {
                percent(out, c);
            } else {
                // Not a byte (a container that read the header otherwise): its UTF-8 bytes.
                int end = Character.isHighSurrogate(c) && i + 1 < n ? i + 2 : i + 1;
                for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    percent(out, b & 0xFF);
                }
                i = end - 1;
            }
        }
        return out == null ? s : out.toString();
    }

    private static void percent(StringBuilder out, int b) {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
    }

    private static boolean kept(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~'
                || c == '!'
                || c == '*'
                || c == '\''
                || c == '('
                || c == ')';
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9'
                ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
