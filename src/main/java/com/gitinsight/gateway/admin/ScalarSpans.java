package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each scalar value of a YAML (or JSON) text is: its field path, as the parser names fields
 * ({@code consumers[0].jwt_secrets[1].secret}), and its span in the text, quotes included. Lets a
 * secret be replaced where it is written, so the rest of the file (comments, layout) stays as it was.
 */
final class ScalarSpans {

    /** One scalar: {@code text.substring(start, end)} is how it is written. */
    record Span(String path, int start, int end) {}

    /** What replaces one scalar. */
    record Edit(Span span, String with) {}

    private static final YAMLFactory YAML = new YAMLFactory();

    private ScalarSpans() {}

    static List<Span> of(String text) throws IOException {
        int[] chars = charIndexes(text);
        List<Span> out = new ArrayList<>();
        try (JsonParser p = YAML.createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t.isScalarValue()) {
                    // SnakeYAML counts code points; a block scalar's span starts at the blank before '|'
                    // and ends after its line break: the blanks around belong to the layout, not the value.
                    int start = chars[(int) p.currentTokenLocation().getCharOffset()];
                    int end = chars[(int) p.currentLocation().getCharOffset()];
                    while (start < end && Character.isWhitespace(text.charAt(start))) {
                        start++;
                    }
                    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                        end--;
                    }
                    out.add(new Span(path(p.getParsingContext()), start, end));
                }
            }
        }
        return out;
    }

    /** {@code text} with each edit's span replaced; the edits in text order, as {@link #of} lists spans. */
    static String apply(String text, List<Edit> edits) {
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Edit e : edits) {
            out.append(text, at, e.span().start()).append(e.with());
            at = e.span().end();
        }
        return out.append(text, at, text.length()).toString();
    }

    private static String path(JsonStreamContext c) {
        if (c == null || c.inRoot()) {
            return "";
        }
        String parent = path(c.getParent());
        if (c.inArray()) {
            return parent + "[" + c.getCurrentIndex() + "]";
        }
        return parent.isEmpty() ? c.getCurrentName() : parent + "." + c.getCurrentName();
    }

    /** For each code point offset (and the end), the offset of its first char. */
    private static int[] charIndexes(String text) {
        int[] out = new int[text.codePointCount(0, text.length()) + 1];
        int c = 0;
        for (int i = 0; i < out.length - 1; i++) {
            out[i] = c;
            c += Character.charCount(text.codePointAt(c));
        }
        out[out.length - 1] = text.length();
        return out;
    }
}
