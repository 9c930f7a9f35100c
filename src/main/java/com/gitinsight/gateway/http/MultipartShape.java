package com.gitinsight.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The shape a multipart/form-data request must have for {@link MultipartForm} to take it: one
 * every common parser (werkzeug, Go's, PHP's, formidable, FileUpload) reads alike. These checks
 * read the raw bytes; the parts themselves are read by Commons FileUpload.
 */
final class MultipartShape {

    /**
     * A boundary every parser reads whole: of RFC 2046's characters only those no parser takes as
     * the end of a value ({@code =}, {@code /}, {@code :}, {@code ?}, {@code (}, {@code )},
     * {@code ,} and the space are left out).
     */
    private static final Pattern PLAIN_BOUNDARY = Pattern.compile("[0-9A-Za-z'+_.-]{1,70}");

    private static final byte[] DASHES = {'-', '-'};
    private static final byte[] CRLF = {'\r', '\n'};

    private MultipartShape() {}

    /**
     * The boundary of a Content-Type that is exactly {@code multipart/form-data} with one plain
     * {@code boundary} parameter, or null. Parsers disagree on everything else: a second boundary,
     * an RFC 2231 {@code boundary*} (Go takes it over the plain one), a parameter whose name holds
     * "boundary" (PHP finds the first such substring), a comma (PHP and werkzeug end the value
     * there), an RFC 2047 word (FileUpload decodes it).
     */
    static byte[] boundary(String contentType) {
        if (contentType == null || contentType.indexOf(',') >= 0) {
            return null;
        }
        String[] params = contentType.split(";", -1);
        if (!params[0].strip().equalsIgnoreCase("multipart/form-data")) {
            return null;
        }
        String boundary = null;
        for (int i = 1; i < params.length; i++) {
            String param = params[i].strip();
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            String name = param.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = param.substring(eq + 1).strip();
            if (name.indexOf('*') >= 0 || name.contains("boundary") && !name.equals("boundary")) {
                return null;
            }
            if (value.indexOf('"') >= 0 && !(value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))) {
                return null; // a quote split by ';'
            }
            if (name.equals("boundary")) {
                if (boundary != null) {
                    return null;
                }
                boundary = value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
            }
        }
        if (boundary == null || !PLAIN_BOUNDARY.matcher(boundary).matches()) {
            return null;
        }
        return boundary.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * How many parts the delimiters open, or -1 when one is not where every parser finds it: the
     * body starts with one; each is at the start of a CRLF line (one after a bare CR or LF is a
     * delimiter to a lenient parser and content to a strict one) and followed by CRLF, or by
     * {@code --} for the closing one, which comes last with at most a CRLF after it.
     */
    static int delimiters(byte[] body, byte[] boundary) {
        byte[] delimiter = new byte[boundary.length + 2];
        delimiter[0] = '-';
        delimiter[1] = '-';
        System.arraycopy(boundary, 0, delimiter, 2, boundary.length);
        int opened = 0;
        int at = indexOf(body, delimiter, 0);
        if (at != 0) {
            return -1; // a preamble
        }
        int partStart = -1;
        while (at >= 0) {
            boolean lineStart = at == 0 || at >= 2 && body[at - 2] == '\r' && body[at - 1] == '\n';
            boolean afterLineEnd = at > 0 && (body[at - 1] == '\n' || body[at - 1] == '\r');
            int end = at + delimiter.length;
            if (lineStart) {
                if (partStart >= 0 && !plainHeaders(body, partStart, at - 2)) {
                    return -1;
                }
                if (startsWith(body, end, CRLF)) {
                    opened++;
                    partStart = end + 2;
                } else if (startsWith(body, end, DASHES)) {
                    int rest = body.length - (end + 2);
                    boolean onlyCrlf = rest == 0 || rest == 2 && startsWith(body, end + 2, CRLF);
                    return onlyCrlf ? opened : -1;
                } else {
                    return -1; // transport padding, or a delimiter run into other text
                }
            } else if (afterLineEnd) {
                return -1;
            }
            at = indexOf(body, delimiter, at + 1);
        }
        return -1; // never closed
    }

    /**
     * Whether the part in {@code [from, to)} has headers every parser reads alike: lines ended by
     * CRLF, each with a name and a colon, none folded (a line starting with a space or tab), no
     * control characters; one {@code Content-Disposition} with one {@code name} parameter, at most
     * one {@code filename}, no RFC 2231 {@code *} parameters; no {@code multipart/} type (FileUpload
     * hands back the nested part instead of the part).
     */
    private static boolean plainHeaders(byte[] body, int from, int to) {
        int headersEnd = indexOf(body, HEADERS_END, from);
        if (headersEnd < 0 || headersEnd + 2 > to) {
            return false; // no blank line before the part's end: no headers, or no content
        }
        String block = new String(body, from, headersEnd - from, StandardCharsets.ISO_8859_1);
        int dispositions = 0;
        for (String line : block.split("\r\n", -1)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                return false;
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return false;
                }
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("content-disposition")) {
                dispositions++;
                if (!plainDisposition(value)) {
                    return false;
                }
            } else if (name.equals("content-type")
                    && value.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
                return false;
            }
        }
        return dispositions == 1;
    }

    private static boolean plainDisposition(String value) {
        String[] params = value.split(";", -1);
        if (!params[0].strip().equalsIgnoreCase("form-data")) {
            return false;
        }
        int names = 0;
        int filenames = 0;
        for (int i = 1; i < params.length; i++) {
            String param = params[i].strip();
            int eq = param.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            String name = param.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String v = param.substring(eq + 1).strip();
            if (name.indexOf('*') >= 0
                    || !(v.length() >= 2
                            && v.startsWith("\"")
                            && v.endsWith("\"")
                            && v.indexOf('"', 1) == v.length() - 1)) {
                return false; // an encoded parameter, or a value not one plain quoted string
            }
            if (name.equals("name")) {
                names++;
            } else if (name.equals("filename")) {
                filenames++;
            }
        }
        return names == 1 && filenames <= 1;
    }

    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    private static boolean startsWith(byte[] body, int from, byte[] prefix) {
        if (from + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] body, byte[] needle, int from) {
        outer:
        for (int i = from; i <= body.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                return false; // PHP ends a name at a NUL, for one
            }
        }
        return true;
    }
}
