package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The form Kong's route schema wants a plain route path in ({@code kong.tools.uri.normalize} with
 * slashes merged): escapes of characters that are not reserved decoded (unreserved ones and the
 * "others", space and UTF-8 included), escapes of reserved ones upper-cased, doubled slashes
 * merged, dot segments removed (a climb above the root stays at the root). Kong refuses a plain
 * path that differs from it ("non-normalized path") and migrates a 1.1/2.1 file's plain paths to
 * it. Read at load only; escapes are read by {@link PathEscapes}, as the request path's are
 * ({@code routing.RequestPath}), so a route's form is what requests are normalised to.
 */
final class KongPathForm {

    private KongPathForm() {}

    /**
     * {@code path} as Kong normalizes it, its escapes read as requests' are ({@link PathEscapes});
     * a path whose escapes cannot be read is given back as it is (its own check reports it).
     */
    static String normalized(String path) {
        if (path.indexOf('%') < 0) {
            return withoutDotSegments(path);
        }
        PathEscapes.Decoded d = PathEscapes.decode(path);
        return d.problem() == PathEscapes.Problem.NONE ? withoutDotSegments(d.path()) : path;
    }

    /**
     * Whether {@code path} has escaped bytes that are no UTF-8 character, or {@code %00}: no request
     * path can match it (the gateway answers such requests 404 or 400 before routing).
     */
    static boolean spellsNoCharacter(String path) {
        if (path.indexOf('%') < 0) {
            return false;
        }
        PathEscapes.Problem p = PathEscapes.decode(path).problem();
        return p == PathEscapes.Problem.NUL || p == PathEscapes.Problem.NOT_UTF8;
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
