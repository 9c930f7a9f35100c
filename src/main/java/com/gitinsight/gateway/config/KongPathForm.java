package com.gitinsight.gateway.config;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The form Kong's route schema wants a plain route path in ({@code kong.tools.uri.normalize} with
 * slashes merged): escapes of characters that are not reserved decoded (unreserved ones and the
 * "others", space and UTF-8 included), escapes of reserved ones upper-cased, doubled slashes
 * merged, dot segments removed (a climb above the root stays at the root). Kong refuses a plain
 * path that differs from it ("non-normalized path") and migrates a 1.1/2.1 file's plain paths to
 * it. Read at load only; the request path's own normalisation is {@code routing.RequestPath}'s,
 * which this follows where it differs from Kong's (control escapes kept).
 */
final class KongPathForm {

    /** RFC 3986 gen-delims and sub-delims, plus {@code %}: Kong keeps their escapes. */
    private static final String RESERVED = "!*'();:@&=+$,/?%#[]";

    private KongPathForm() {}

    /**
     * {@code path} (well-formed escapes; starts with {@code /}) as Kong normalizes it, except that,
     * as the gateway reads requests, escapes of control characters stay (upper-cased) and escaped
     * bytes that are not UTF-8 stay escaped (see {@link #spellsNoCharacter}).
     */
    static String normalized(String path) {
        String decoded = path.indexOf('%') < 0 ? path : decoded(path, null);
        return withoutDotSegments(decoded);
    }

    /**
     * Whether {@code path} has escaped bytes that are no UTF-8 character, or {@code %00}: no request
     * path can match it (the gateway answers such requests 404 or 400 before routing).
     */
    static boolean spellsNoCharacter(String path) {
        if (path.indexOf('%') < 0) {
            return false;
        }
        boolean[] invalid = {false};
        decoded(path, invalid);
        return invalid[0];
    }

    private static String decoded(String path, boolean[] invalid) {
        StringBuilder out = new StringBuilder(path.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            int value = c == '%' && i + 2 < path.length() ? hex(path.charAt(i + 1), path.charAt(i + 2)) : -1;
            if (value >= 0x80) {
                bytes.write(value);
                i += 2;
                continue;
            }
            flush(bytes, out, invalid);
            if (value == 0 && invalid != null) {
                invalid[0] = true;
            }
            if (value >= 0x20 && value != 0x7f && RESERVED.indexOf(value) < 0) {
                out.append((char) value);
                i += 2;
            } else if (value >= 0) {
                out.append('%').append(path.substring(i + 1, i + 3).toUpperCase(java.util.Locale.ROOT));
                i += 2;
            } else {
                out.append(c);
            }
        }
        flush(bytes, out, invalid);
        return out.toString();
    }

    /** A run of escaped bytes as the UTF-8 characters it spells, else as upper-cased escapes. */
    private static void flush(ByteArrayOutputStream bytes, StringBuilder out, boolean[] invalid) {
        if (bytes.size() == 0) {
            return;
        }
        byte[] run = bytes.toByteArray();
        bytes.reset();
        try {
            String decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(run))
                    .toString();
            for (int i = 0; i < decoded.length(); i++) {
                char c = decoded.charAt(i);
                if (c >= 0x80 && c <= 0x9f || c == 0x2028 || c == 0x2029) {
                    // Kept escaped, as requests keep it (see RequestPath).
                    for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                        out.append('%').append(String.format("%02X", b & 0xff));
                    }
                } else {
                    out.append(c);
                }
            }
        } catch (CharacterCodingException e) {
            if (invalid != null) {
                invalid[0] = true;
            }
            for (byte b : run) {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
    }

    private static int hex(char a, char b) {
        int hi = Character.digit(a, 16);
        int lo = Character.digit(b, 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /** RFC 3986 5.2.4 with empty segments merged; {@code ..} at the root stays there. */
    private static String withoutDotSegments(String path) {
        if (path.indexOf('.') < 0 && !path.contains("//")) {
            return path;
        }
        List<String> kept = new ArrayList<>();
        String[] segments = path.split("/", -1);
        boolean trailingSlash = false;
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals("..")) {
                if (!kept.isEmpty()) {
                    kept.remove(kept.size() - 1);
                }
                trailingSlash = true;
            } else if (s.equals(".") || s.isEmpty()) {
                trailingSlash = true;
            } else {
                kept.add(s);
                trailingSlash = false;
            }
        }
        StringBuilder out = new StringBuilder(path.length());
        for (String s : kept) {
            out.append('/').append(s);
        }
        if (trailingSlash || kept.isEmpty()) {
            out.append('/');
        }
        return out.toString();
    }
}
