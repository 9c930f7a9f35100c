package com.gitinsight.gateway.cache;

import java.util.regex.Pattern;

/**
 * A path pattern for purges and eviction rules: {@code *} one segment (or part of one), {@code **}
 * any number of segments ({@code /a/**} also matches {@code /a}). Compiled once; {@link #prefix}
 * lets the index look at only the paths that can match.
 */
public final class PathPattern {

    private final String text;
    private final String prefix;
    private final Pattern regex;

    private PathPattern(String text, String prefix, Pattern regex) {
        this.text = text;
        this.prefix = prefix;
        this.regex = regex;
    }

    public static PathPattern compile(String glob) {
        if (glob == null || !glob.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with '/': " + glob);
        }
        int wild = glob.indexOf('*');
        String prefix = wild < 0 ? glob : glob.substring(0, wild);
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            if (glob.startsWith("/**", i) && (i + 3 == glob.length() || glob.charAt(i + 3) == '/')) {
                re.append("(?:/.*)?");
                i += 3;
            } else if (glob.startsWith("**", i)) {
                re.append(".*");
                i += 2;
            } else if (glob.charAt(i) == '*') {
                re.append("[^/]*");
                i++;
            } else {
                int next = i;
                while (next < glob.length() && glob.charAt(next) != '*' && !glob.startsWith("/**", next)) {
                    next++;
                }
                re.append(Pattern.quote(glob.substring(i, next)));
                i = next;
            }
        }
        // "/a/**" also covers "/a": the index range must start before the slash.
        if (prefix.endsWith("/") && glob.startsWith("/**", prefix.length() - 1)) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return new PathPattern(glob, prefix, Pattern.compile(re.toString()));
    }

    /** Every matching path starts with this. */
    public String prefix() {
        return prefix;
    }

    public boolean matches(String path) {
        return path.startsWith(prefix) && regex.matcher(path).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
