package com.gitinsight.gateway.http;

/**
 * Cuts a client's text to a bound for a log line or record without splitting a character: a cut
 * between the two halves of a surrogate pair (an emoji) would leave a lone half, which strict JSON
 * parsers refuse (a log pipeline would then refuse the whole batch, every other client's records
 * with it).
 */
public final class Cut {

    private Cut() {}

    /** {@code value} when at most {@code max} chars long, else its first ones (at most max) and {@code marker}. */
    public static String atMost(String value, int max, String marker) {
        if (value == null || value.length() <= max) {
            return value;
        }
        int end = max;
        if (end > 0
                && Character.isHighSurrogate(value.charAt(end - 1))
                && Character.isLowSurrogate(value.charAt(end))) {
            end--;
        }
        return value.substring(0, end) + marker;
    }
}
