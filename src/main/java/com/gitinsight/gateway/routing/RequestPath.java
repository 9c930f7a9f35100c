package com.gitinsight.gateway.routing;

import com.gitinsight.gateway.config.PathEscapes;

/**
 * The request path as Kong's router sees it ({@code kong.tools.uri.normalize} with nginx's
 * {@code merge_slashes on}): percent-escapes of characters that are not reserved are decoded
 * (RFC 3986 6.2.2.2), escapes of reserved characters are kept and upper-cased (so {@code %2F} is
 * never a separator), doubled slashes are merged and dot segments removed (RFC 3986 5.2.4).
 * Routes and plugins judge this path and the upstream receives it, so what a plugin judged is what
 * the backend gets.
 *
 * <p>Stricter than Kong where Kong's leniency lets a client pick the backend's reading of a path:
 * a path that climbs above {@code /}, a malformed escape, and a dot segment hidden behind
 * {@code ;} parameters ({@code /..;/}, which servlet backends read as {@code ..}) are refused.
 * Escapes are read by {@link PathEscapes}, as a route's path is checked at load: as Kong, escapes
 * of space and of the other characters that are neither reserved nor unreserved are decoded, and
 * escaped bytes beyond ASCII are read as UTF-8 (a route written {@code /café} matches
 * {@code /caf%C3%A9}); escapes of controls and line breaks stay. Bytes that are not UTF-8 match no
 * route (404, as Kong's router) and {@code %00} is refused (nginx's 400). {@link #escape} makes
 * the path safe for the wire again.
 */
public final class RequestPath {

    private RequestPath() {}

    /** A path the gateway refuses (400, or 404 as no route), with the reason for the client. */
    public static final class BadPath extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        BadPath(String message) {
            this(message, 400);
        }

        BadPath(String message, int status) {
            super(message, null, false, false);
            this.status = status;
        }

        /** The answer's status: 400, or 404 for bytes that spell no character (Kong's router). */
        public int status() {
            return status;
        }
    }

    /**
     * Whether a request target (a raw path or query) holds a control character or a space. Over
     * HTTP/1 the request line cannot carry them; over HTTP/2 the container passes a {@code :path}
     * with them as it came, where nginx refuses it (400): a raw LF is no {@code .} to a route's
     * regex, and it would end the request line sent upstream.
     */
    public static boolean hasControlCharacter(String target) {
        if (target == null) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** The normalised form of a raw (still encoded) path; the same string when nothing changes. */
    public static String normalize(String raw) throws BadPath {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            throw new BadPath("The request path must start with /");
        }
        String sent = asSent(raw);
        String decoded = sent.indexOf('%') < 0 ? sent : decodeUnreserved(sent);
        // Every dot segment follows a '/': "/big.json" needs no segment walk (no allocation).
        if (decoded.indexOf("/.") < 0 && decoded.indexOf("//") < 0) {
            return decoded;
        }
        return removeDotSegments(decoded);
    }

    /**
     * Kong's {@code X-Forwarded-Path}: the request's path as the client wrote it ({@code
     * $request_uri} without its query), not normalised, escaped where no path holds a byte raw.
     */
    public static String forwardedPath(String requestUri) {
        return escape(asSent(requestUri));
    }

    /**
     * The request path with the raw bytes beyond ASCII a client sent unescaped (nginx takes them)
     * written as escapes: Payara hands them over one character per byte, so {@code café} sent as
     * UTF-8 arrives as {@code cafÃ©}, and was routed and forwarded as that ({@code %C3%83%C2%A9}).
     * Escaped, they are read as UTF-8 as escapes are. The same instance when there are none (a
     * character beyond one byte means the container decoded the path itself: it is kept).
     */
    public static String asSent(String raw) {
        int i = 0;
        while (i < raw.length() && raw.charAt(i) < 0x80) {
            i++;
        }
        if (i == raw.length()) {
            return raw;
        }
        for (int j = i; j < raw.length(); j++) {
            if (raw.charAt(j) > 0xff) {
                return raw;
            }
        }
        StringBuilder out = new StringBuilder(raw.length() + 16).append(raw, 0, i);
        for (; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x80) {
                out.append(c);
            } else {
                appendEscape(out, c);
            }
        }
        return out.toString();
    }

    /**
     * Whether a raw path is spelled differently from its normal form in a way that matters for the
     * gateway's own endpoints: an escaped {@code /}, {@code \} or {@code .}, a dot segment or a
     * doubled slash.
     */
    public static boolean isCanonical(String raw) {
        for (int i = 0; i + 2 < raw.length(); i++) {
            if (raw.charAt(i) == '%') {
                char a = raw.charAt(i + 1);
                char b = Character.toUpperCase(raw.charAt(i + 2));
                if (a == '2' && (b == 'F' || b == 'E') || a == '5' && b == 'C') {
                    return false;
                }
            }
        }
        try {
            // Compared as it goes on the wire: a space or a non-ASCII name is spelled escaped.
            return escape(normalize(raw)).equals(raw) && raw.indexOf('\\') < 0;
        } catch (BadPath e) {
            return false;
        }
    }

    /**
     * The path as lenient backends read it: {@code ;} parameters dropped from every segment (servlet
     * containers), {@code %2F} and {@code \} taken as separators (some frameworks and Windows
     * servers). The same instance when the path has none of them.
     */
    public static String asLenientBackendsRead(String path) {
        if (path.indexOf(';') < 0 && path.indexOf('\\') < 0 && path.indexOf("%2F") < 0) {
            return path;
        }
        String separators = path.replace("%2F", "/").replace('\\', '/');
        StringBuilder out = new StringBuilder(separators.length());
        boolean inParameter = false;
        for (int i = 0; i < separators.length(); i++) {
            char c = separators.charAt(i);
            if (c == '/') {
                inParameter = false;
            } else if (c == ';') {
                inParameter = true;
            }
            if (!inParameter) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The path as it goes on the wire: a character a client may have sent escaped but that is not
     * allowed raw in a request target (space, quotes, braces...) is escaped again (Kong's
     * {@code escape}).
     */
    public static String escape(String path) {
        int i = 0;
        while (i < path.length() && allowedRaw(path.charAt(i))) {
            i++;
        }
        if (i == path.length()) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length() + 8).append(path, 0, i);
        for (; i < path.length(); i++) {
            char c = path.charAt(i);
            if (allowedRaw(c)) {
                out.append(c);
            } else if (c < 0x80) {
                appendEscape(out, c);
            } else {
                // Each UTF-8 byte of a character beyond ASCII (a low byte alone would name another character).
                int end = Character.isHighSurrogate(c) && i + 1 < path.length() ? i + 2 : i + 1;
                for (byte b : path.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    appendEscape(out, (char) (b & 0xff));
                }
                i = end - 1;
            }
        }
        return out.toString();
    }

    /** Kong's set, less {@code #}: raw, it would end the path at the backend. */
    private static boolean allowedRaw(char c) {
        return c >= 'a' && c <= 'z'
                || c >= 'A' && c <= 'Z'
                || c >= '0' && c <= '9'
                || c < 128 && "!$&'()*+,/:;=?@[]-_.~%".indexOf(c) >= 0;
    }

    /**
     * Whether {@code path} (an upstream path), read as lenient backends read it (see
     * {@link #asLenientBackendsRead}) with its dot segments resolved, climbs out of {@code base}
     * (the service's path; null: {@code /}). {@code /svc/a%2F..%2Fb} stays ({@code /svc/b}: Kong
     * forwards it as sent), {@code /svc/..%2Fadmin} leaves.
     */
    public static boolean lenientlyLeaves(String path, String base) {
        String lenient = asLenientBackendsRead(path);
        if (lenient == path || !hasDotSegment(lenient)) {
            return false;
        }
        String root = base == null ? "/" : asLenientBackendsRead(base);
        try {
            String resolved = removeDotSegments(lenient);
            String within = removeDotSegments(root);
            String prefix = within.endsWith("/") ? within : within + "/";
            return !(resolved.startsWith(prefix) || resolved.equals(within));
        } catch (BadPath climbs) {
            return true;
        }
    }

    /** Whether a path has a {@code .} or {@code ..} segment (an upstream path made by a join). */
    public static boolean hasDotSegment(String path) {
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            int n = end - start;
            if (n == 1 && path.charAt(start) == '.'
                    || n == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.') {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static String decodeUnreserved(String raw) throws BadPath {
        PathEscapes.Decoded d = PathEscapes.decode(raw);
        return switch (d.problem()) {
            case NONE -> d.path();
            case MALFORMED -> throw new BadPath("The request path has a malformed percent-escape");
            case NUL -> throw new BadPath("The request path has a NUL byte"); // nginx's 400
            // Bytes that are no UTF-8 (an overlong %C0%AE, a lone byte) match no route, as Kong's router.
            case NOT_UTF8 -> throw new BadPath(com.gitinsight.gateway.http.ErrorResponses.NO_ROUTE, 404);
        };
    }

    private static void appendEscape(StringBuilder out, char c) {
        PathEscapes.appendEscape(out, c);
    }

    /**
     * nginx's {@code $uri} of a normalised path (what Kong's balancer hashes for
     * {@code hash_on: path}): every escape decoded, the reserved ones too, and the slashes and dot
     * segments they spelled resolved as nginx's parser resolves them in the same pass
     * ({@code /a%2F..%2Fb} is {@code /b}, {@code /x%28} is {@code /x(}). The same instance when the
     * path holds no escape.
     */
    public static String asNginxUri(String normalized) {
        if (normalized.indexOf('%') < 0) {
            return normalized;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(normalized.length());
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            int hi = i + 2 < normalized.length() ? Character.digit(normalized.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(normalized.charAt(i + 2), 16) : -1;
            if (c == '%' && lo >= 0) {
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        String decoded = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        if (decoded.indexOf("/.") < 0 && decoded.indexOf("//") < 0) {
            return decoded;
        }
        try {
            return removeDotSegments(decoded);
        } catch (BadPath climbs) {
            return decoded; // a key only: what the route matched was checked already
        }
    }

    /** RFC 3986 5.2.4 over segments, merging empty ones; climbing above the root is refused. */
    private static String removeDotSegments(String path) throws BadPath {
        String[] segments = path.split("/", -1);
        String[] out = new String[segments.length];
        int n = 0;
        boolean trailingSlash = false;
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            String bare = s.indexOf(';') < 0 ? s : s.substring(0, s.indexOf(';'));
            if (s.equals(".")) {
                trailingSlash = last;
            } else if (s.equals("..")) {
                if (n == 0) {
                    throw new BadPath("The request path climbs above the root");
                }
                n--;
                trailingSlash = last;
            } else if (bare.equals(".") || bare.equals("..")) {
                throw new BadPath("The request path has a dot segment with parameters");
            } else if (s.isEmpty()) {
                // A merged slash; the path's own trailing slash is kept.
                trailingSlash = last;
            } else {
                out[n++] = s;
                trailingSlash = false;
            }
        }
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < n; i++) {
            b.append('/').append(out[i]);
        }
        if (trailingSlash || n == 0) {
            b.append('/');
        }
        return b.toString();
    }
}
