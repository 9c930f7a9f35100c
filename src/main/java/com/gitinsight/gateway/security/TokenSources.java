package com.gitinsight.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;

/** Where the jwt plugin finds tokens: the query parameters, cookies and headers its config names, in Kong's order. */
final class TokenSources {

    /** Kong's unanchored {@code \\s*[Bb]earer\\s+(.+)} (PCRE's . stops at a newline only). */
    private static final java.util.regex.Pattern BEARER =
            java.util.regex.Pattern.compile("[Bb]earer\\s+(.+)", java.util.regex.Pattern.UNIX_LINES);

    /**
     * A query parameter named without {@code =} ({@code ?jwt}): Kong reads it as the boolean true,
     * a token that is not a string. Told apart by identity; a second one is the same, as in Kong's set.
     */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String BARE_FLAG = new String("true");

    private TokenSources() {}

    /**
     * Each cookie named {@code name} in any ASCII case, in the order sent, as {spelling, value}, as
     * nginx's {@code ngx_http_parse_multi_header_lines} finds them: a pair starts after a ';' or a
     * ',' and spaces; its name may be followed by spaces, then '=' (anything else: the pair is
     * skipped, one character more consumed, as nginx's {@code *start++ != '='}); its value is
     * everything up to the next ';' after leading spaces.
     */
    static List<String[]> cookies(HttpServletRequest request, String name) {
        List<String[]> found = new ArrayList<>(1);
        java.util.Enumeration<String> lines = request.getHeaders("Cookie");
        while (lines != null && lines.hasMoreElements()) {
            String line = lines.nextElement();
            int n = line.length();
            int i = 0;
            while (i < n) {
                if (nameAt(line, i, name, false)) {
                    int j = i + name.length();
                    while (j < n && line.charAt(j) == ' ') {
                        j++;
                    }
                    if (j < n && line.charAt(j) == '=') {
                        j++;
                        while (j < n && line.charAt(j) == ' ') {
                            j++;
                        }
                        int end = line.indexOf(';', j);
                        end = end < 0 ? n : end;
                        found.add(new String[] {line.substring(i, i + name.length()), line.substring(j, end)});
                        i = end;
                    } else {
                        i = Math.min(j + 1, n);
                    }
                }
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == ';' || c == ',') {
                        break;
                    }
                }
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
            }
        }
        return found;
    }

    /**
     * A pair some backend's cookie parser may read as the cookie {@code name}: its spelling, its
     * value, and whether it is a plain pair every parser reads alike ({@code clean}: at a line's
     * start or after ';' and spaces, no quote before it in the line).
     */
    record Candidate(String spelling, String value, boolean clean) {}

    /**
     * Every pair of the Cookie lines that some backend could take for the cookie {@code name}
     * (attacker reviews 237, 238): a pair may start at a line's start or after any ';' or ','
     * (Grizzly splits at ','; Go, PHP, Django, werkzeug, Node at ';' only); what a trim takes
     * around the name is skipped (Python and JavaScript trim U+00A0 and other Unicode spaces,
     * taken here as any byte beyond ASCII); the name in any ASCII case, a '_' of it also spelled '.',
     * ' ' or '[' (PHP reads those as '_'); blanks before '='; the value up to ';' or ',', or a
     * quoted one up to its closing quote, trimmed. One pass over each line.
     */
    static List<Candidate> candidates(HttpServletRequest request, String name) {
        List<Candidate> found = new ArrayList<>(1);
        java.util.Enumeration<String> lines = request.getHeaders("Cookie");
        while (lines != null && lines.hasMoreElements()) {
            String line = lines.nextElement();
            int n = line.length();
            boolean quoted = false; // a quote seen before this pair in the line
            boolean afterSemicolon = true; // the pair starts the line or follows a ';'
            int p = 0;
            while (p <= n) {
                int q = p;
                boolean onlySpaces = true;
                while (q < n && skippable(line.charAt(q))) {
                    onlySpaces &= line.charAt(q) == ' ';
                    q++;
                }
                if (nameAt(line, q, name, true)) {
                    int r = q + name.length();
                    while (r < n && skippable(line.charAt(r))) {
                        r++;
                    }
                    if (r < n && line.charAt(r) == '=') {
                        r++;
                        while (r < n && skippable(line.charAt(r))) {
                            r++;
                        }
                        int end;
                        String value;
                        if (r < n && line.charAt(r) == '"') {
                            end = line.indexOf('"', r + 1);
                            end = end < 0 ? n : end;
                            value = line.substring(r + 1, end);
                        } else {
                            end = r;
                            while (end < n && line.charAt(end) != ';' && line.charAt(end) != ',') {
                                end++;
                            }
                            value = line.substring(r, end).strip();
                        }
                        found.add(new Candidate(
                                line.substring(q, q + name.length()), value, afterSemicolon && onlySpaces && !quoted));
                    }
                }
                // On to the next ';' or ',' (a quote on the way is remembered).
                int k = p;
                while (k < n && line.charAt(k) != ';' && line.charAt(k) != ',') {
                    quoted |= line.charAt(k) == '"';
                    k++;
                }
                if (k >= n) {
                    break;
                }
                afterSemicolon = line.charAt(k) == ';';
                p = k + 1;
            }
        }
        return found;
    }

    /**
     * Skipped before a name by some backend: what Python's or JavaScript's trim takes (blanks,
     * VT, FF, the separators 0x1C-0x1F) and bytes beyond ASCII (a UTF-8 U+00A0 or U+3000 as
     * sent, one character per byte here).
     */
    private static boolean skippable(char c) {
        return c == ' ' || c == '\t' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1f) || c >= 0x80;
    }

    /**
     * {@code name} at {@code from} in {@code text}, A-Z folded only (nginx's {@code
     * ngx_strncasecmp}); with {@code phpSpellings} a '_' of the name also matches '.', ' ' or '['
     * (PHP reads those as '_').
     */
    private static boolean nameAt(String text, int from, String name, boolean phpSpellings) {
        if (from + name.length() > text.length()) {
            return false;
        }
        for (int k = 0; k < name.length(); k++) {
            char a = text.charAt(from + k);
            char b = name.charAt(k);
            boolean same = a == b
                    || asciiLower(a) == asciiLower(b)
                    || phpSpellings && b == '_' && (a == '.' || a == ' ' || a == '[');
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** Whether {@code token} is the bare query flag (not a string token). */
    static boolean isBareFlag(String token) {
        return token == BARE_FLAG;
    }

    /** Whether {@code token} is what the {@code Authorization} header carries (as a bearer token). */
    static boolean isAuthorizationBearer(HttpServletRequest request, String token) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return false;
        }
        java.util.regex.Matcher bearer = BEARER.matcher(header.trim());
        return bearer.find() && bearer.group(1).equals(token);
    }

    /** The bearer scheme in any case (RFC 9110's schemes have none), as a backend's parser reads it. */
    private static final java.util.regex.Pattern ANY_CASE_BEARER =
            java.util.regex.Pattern.compile("^\\s*(?i:bearer)\\s+(.+)", java.util.regex.Pattern.UNIX_LINES);

    /**
     * Every token the request carries, in Kong's order: query, cookies, headers; then any other
     * token a backend could read in the token's place, when it differs from those (attacker review
     * 153): an {@code Authorization: BEARER ...} (Kong reads {@code [Bb]earer} only; Spring,
     * ASP.NET and FastAPI take any case) or a cookie of the name in another case (nginx takes the
     * first; a backend compares names exactly). The one verified would then not be the
     * one the backend reads, so they count as Kong's "Multiple tokens provided". Alone they are not
     * tokens, as on Kong.
     */
    static List<String> tokens(HttpServletRequest request, JwtSchema.Config config) {
        List<String> out = new ArrayList<>(1);
        List<String> shadows = new ArrayList<>(0);
        String query = request.getQueryString();
        if (query != null && !config.uriParamNames().isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq < 0 && !pair.isEmpty() && config.uriParamNames().contains(decode(pair))) {
                    out.add(BARE_FLAG); // Kong's get_query: ?jwt alone is the value true
                } else if (eq > 0 && config.uriParamNames().contains(decode(pair.substring(0, eq)))) {
                    String token = decode(pair.substring(eq + 1));
                    if (!token.isEmpty()) { // Kong skips an empty value
                        out.add(token);
                    }
                }
            }
        }
        if (!config.cookieNames().isEmpty()) {
            // nginx's $cookie_<name>: the first cookie of that name in any case (nginx compares
            // cookie names without case), read from the Cookie lines as sent; an empty one is none.
            // Not the container's parsed cookies: it drops one it finds malformed ("jwt=EVIL x",
            // a control byte), so the gateway verified a later cookie while the backend read the
            // first (attacker review 236).
            for (String name : config.cookieNames()) {
                List<String[]> found = cookies(request, name);
                String verified = found.isEmpty() ? "" : found.get(0)[1]; // an empty one is none
                if (!verified.isEmpty()) {
                    out.add(verified);
                }
                String spelling = found.isEmpty() ? null : found.get(0)[0];
                // Any other value a backend's parser could read for the name is another token
                // (attacker reviews 236-238: "x=1,jwt=VALID; jwt=FORGED", a tab or U+00A0 before
                // the name, a quoted value swallowing a pair, PHP's "jwt.x" for "jwt_x", another
                // case). Exempt, as on Kong: a browser's cookies of two paths, the same spelling
                // twice in plain pairs after nginx's own plain first one (documented: a backend
                // that reads the last must take the caller from X-Consumer-*).
                List<Candidate> candidates = candidates(request, name);
                boolean firstPlain = false;
                for (Candidate c : candidates) {
                    if (c.spelling().equals(spelling)) {
                        firstPlain = c.clean() && c.value().equals(verified);
                        break;
                    }
                }
                for (Candidate c : candidates) {
                    if (c.value().isEmpty() || c.value().equals(verified)) {
                        continue;
                    }
                    boolean secondPathCookie =
                            firstPlain && c.clean() && c.spelling().equals(spelling);
                    if (!secondPathCookie) {
                        shadows.add(c.value());
                    }
                }
            }
        }
        for (String name : config.headerNames()) {
            // Kong reads the first occurrence of each header (its spec: "finds the JWT in the first
            // header occurrence of a duplicated custom authorization header").
            String header = request.getHeader(name);
            if (header == null && name.indexOf('_') >= 0) {
                // As Kong's get_header (nginx's $http_x_jwt): x_jwt names the header X-Jwt; key-auth's rule.
                header = request.getHeader(name.replace('_', '-'));
            }
            String value = header == null ? "" : header.trim();
            java.util.regex.Matcher bearer = BEARER.matcher(value);
            boolean kongFound = bearer.find();
            if (kongFound) {
                out.add(bearer.group(1));
            } else if (!"authorization".equals(name) && !value.isEmpty()) {
                out.add(value);
            }
            // What a backend's parser reads there: the token after a leading bearer scheme in any
            // case, else (Kong found one further in: "Basic x Bearer t", "BEARER a xBearer t") the
            // header as a whole (attacker review 158).
            if (kongFound && bearer.start() == 0) {
                continue; // the header starts with Kong's match: a backend reads the same token
            }
            java.util.regex.Matcher anyCase = ANY_CASE_BEARER.matcher(value);
            if (anyCase.find()) {
                shadows.add(anyCase.group(1));
            } else if (kongFound) {
                shadows.add(value);
            }
        }
        if (!out.isEmpty()) {
            for (String shadow : shadows) {
                if (!out.contains(shadow)) {
                    out.add(shadow);
                }
            }
        }
        return out;
    }

    /** The one reading of arguments every plugin and the log redaction share (attacker review 158). */
    private static String decode(String s) {
        return com.gitinsight.gateway.http.UrlArgs.decodePart(s);
    }
}
