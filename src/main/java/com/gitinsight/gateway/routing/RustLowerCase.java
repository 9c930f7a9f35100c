package com.gitinsight.gateway.routing;

import java.util.Locale;

/**
 * Rust's {@code str::to_lowercase}, which is what Kong's ATC router's {@code lower()} does to a
 * request's header value: Java's {@code toLowerCase(Locale.ROOT)} but for the capital sigma. Both
 * give its final form ({@code ς}) at the end of a word, but Java finds the word's end by word
 * boundaries, where Rust looks only past case-ignorable characters for a cased one (Unicode's
 * Final_Sigma): {@code A1Σ} is {@code a1σ} to Rust and {@code a1ς} to Java (attacker review 313).
 */
final class RustLowerCase {

    private static final char CAPITAL_SIGMA = '\u03A3';

    private RustLowerCase() {}

    static String of(String s) {
        if (s.indexOf(CAPITAL_SIGMA) < 0) {
            return s.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp == CAPITAL_SIGMA) {
                out.append(casedBefore(s, i) && !casedAfter(s, i + n) ? '\u03C2' : '\u03C3');
            } else {
                // One code point alone: Java's other mappings take no context in the root locale.
                out.append(s.substring(i, i + n).toLowerCase(Locale.ROOT));
            }
            i += n;
        }
        return out.toString();
    }

    /** Rust's case_ignorable_then_cased over the characters before {@code at}, nearest first. */
    private static boolean casedBefore(String s, int at) {
        for (int i = at; i > 0; ) {
            int cp = s.codePointBefore(i);
            i -= Character.charCount(cp);
            if (!caseIgnorable(cp)) {
                return cased(cp);
            }
        }
        return false;
    }

    /** The same over the characters from {@code from} on. */
    private static boolean casedAfter(String s, int from) {
        for (int i = from; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (!caseIgnorable(cp)) {
                return cased(cp);
            }
        }
        return false;
    }

    /** Unicode's Cased: lower case, upper case or title case letters (the Other_ ones included). */
    static boolean cased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /**
     * Unicode's Case_Ignorable: marks, format characters, modifier letters and symbols, and the
     * characters word breaking reads as inside a word (MidLetter, MidNumLet, Single_Quote).
     */
    static boolean caseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK,
                    Character.FORMAT,
                    Character.MODIFIER_LETTER,
                    Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        return switch (cp) {
            case '\'',
                    '.',
                    ':',
                    0x00B7,
                    0x0387,
                    0x055F,
                    0x05F4,
                    0x2018,
                    0x2019,
                    0x2024,
                    0x2027,
                    0xFE13,
                    0xFE52,
                    0xFE55,
                    0xFF07,
                    0xFF0E,
                    0xFF1A -> true;
            default -> false;
        };
    }
}
