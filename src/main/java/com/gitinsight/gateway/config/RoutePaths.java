package com.gitinsight.gateway.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * How route paths are read. Since Kong 3.0 a path starting with {@code ~} is a regex and any other
 * path a plain prefix. Kong reads {@code _format_version} 1.1 and 2.1 files (written when Kong
 * guessed regexes) through a one-time migration ({@code kong/db/declarative/migrations/route_path.lua},
 * {@code kong/db/migrations/migrate_path_280_300.lua}) that {@link #migrateLegacy} reproduces.
 */
public final class RoutePaths {

    /** {@code is_not_regex}: the characters a pre-3.0 path may have and still be plain. */
    private static final String PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_~/%";
    /** {@code normalize_regex}: escapes of these stay escapes (upper-cased). */
    private static final String RESERVED = "!#$%&'()*+,/:;=?@[]";
    /** {@code normalize_regex}: these are decoded, then escaped with a backslash. */
    private static final String REGEX_META = ".^-{}\\|";

    private RoutePaths() {}

    /**
     * A path of a 1.1/2.1 file as Kong 3 reads it: unchanged when it has only letters, digits and
     * {@code . - _ ~ / %} (Kong's test is PCRE {@code [a-zA-Z0-9\.\-_~/%]*$} anchored at the start,
     * so one final newline passes too); otherwise a regex: {@code ~} followed by the path with its
     * percent-escapes decoded, except escapes of reserved characters (kept, upper-cased), and with
     * decoded regex metacharacters escaped.
     */
    public static String migrateLegacy(String path) {
        // Kong's 2.8-to-3.0 migration normalizes a plain path (merging slashes) as its 3.x schema wants it.
        if (!looksPlain(path)) {
            return "~" + decodeForRegex(path);
        }
        return path.startsWith("/") ? KongPathForm.normalized(path) : path;
    }

    static boolean looksPlain(String path) {
        int n = 0;
        while (n < path.length() && PLAIN.indexOf(path.charAt(n)) >= 0) {
            n++;
        }
        // PCRE's '$' (without DOLLAR_ENDONLY) holds at the end and before a final newline.
        return n == path.length() || n == path.length() - 1 && path.charAt(n) == '\n';
    }

    static String decodeForRegex(String regex) {
        if (regex.indexOf('%') < 0) {
            return regex;
        }
        StringBuilder out = new StringBuilder(regex.length());
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            int hi = c == '%' && i + 2 < regex.length() ? hex(regex.charAt(i + 1)) : -1;
            int lo = hi < 0 ? -1 : hex(regex.charAt(i + 2));
            if (lo < 0) {
                out.append(c);
                continue;
            }
            char decoded = (char) (hi * 16 + lo);
            if (RESERVED.indexOf(decoded) >= 0) {
                out.append('%')
                        .append(Character.toUpperCase(regex.charAt(i + 1)))
                        .append(Character.toUpperCase(regex.charAt(i + 2)));
            } else if (REGEX_META.indexOf(decoded) >= 0) {
                out.append('\\').append(decoded);
            } else {
                out.append(decoded);
            }
            i += 2;
        }
        return out.toString();
    }

    /** An ASCII hex digit's value, or -1 (Kong's pattern is {@code [\dA-F]} case-insensitively). */
    private static int hex(char c) {
        return c >= '0' && c <= '9'
                ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /**
     * A route regex (without its {@code ~}) as Java reads it. Kong's regexes name groups
     * {@code (?<name>...)} or {@code (?P<name>...)} with letters, digits and underscores; Java
     * knows only the first spelling and refuses underscores, so such groups are renamed. Everything
     * else is left as written.
     */
    public static String javaRegex(String regex) {
        return javaRegex(regex, new HashMap<>());
    }

    /** As above; {@code renamed} receives each renamed group's Kong name and Java name. */
    public static String javaRegex(String regex, Map<String, String> renamed) {
        return javaRegex(regex, renamed, false);
    }

    /** {@code pcre}: also a '{' that starts no quantifier is itself (see {@link #pcreRegex}). */
    private static String javaRegex(String regex, Map<String, String> renamed, boolean pcre) {
        if (regex.indexOf("(?") < 0
                && regex.indexOf("[:") < 0
                && !(pcre && regex.indexOf('{') >= 0)
                && (pcre || !possessive(regex) && !rustEscapes(regex))) {
            return regex;
        }
        StringBuilder out = new StringBuilder(regex.length() + 8);
        int classDepth = 0;
        // The last thing written opened a group: a '?' after it is "(?", no quantifier.
        boolean groupOpened = false;
        // Where in out the last atom (character, escape, class or group) starts, for X{n,m}+.
        int atomStart = -1;
        Deque<Integer> openGroups = new ArrayDeque<>();
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            boolean afterGroupOpen = groupOpened;
            groupOpened = c == '(' && classDepth == 0;
            if (classDepth == 0 && !pcre) {
                if (c == '(') {
                    openGroups.push(out.length());
                } else if (c == ')') {
                    atomStart = openGroups.isEmpty() ? -1 : openGroups.pop();
                } else if (c == '{' && quantifierAt(regex, i)) {
                    int end = regex.indexOf('}', i) + 1;
                    int quantifierEnd = end < regex.length() && regex.charAt(end) == '?' ? end + 1 : end;
                    int nested = quantifierEnd;
                    while (nested < regex.length() && regex.charAt(nested) == '+') {
                        nested++;
                    }
                    if (nested > quantifierEnd && atomStart >= 0) {
                        // Rust reads X{n,m}+ as (X{n,m})+ (Java: possessive); see below for a++.
                        out.insert(atomStart, "(?:")
                                .append(regex, i, quantifierEnd)
                                .append(")+");
                        i = nested - 1;
                        continue;
                    }
                } else if (c != '*' && c != '+' && c != '?' && c != '|' && c != '{') {
                    atomStart = out.length();
                }
            }
            if (c == '\\' && i + 1 < regex.length()) {
                if (!pcre) {
                    int used = rustEscape(regex, i, out);
                    if (used > 0) {
                        i += used - 1;
                        continue;
                    }
                }
                int used = pcre ? pcreEscape(regex, i, out) : 0;
                if (used > 0) {
                    i += used - 1;
                    continue;
                }
                out.append(c).append(regex.charAt(++i));
                continue;
            }
            if (pcre && c == '(' && classDepth == 0 && regex.startsWith("(?", i)) {
                refuseJavaOnlyFlags(regex, i);
            }
            if (pcre && c == '{' && classDepth == 0 && !quantifierAt(regex, i)) {
                out.append("\\{");
                continue;
            }
            if (!pcre && classDepth == 0 && (c == '*' || c == '+' || c == '?') && i > 0 && !afterGroupOpen) {
                // Rust's regex crate has no possessive quantifier: a++ is (a+)+, a*+ (a*)+ and a?+
                // (a?)+ there, which match as a+, a* and a* (Java would read them possessive, and
                // [a-z]++z$ would never match what Kong matches: helper review 180). A lazy '?' is
                // part of the quantifier; every '+' after it nests once more, to the same effect.
                int end = i + 1;
                boolean lazy = end < regex.length() && regex.charAt(end) == '?';
                if (lazy) {
                    end++;
                }
                int nested = end;
                while (nested < regex.length() && regex.charAt(nested) == '+') {
                    nested++;
                }
                if (nested > end) {
                    out.append(c == '?' ? '*' : c);
                    if (lazy) {
                        out.append('?');
                    }
                    i = nested - 1;
                    continue;
                }
            }
            if (c == '[' && classDepth > 0 && regex.startsWith("[:", i)) {
                // A POSIX class inside a bracket ([[:digit:]]), which Kong's regex engines know and
                // Java would read as the characters ':', 'd', 'i', ...
                int end = regex.indexOf(":]", i + 2);
                String java = end < 0 ? null : POSIX.get(regex.substring(i + 2, end));
                if (java != null) {
                    out.append(java);
                    i = end + 1;
                    if (i + 2 < regex.length() && regex.charAt(i + 1) == '-' && regex.charAt(i + 2) != ']') {
                        // A '-' after a class starts no range ([[:word:]-.] is a class, '-' and '.'),
                        // where after the spelled-out ranges it would (attacker review 133).
                        out.append("\\-");
                        i++;
                    }
                    continue;
                }
            }
            if (c == '[') {
                classDepth++;
            } else if (c == ']' && classDepth > 0) {
                classDepth--;
            } else if (c == '(' && classDepth == 0 && regex.startsWith("(?", i)) {
                // (?p<...>: a header regex is lower-cased before it is read (Kong's compat does).
                int nameStart = regex.startsWith("(?P<", i) || regex.startsWith("(?p<", i)
                        ? i + 4
                        : regex.startsWith("(?<", i) ? i + 3 : -1;
                int nameEnd = nameStart < 0 ? -1 : regex.indexOf('>', nameStart);
                if (nameEnd > nameStart && isGroupName(regex, nameStart, nameEnd)) {
                    String name = regex.substring(nameStart, nameEnd);
                    String java = isJavaGroupName(name)
                            ? name
                            : renamed.computeIfAbsent(name, k -> "kong" + (renamed.size() + 1) + k.replace("_", ""));
                    out.append("(?<").append(java).append('>');
                    i = nameEnd;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * A PCRE regex (bot-detection's, cors's: OpenResty's {@code ngx.re}) as Java reads it: PCRE
     * takes a {@code {} that starts no quantifier ({@code {n}}, {@code {n,}}, {@code {n,m}}) as
     * itself, where Java refuses it ("Illegal repetition"; helper review 139); otherwise as
     * {@link #javaRegex(String)}.
     */
    public static String pcreRegex(String regex) {
        return javaRegex(regex, new HashMap<>(), true);
    }

    /**
     * A PCRE escape whose braces are its own, copied whole (the '{' is no literal to escape):
     * {@code \Q...\E} as written, {@code \x{e9}} (at most {@code \x{ff}}: OpenResty's PCRE reads
     * bytes and refuses a larger value), {@code \p{L}}, {@code \P{L}}. The characters used, or 0.
     */
    private static int pcreEscape(String regex, int i, StringBuilder out) {
        char e = regex.charAt(i + 1);
        if (e == 'c' && i + 2 < regex.length() && regex.charAt(i + 2) < 0x80) {
            // PCRE's \cX is X upper-cased, xor 0x40 (Java's does not upper-case), written as the
            // one character it is: read as two, \c[ opened a class for the bracket counter, which
            // then skipped the checks below (attacker review 292).
            out.append(String.format("\\x{%x}", Character.toUpperCase(regex.charAt(i + 2)) ^ 0x40));
            return 3;
        }
        if (e == 'Q') {
            int end = regex.indexOf("\\E", i + 2);
            int stop = end < 0 ? regex.length() : end + 2;
            out.append(regex, i, stop);
            return stop - i;
        }
        if ((e == 'x' || e == 'p' || e == 'P') && i + 2 < regex.length() && regex.charAt(i + 2) == '{') {
            int close = regex.indexOf('}', i + 3);
            if (close < 0) {
                return 0;
            }
            if (e == 'x') {
                String hex = regex.substring(i + 3, close);
                String digits = hex.replaceFirst("^0+(?=.)", ""); // PCRE skips leading zeros
                if (hex.isEmpty()
                        || !hex.chars().allMatch(h -> h < 0x80 && Character.digit(h, 16) >= 0)
                        || digits.length() > 2) {
                    throw new java.util.regex.PatternSyntaxException("character value in \\x{} is too large", regex, i);
                }
                out.append("\\x{").append(digits).append('}');
                return close + 1 - i;
            }
            out.append(regex, i, close + 1);
            return close + 1 - i;
        }
        return 0;
    }

    /**
     * PCRE's inline options are i, m, s, x, U (ungreedy), X, J; Java's u (Unicode case folding,
     * which over bytes would fold a UTF-8 lead byte with another) and U (Unicode classes) mean
     * something else, so a regex naming either is refused.
     */
    private static void refuseJavaOnlyFlags(String regex, int i) {
        for (int j = i + 2; j < regex.length(); j++) {
            char f = regex.charAt(j);
            if (f == 'u' || f == 'U') {
                throw new java.util.regex.PatternSyntaxException("unsupported inline option", regex, j);
            }
            if (!Character.isLetter(f) && f != '-') {
                return;
            }
        }
    }

    /** Whether {@code {n}}, {@code {n,}} or {@code {n,m}} starts at {@code i}. */
    private static boolean quantifierAt(String s, int i) {
        int j = i + 1;
        int digits = 0;
        while (j < s.length() && Character.isDigit(s.charAt(j)) && s.charAt(j) < 128) {
            j++;
            digits++;
        }
        if (digits == 0 || j >= s.length()) {
            return false;
        }
        if (s.charAt(j) == '}') {
            return true;
        }
        if (s.charAt(j) != ',') {
            return false;
        }
        j++;
        while (j < s.length() && Character.isDigit(s.charAt(j)) && s.charAt(j) < 128) {
            j++;
        }
        return j < s.length() && s.charAt(j) == '}';
    }

    /**
     * What Kong's router refuses in a route regex: it compiles each route into an atc-router
     * expression, whose regexes are Rust's regex crate, which has no look-around and no
     * backreferences (Kong's routes schema: "Router Expression failed validation"). Null when the
     * regex has neither; PCRE (and Java) would take them, so a route Kong refuses is refused here too.
     */
    public static String unsupportedByKongsRouter(String regex) {
        int classDepth = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char next = regex.charAt(++i);
                if (classDepth == 0
                        && (next >= '1' && next <= '9'
                                || next == 'k'
                                        && i + 1 < regex.length()
                                        && (regex.charAt(i + 1) == '<' || regex.charAt(i + 1) == '{'))) {
                    return "regex parse error: backreferences are not supported";
                }
                if (Character.isLetter(next) && RUST_ESCAPES.indexOf(next) < 0) {
                    // Java's \Q...\E, \Z, \G, \h, \R, \e...: Rust's regex crate knows none of them.
                    return "regex parse error: unrecognized escape sequence";
                }
            } else if (c == '[') {
                classDepth++;
            } else if (c == ']' && classDepth > 0) {
                classDepth--;
            } else if (c == '('
                    && classDepth == 0
                    && (regex.startsWith("(?=", i)
                            || regex.startsWith("(?!", i)
                            || regex.startsWith("(?<=", i)
                            || regex.startsWith("(?<!", i))) {
                return "regex parse error: look-around, including look-ahead and look-behind, is not supported";
            } else if (c == '(' && classDepth == 0 && regex.startsWith("(?>", i)) {
                return "regex parse error: unrecognized flag"; // an atomic group: Java's, not Rust's
            }
        }
        return null;
    }

    /** The letters Rust's regex crate takes after a backslash (the rest is an error there). */
    private static final String RUST_ESCAPES = "afntrvxuUdDsSwWbBAzpP";

    /** Whether the regex may hold an escape Rust spells otherwise than Java (see {@link #rustEscape}). */
    private static boolean rustEscapes(String regex) {
        return regex.contains("\\u{")
                || regex.contains("\\U")
                || regex.contains("\\v")
                || regex.contains("\\<")
                || regex.contains("\\>");
    }

    /**
     * Writes Java's spelling of the Rust escape at {@code i} ({@code \\u{41}}, {@code \\U0001F600},
     * {@code \\v} the vertical tab alone, {@code \\<} and {@code \\>} word starts and ends) and
     * returns how many characters it took, or 0 when Java reads it as Rust does (helper review 185:
     * Java refused the first two and read {@code \\v} as every vertical space).
     */
    private static int rustEscape(String regex, int i, StringBuilder out) {
        char e = regex.charAt(i + 1);
        if ((e == 'u' || e == 'U') && i + 2 < regex.length() && regex.charAt(i + 2) == '{') {
            int close = regex.indexOf('}', i + 3);
            if (close > i + 3) {
                out.append("\\x{").append(regex, i + 3, close).append('}');
                return close - i + 1;
            }
            return 0;
        }
        if (e == 'U' && i + 10 <= regex.length() && isHex(regex, i + 2, i + 10)) {
            out.append("\\x{").append(regex, i + 2, i + 10).append('}');
            return 10;
        }
        if (e == 'v') {
            out.append("\\x0B");
            return 2;
        }
        if (e == '<') {
            out.append("\\b(?=\\w)");
            return 2;
        }
        if (e == '>') {
            out.append("\\b(?<=\\w)");
            return 2;
        }
        return 0;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (Character.digit(s.charAt(k), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether a quantifier is followed by '+' outside a class (Java: possessive; Rust: nested). */
    private static boolean possessive(String regex) {
        return regex.contains("*+") || regex.contains("++") || regex.contains("?+") || regex.contains("}+");
    }

    /**
     * The POSIX bracket classes as ASCII ranges, as PCRE's and Rust's are: spelled out, so that
     * they stay ASCII in route regexes, which are compiled Unicode-aware (Rust's {@code \w}).
     */
    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alnum", "0-9A-Za-z"),
            Map.entry("alpha", "A-Za-z"),
            Map.entry("ascii", "\\x00-\\x7F"),
            Map.entry("blank", " \\t"),
            Map.entry("cntrl", "\\x00-\\x1F\\x7F"),
            Map.entry("digit", "0-9"),
            Map.entry("graph", "!-~"),
            Map.entry("lower", "a-z"),
            Map.entry("print", " -~"),
            Map.entry("punct", "!-/:-@\\[-`{-~"),
            Map.entry("space", "\\t\\n\\x0B\\f\\r "),
            Map.entry("upper", "A-Z"),
            Map.entry("word", "0-9A-Za-z_"),
            Map.entry("xdigit", "0-9A-Fa-f"));

    private static boolean isGroupName(String s, int start, int end) {
        char first = s.charAt(start);
        if (!(Character.isLetter(first) && first < 128 || first == '_')) {
            return false;
        }
        for (int i = start + 1; i < end; i++) {
            char c = s.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isJavaGroupName(String name) {
        if (!(Character.isLetter(name.charAt(0)) && name.charAt(0) < 128)) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && Character.isLetterOrDigit(c))) {
                return false;
            }
        }
        return true;
    }
}
