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

    /** The budget was spent (or the search overflowed its stack): the answer is not known. */
    public static final class Spent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Spent() {
            super("regex match budget spent", null, false, false);
        }
    }

    /**
     * Character reads shared by several searches (a request's route regexes, over its path and
     * header values): one bound for all, so a hundred values each just within a bound of its own
     * cannot add up. Confined to one thread.
     */
    public static final class Budget {
        private long left;

        private Budget(long left) {
            this.left = left;
        }
    }

    /** A budget for the searches of one request whose path is {@code length} characters long. */
    public static Budget forRequest(int length) {
        return new Budget(4 * (FLOOR + PER_CHAR * length));
    }

    /** Whether {@code pattern} is found in {@code input}, or {@link Result#UNKNOWN} past the budget. */
    public static Result find(Pattern pattern, String input) {
        return find(pattern, input, new Budget(FLOOR + PER_CHAR * input.length()));
    }

    /** As {@link #find(Pattern, String)}, drawing on {@code budget}. */
    public static Result find(Pattern pattern, String input, Budget budget) {
        try {
            return pattern.matcher(new Counted(input, budget)).find() ? Result.FOUND : Result.NOT_FOUND;
        } catch (Spent | StackOverflowError e) {
            return Result.UNKNOWN;
        }
    }

    /** Whether the whole of {@code input} matches {@code pattern}, or {@link Result#UNKNOWN} past the budget. */
    public static Result matches(Pattern pattern, String input) {
        try {
            return pattern.matcher(new Counted(input, new Budget(FLOOR + PER_CHAR * input.length())))
                            .matches()
                    ? Result.FOUND
                    : Result.NOT_FOUND;
        } catch (Spent | StackOverflowError e) {
            return Result.UNKNOWN;
        }
    }

    /**
     * The matcher of the first match of {@code pattern} in {@code input} (its groups and bounds),
     * or null when there is none, within a budget of its own.
     *
     * @throws Spent past the budget
     */
    public static java.util.regex.Matcher found(Pattern pattern, String input) {
        return found(pattern, input, new Budget(FLOOR + PER_CHAR * input.length()));
    }

    /** As {@link #found(Pattern, String)}, drawing on {@code budget}. */
    public static java.util.regex.Matcher found(Pattern pattern, String input, Budget budget) {
        java.util.regex.Matcher m = pattern.matcher(new Counted(input, budget));
        try {
            return m.find() ? m : null;
        } catch (StackOverflowError e) {
            throw new Spent();
        }
    }

    /** The input, counting reads. Per search: never shared between threads. */
    private static final class Counted implements CharSequence {
        private final String text;
        private final Budget budget;

        Counted(String text, Budget budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--budget.left < 0) {
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
