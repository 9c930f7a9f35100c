package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.UrlArgs;
import java.util.ArrayList;
import java.util.List;

/**
 * A query string or an {@code application/x-www-form-urlencoded} body, as Kong reads its
 * arguments ({@code ngx.decode_args}): names and values URL-decoded ({@code +} is a space), an
 * argument without {@code =} is a flag (not a string), a repeated one is a list. Removing one
 * keeps every other argument byte for byte, in its order.
 */
final class FormArgs {

    /** A repeated argument, or a JSON list or object: Kong's "Duplicate API key found". */
    static final Object DUPLICATE = new Object();
    /** An argument present without a string value (a flag, a JSON number): ignored by Kong. */
    static final Object NOT_A_STRING = new Object();

    private final String raw;
    private final List<int[]> spans = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private FormArgs(String raw) {
        this.raw = raw;
        int from = 0;
        while (from <= raw.length()) {
            int amp = raw.indexOf('&', from);
            int end = amp < 0 ? raw.length() : amp;
            if (end > from) {
                int eq = raw.indexOf('=', from);
                String name = UrlArgs.decodePart(raw.substring(from, eq >= 0 && eq < end ? eq : end));
                spans.add(new int[] {from, end, eq >= 0 && eq < end ? eq : -1});
                names.add(name);
            }
            from = end + 1;
        }
    }

    /** The arguments of {@code raw} (null: none). */
    static FormArgs parse(String raw) {
        return new FormArgs(raw == null ? "" : raw);
    }

    /** The value of {@code name}: null (absent), a String, {@link #DUPLICATE} or {@link #NOT_A_STRING}. */
    Object value(String name) {
        int found = -1;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(name)) {
                if (found >= 0) {
                    return DUPLICATE;
                }
                found = i;
            }
        }
        if (found < 0) {
            return null;
        }
        int[] span = spans.get(found);
        return span[2] < 0 ? NOT_A_STRING : UrlArgs.decodePart(raw.substring(span[2] + 1, span[1]));
    }

    /** Whether {@code name} is present. */
    boolean has(String name) {
        return names.contains(name);
    }

    /** The raw text without every {@code name} argument; null when nothing is left. */
    String without(String name) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equals(name)) {
                if (out.length() > 0) {
                    out.append('&');
                }
                int[] span = spans.get(i);
                out.append(raw, span[0], span[1]);
            }
        }
        return out.length() == 0 ? null : out.toString();
    }
}
