package com.gitinsight.gateway.cache;

import java.util.BitSet;

/**
 * A path pattern for purges and eviction rules: {@code *} one segment (or part of one), {@code **}
 * any number of segments ({@code /a/**} also matches {@code /a}). Compiled once; {@link #prefix}
 * lets the index look at only the paths that can match. Matched in one pass over the path, all
 * the pattern's positions at once (helper review 192: compiled to a backtracking regex, a
 * 27-character pattern of stars took 98 s against one 41-character path).
 */
public final class PathPattern {

    /** What a position of the pattern takes: a character (0 and up) or a wildcard. */
    private static final int SEGMENT = -1; // '*': any characters but '/'

    private static final int ANY = -2; // '**': any characters
    private static final int OPTIONAL_SLASH = -3; // "/**": nothing at all, or '/' and then ANY

    private final String text;
    private final String prefix;
    private final int[] positions;

    private PathPattern(String text, String prefix, int[] positions) {
        this.text = text;
        this.prefix = prefix;
        this.positions = positions;
    }

    public static PathPattern compile(String glob) {
        if (glob == null || !glob.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with '/': " + glob);
        }
        int wild = glob.indexOf('*');
        String prefix = wild < 0 ? glob : glob.substring(0, wild);
        java.util.List<Integer> out = new java.util.ArrayList<>();
        int i = 0;
        while (i < glob.length()) {
            if (glob.startsWith("/**", i) && (i + 3 == glob.length() || glob.charAt(i + 3) == '/')) {
                out.add(OPTIONAL_SLASH);
                out.add(ANY);
                i += 3;
            } else if (glob.startsWith("**", i)) {
                out.add(ANY);
                i += 2;
            } else if (glob.charAt(i) == '*') {
                out.add(SEGMENT);
                i++;
            } else {
                out.add((int) glob.charAt(i));
                i++;
            }
        }
        // "/a/**" also covers "/a": the index range must start before the slash.
        if (prefix.endsWith("/") && glob.startsWith("/**", prefix.length() - 1)) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return new PathPattern(
                glob, prefix, out.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Every matching path starts with this. */
    public String prefix() {
        return prefix;
    }

    public boolean matches(String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        int m = positions.length;
        BitSet current = new BitSet(m + 1);
        current.set(0);
        closure(current);
        BitSet next = new BitSet(m + 1);
        for (int c = 0; c < path.length(); c++) {
            char ch = path.charAt(c);
            next.clear();
            for (int at = current.nextSetBit(0); at >= 0 && at < m; at = current.nextSetBit(at + 1)) {
                int p = positions[at];
                if (p >= 0) {
                    if (p == ch) {
                        next.set(at + 1);
                    }
                } else if (p == SEGMENT) {
                    if (ch != '/') {
                        next.set(at);
                    }
                } else if (p == ANY) {
                    next.set(at);
                } else if (ch == '/') { // OPTIONAL_SLASH: its slash, then the ANY after it
                    next.set(at + 1);
                }
            }
            if (next.isEmpty()) {
                return false;
            }
            closure(next);
            BitSet swap = current;
            current = next;
            next = swap;
        }
        return current.get(m);
    }

    /** Adds the positions reached without a character: past a wildcard, or past "/**" altogether. */
    private void closure(BitSet states) {
        for (int at = states.nextSetBit(0); at >= 0 && at < positions.length; at = states.nextSetBit(at + 1)) {
            int p = positions[at];
            if (p == SEGMENT || p == ANY) {
                states.set(at + 1);
            } else if (p == OPTIONAL_SLASH) {
                states.set(at + 2);
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
