package com.gitinsight.gateway.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Kong's reading of a path's percent-escapes ({@code kong.tools.uri.normalize}), shared by the
 * route schema's check of a plain path ({@link KongPathForm}) and the request path
 * ({@code routing.RequestPath}): escapes of reserved characters kept, upper-cased; escapes of
 * space and the other printable characters decoded; escaped bytes beyond ASCII read as UTF-8.
 * Unlike Kong, escapes of controls stay escaped, those beyond ASCII too (C1, U+2028, U+2029):
 * Java's regex ends a line at them, so {@code ~/internal/.+} would let {@code /internal/%C2%85x}
 * fall through to a broader route, and a capture copied into a header never holds a line break.
 */
public final class PathEscapes {

    /** RFC 3986 gen-delims and sub-delims, plus {@code %}: their escapes keep their meaning. */
    private static final String RESERVED = "!*'();:@&=+$,/?%#[]";

    private PathEscapes() {}

    /** What stopped the decoding: an escape that is not one, {@code %00}, or bytes that are no UTF-8. */
    public enum Problem {
        NONE,
        MALFORMED,
        NUL,
        NOT_UTF8
    }

    /** The decoded path, or the path as given with the first problem met. */
    public record Decoded(String path, Problem problem) {}

    /** {@code path} with its escapes read as Kong reads them. */
    public static Decoded decode(String path) {
        StringBuilder out = new StringBuilder(path.length());
        byte[] run = null;
        int runLength = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            int value = c == '%' ? escaped(path, i) : -1;
            if (c == '%' && value < 0) {
                return new Decoded(path, Problem.MALFORMED);
            }
            if (value >= 0x80) {
                // A run of escaped bytes beyond ASCII: read as UTF-8 once it ends.
                if (run == null) {
                    run = new byte[path.length() / 3];
                }
                run[runLength++] = (byte) value;
                i += 2;
                continue;
            }
            if (runLength > 0) {
                if (!appendUtf8(out, run, runLength)) {
                    return new Decoded(path, Problem.NOT_UTF8);
                }
                runLength = 0;
            }
            if (value == 0) {
                return new Decoded(path, Problem.NUL);
            }
            if (value < 0) {
                out.append(c);
            } else if (value >= 0x20 && value < 0x7f && RESERVED.indexOf(value) < 0) {
                out.append((char) value);
                i += 2;
            } else {
                appendEscape(out, value);
                i += 2;
            }
        }
        if (runLength > 0 && !appendUtf8(out, run, runLength)) {
            return new Decoded(path, Problem.NOT_UTF8);
        }
        return new Decoded(out.toString(), Problem.NONE);
    }

    /** The byte the escape at {@code i} names, or -1 when it is not two hex digits. */
    private static int escaped(String path, int i) {
        int hi = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(path.charAt(i + 2), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /** The characters the bytes spell, line breaks and controls kept escaped; false when no UTF-8. */
    private static boolean appendUtf8(StringBuilder out, byte[] run, int length) {
        String decoded = utf8OrNull(run, length);
        if (decoded == null) {
            return false;
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c >= 0x80 && c <= 0x9f || c == 0x2028 || c == 0x2029) {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    appendEscape(out, b & 0xff);
                }
            } else {
                out.append(c);
            }
        }
        return true;
    }

    /** The first {@code length} bytes read as strict UTF-8 (no overlong form, no lone surrogate), or null. */
    public static String utf8OrNull(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code %XX}, upper-case hex. */
    public static void appendEscape(StringBuilder out, int b) {
        out.append('%')
                .append(Character.toUpperCase(Character.forDigit(b >> 4 & 0xf, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
    }
}
