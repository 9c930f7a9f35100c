package com.gitinsight.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * What a YAML or JSON parser could not read, told without the text it read: the parsers quote the
 * offending line (SnakeYAML's snippet) or token (Jackson's "Unrecognized token 'x'"), and the
 * line of a malformed configuration is often the one with a password on it. Error messages go to
 * health (which observers read without a token), logs, JMX and admin answers; the location
 * (file, line and column) says where to look.
 */
public final class ParseErrors {

    /** A quoted token longer than this is left out ("found character '@'" stays). */
    private static final int QUOTED_KEPT = 1;

    private ParseErrors() {}

    /** The parser's reason, without a quoted line or token. */
    public static String describe(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException yaml) {
                String problem = yaml.getProblem() == null ? "malformed YAML" : yaml.getProblem();
                String reason = yaml.getContext() == null ? problem : yaml.getContext() + ": " + problem;
                return withoutQuotedText(firstLine(reason));
            }
        }
        String message = e.getOriginalMessage();
        return message == null ? "malformed input" : withoutQuotedText(firstLine(message));
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /**
     * {@code 'secret'} becomes {@code '...'} (a quoted single character is kept), a parenthesised
     * part {@code (...)} ("Numeric value (12345...) out of range") and whatever follows
     * {@code found:} (SnakeYAML's "but found: <the text>") go.
     */
    static String withoutQuotedText(String text) {
        int found = text.indexOf("found: ");
        if (found >= 0) {
            text = text.substring(0, found + "found:".length()) + " ...";
        }
        return withoutParentheses(withoutQuotes(text));
    }

    private static String withoutParentheses(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                if (depth++ == 0) {
                    out.append("(...)");
                }
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String withoutQuotes(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int close = c == '\'' ? text.indexOf('\'', i + 1) : -1;
            if (close > i + 1 + QUOTED_KEPT) {
                out.append("'...'");
                i = close + 1;
            } else if (close > i) {
                out.append(text, i, close + 1);
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
