package com.gitinsight.gateway.routing;

import java.util.regex.Pattern;

/**
 * A regex search with a bound on its work, as nginx's {@code lua_regex_match_limit} bounds
 * Kong's: an operator's rule with nested repetition ({@code (a+)+$}) must not let one client's
 * header hold a request thread. Past the budget (reads of the input's characters) or on a stack
 * overflow the answer is {@link Result#UNKNOWN}; the caller decides which way that fails (Kong's
 * {@code ngx.re.find} returns nil, no match, which would let a padded header slip past a deny rule).
 */
public final class MatchBudget {

    /** Character reads allowed per input character, plus a floor (a few ms of work at most). */
    private static final long PER_CHAR = 64;

    private static final long FLOOR = 1_000_000;

    /** A bounded search's answer. */
    public enum Result {
        FOUND,
        NOT_FOUND,
        UNKNOWN
    }

    private MatchBudget() {}

    /** Thrown from the input when the budget is spent (no stack trace: it is control flow). */
    private static final class Spent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Spent() {
            super("regex match budget spent", null, false, false);
        }
    }

    /** Whether {@code pattern} is found in {@code input}, or {@link Result#UNKNOWN} past the budget. */
    public static Result find(Pattern pattern, String input) {
        try {
            return pattern.matcher(new Counted(input, FLOOR + PER_CHAR * input.length()))
                            .find()
                    ? Result.FOUND
                    : Result.NOT_FOUND;
        } catch (Spent | StackOverflowError e) {
            return Result.UNKNOWN;
        }
    }

    /**
     * A matcher over {@code input} that throws once the budget is spent (see {@link #spent}), for a
     * caller that needs the match's groups or bounds.
     */
    public static java.util.regex.Matcher matcher(Pattern pattern, String input) {
        return pattern.matcher(new Counted(input, FLOOR + PER_CHAR * input.length()));
    }

    /** Whether {@code e}, thrown by a {@link #matcher} search, means the budget was spent. */
    public static boolean spent(Throwable e) {
        return e instanceof Spent || e instanceof StackOverflowError;
    }

    /** The input, counting reads. Per search: never shared between threads. */
    private static final class Counted implements CharSequence {
        private final String text;
        private long left;

        Counted(String text, long budget) {
            this.text = text;
            this.left = budget;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new Spent();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
