package com.gitinsight.gateway.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code name=value&...} arguments (a query string, a form body) as Kong's {@code ngx.decode_args}
 * and {@code ngx.encode_args} read and write them, through the JDK's URL codec: {@code +} is a
 * space, a bare {@code name} has no value (Kong's {@code true}), a repeated name has several values.
 * One reading for every plugin: key-auth, the transformers, request-termination's trigger and echo.
 */
public final class UrlArgs {

    /** Kong reads at most 100 arguments ({@code get_query}, {@code decode_args}); the rest are dropped. */
    public static final int MAX = 100;

    private UrlArgs() {}

    /** Name to values in order of appearance; a null value is a bare name. */
    public static Map<String, List<String>> decode(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        int count = 0;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            if (++count > MAX) {
                break;
            }
            int eq = pair.indexOf('=');
            String name = decodePart(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? null : decodePart(pair.substring(eq + 1));
            if (name.isEmpty()) {
                continue;
            }
            out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return out;
    }

    /**
     * {@code +} is a space and each {@code %XX} its byte, as nginx's {@code decode_args}; a malformed
     * escape is kept as written, the rest of the part still decoded (helper review 156: one bad escape
     * kept the whole part as written, {@code a%zz+b} with its {@code +}). The bytes are read as UTF-8.
     */
    public static String decodePart(String part) {
        if (part.indexOf('%') < 0 && part.indexOf('+') < 0) {
            return part;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(part.length());
        int n = part.length();
        for (int i = 0; i < n; i++) {
            char c = part.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%' && i + 2 < n && hex(part.charAt(i + 1)) >= 0 && hex(part.charAt(i + 2)) >= 0) {
                bytes.write(hex(part.charAt(i + 1)) * 16 + hex(part.charAt(i + 2)));
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // A character beyond ASCII as sent (the container decoded the target): its UTF-8 bytes.
                int end = Character.isHighSurrogate(c) && i + 1 < n ? i + 2 : i + 1;
                bytes.writeBytes(part.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9'
                ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /**
     * The arguments encoded, {@code sorted} as Kong's {@code set_query} writes a query (by each
     * name's encoded text),
     * else in the map's order; a name with several values is repeated.
     */
    public static String encode(Map<String, List<String>> args, boolean sorted) {
        List<String[]> keyed = new ArrayList<>(args.size());
        for (Map.Entry<String, List<String>> e : args.entrySet()) {
            String name = encodePart(e.getKey());
            StringBuilder sb = new StringBuilder();
            for (String v : e.getValue()) {
                if (sb.length() > 0) {
                    sb.append('&');
                }
                sb.append(name);
                if (v != null) {
                    sb.append('=').append(encodePart(v));
                }
            }
            keyed.add(new String[] {name, sb.toString()});
        }
        if (sorted) {
            // Kong's make_ordered_args sorts each name's encoded text ("q1=2" before "q=1": '1' is
            // below '='); the values of one name keep their order within it.
            keyed.sort((a, b) -> a[1].compareTo(b[1]));
        }
        StringBuilder out = new StringBuilder();
        for (String[] k : keyed) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(k[1]);
        }
        return out.toString();
    }

    /** nginx's {@code escape_uri} for arguments: all but letters, digits and {@code -._~} escaped, space as %20. */
    static String encodePart(String s) {
        String e = URLEncoder.encode(s, StandardCharsets.UTF_8);
        if (e.indexOf('+') < 0 && e.indexOf('*') < 0 && !e.contains("%7E")) {
            return e;
        }
        return e.replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    /**
     * {@code query} with the value of each argument named in {@code names} (compared decoded) replaced
     * by {@code replacement}, everything else byte for byte; null stays null.
     */
    public static String redacted(String query, java.util.Set<String> names, String replacement) {
        if (query == null || names.isEmpty()) {
            return query;
        }
        // One look at each name and one search for each '&' (a log writer redacts every record's
        // query: the values, a token among them, are not read character by character).
        int n = query.length();
        StringBuilder out = null; // made at the first argument redacted: most queries have none
        int start = 0;
        while (true) {
            int eq = start;
            boolean escaped = false;
            char c = 0;
            while (eq < n && (c = query.charAt(eq)) != '=' && c != '&') {
                escaped |= c == '%' || c == '+';
                eq++;
            }
            int end = eq < n && c == '&' ? eq : query.indexOf('&', eq);
            int stop = end < 0 ? n : end;
            if (eq < stop && named(query, start, eq, escaped, names)) {
                if (out == null) {
                    out = new StringBuilder(n).append(query, 0, start);
                }
                out.append(query, start, eq + 1).append(replacement);
            } else if (out != null) {
                out.append(query, start, stop);
            }
            if (end < 0) {
                return out == null ? query : out.toString();
            }
            if (out != null) {
                out.append('&');
            }
            start = end + 1;
        }
    }

    /**
     * Whether {@code query}'s characters {@code from} to {@code to} name one of {@code names}. A name
     * as written is compared in place when the set is small (it usually holds a name or two): cutting each
     * argument's name out to look it up was over half of a log record's redaction (async-profiler).
     */
    private static boolean named(String query, int from, int to, boolean escaped, java.util.Set<String> names) {
        if (escaped || names.size() > 8) {
            String name = query.substring(from, to);
            return names.contains(escaped ? decodePart(name) : name);
        }
        int length = to - from;
        for (String name : names) {
            if (name.length() == length && query.startsWith(name, from)) {
                return true;
            }
        }
        return false;
    }
}
