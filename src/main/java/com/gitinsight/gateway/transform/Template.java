package com.gitinsight.gateway.transform;

import com.gitinsight.gateway.http.HeaderText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request-transformer value with Kong's {@code $(...)} references, compiled at load. Kong renders
 * any Lua expression there (penlight templates); this gateway runs no Lua, so only these forms are
 * accepted, and any other expression is refused at load:
 *
 * <ul>
 *   <li>{@code $(headers.NAME)}, {@code $(headers["NAME"])}, {@code $(headers['NAME'])}: a request
 *       header (any case, {@code _} read as {@code -}; of several values, the first)
 *   <li>{@code $(query_params.NAME)}, {@code $(query_params["NAME"])}: a query argument (the first
 *       value; {@code true} for a bare {@code ?NAME})
 *   <li>{@code $(uri_captures.NAME)}, {@code $(uri_captures["NAME"])}, {@code $(uri_captures[N])}: a
 *       capture of the route's regex path ({@code [0]} the whole match)
 *   <li>any of those followed by {@code or 'text'} (the text when the variable is absent)
 *   <li>{@code $('text')} or {@code $("text")}: the text itself (Kong's way to write a literal
 *       {@code $(...)})
 * </ul>
 *
 * An absent variable renders as the empty string, as Kong's {@code tostring(x or '')}.
 */
final class Template {

    /** Where a template reads its variables: one request's view. Each returns null when absent. */
    interface Variables {
        String header(String foldedName);

        String query(String name);

        String capture(String nameOrIndex);
    }

    enum Source {
        HEADERS,
        QUERY_PARAMS,
        URI_CAPTURES
    }

    private record Part(String literal, Source source, String key, String fallback) {}

    private static final String NAME = "[A-Za-z_][A-Za-z0-9_]*";
    private static final String QUOTED = "'([^'\\\\]*)'|\"([^\"\\\\]*)\"";
    private static final Pattern REFERENCE = Pattern.compile("(headers|query_params|uri_captures)\\s*(?:\\.\\s*(" + NAME
            + ")|\\[\\s*(?:'([^'\\\\]*)'|\"([^\"\\\\]*)\"|(\\d+))\\s*\\])(?:\\s+or\\s+(?:" + QUOTED + "))?");
    private static final Pattern LITERAL = Pattern.compile(QUOTED);

    private final String text;
    private final Part[] parts;

    private Template(String text, Part[] parts) {
        this.text = text;
        this.parts = parts;
    }

    /**
     * The compiled template.
     *
     * @throws IllegalArgumentException naming what is wrong, when a {@code $(...)} holds anything
     *     but the forms above (an unclosed {@code $(} is text, as in Kong)
     */
    static Template compile(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("$(", i);
            if (open < 0) {
                literal.append(text, i, text.length());
                break;
            }
            literal.append(text, i, open);
            int close = closing(text, open + 2);
            if (close < 0) {
                // Kong's template engine (penlight) takes only a balanced $(...): the rest is text.
                literal.append(text, open, text.length());
                break;
            }
            String expression = text.substring(open + 2, close).trim();
            Matcher lit = LITERAL.matcher(expression);
            Matcher ref = REFERENCE.matcher(expression);
            if (lit.matches()) {
                literal.append(lit.group(1) != null ? lit.group(1) : lit.group(2));
            } else if (ref.matches()) {
                Source source = Source.valueOf(ref.group(1).toUpperCase(Locale.ROOT));
                String key = first(ref.group(2), ref.group(3), ref.group(4), ref.group(5));
                if (ref.group(5) != null && source != Source.URI_CAPTURES) {
                    throw new IllegalArgumentException("'$(" + expression + ")': only uri_captures take a number");
                }
                if (source == Source.HEADERS) {
                    key = key.toLowerCase(Locale.ROOT).replace('_', '-');
                }
                if (literal.length() > 0) {
                    parts.add(new Part(literal.toString(), null, null, null));
                    literal.setLength(0);
                }
                parts.add(new Part(null, source, key, first(ref.group(6), ref.group(7), "")));
            } else {
                throw new IllegalArgumentException("'$(" + expression
                        + ")' is not a plain variable reference: this gateway runs no Lua; write $(headers.NAME),"
                        + " $(query_params.NAME), $(uri_captures.NAME), $(uri_captures[N]), optionally"
                        + " followed by or 'default', or $('literal text')");
            }
            i = close + 1;
        }
        if (literal.length() > 0 || parts.isEmpty()) {
            parts.add(new Part(literal.toString(), null, null, null));
        }
        return new Template(text, parts.toArray(Part[]::new));
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** The index of the {@code )} closing the expression starting at {@code from}, or -1 (quotes respected). */
    private static int closing(String text, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    /** Whether the template reads any variable from {@code source}. */
    boolean uses(Source source) {
        for (Part p : parts) {
            if (p.source() == source) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the template copies a credential: a header {@code secretHeader} accepts (its folded
     * name), or a query argument {@code secretArgument} accepts.
     */
    boolean copies(
            java.util.function.Predicate<String> secretHeader, java.util.function.Predicate<String> secretArgument) {
        for (Part p : parts) {
            if (p.source() == Source.HEADERS && secretHeader.test(p.key())
                    || p.source() == Source.QUERY_PARAMS && secretArgument.test(p.key())) {
                return true;
            }
        }
        return false;
    }

    /** The value for one request. */
    String render(Variables variables) {
        return render(variables, null);
    }

    /**
     * The value for one request, each header or query variable's value passed through
     * {@code valueEscape} (null: as it is); the file's own text and path captures never are.
     */
    String render(Variables variables, java.util.function.UnaryOperator<String> valueEscape) {
        if (parts.length == 1 && parts[0].literal() != null) {
            return parts[0].literal();
        }
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p.literal() != null) {
                out.append(p.literal());
                continue;
            }
            String v = lookup(p, variables);
            String value = v != null ? v : p.fallback();
            // A capture is a piece of the path as routed, escapes kept (%2F, %C3%A9): already in
            // the form a path is written in, so never escaped again.
            boolean escape = valueEscape != null && v != null && p.source() != Source.URI_CAPTURES;
            out.append(escape ? valueEscape.apply(value) : value);
        }
        return out.toString();
    }

    /**
     * The value for one request as a header value is held here: one char per byte, its UTF-8
     * bytes, as Kong sends a Lua string. A client's header is already such bytes and goes as it
     * is; the file's text, a query argument and a path capture are text and go as their UTF-8
     * (helper review 266: "иван" from the query became "????", as "петр" did).
     */
    String renderWire(Variables variables) {
        if (parts.length == 1 && parts[0].literal() != null) {
            return HeaderText.wire(parts[0].literal());
        }
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p.literal() != null) {
                out.append(HeaderText.wire(p.literal()));
                continue;
            }
            String v = lookup(p, variables);
            out.append(v != null && p.source() == Source.HEADERS ? v : HeaderText.wire(v != null ? v : p.fallback()));
        }
        return out.toString();
    }

    /** The variable part {@code p} names, for one request (null: absent). */
    private static String lookup(Part p, Variables variables) {
        return switch (p.source()) {
            case HEADERS -> variables.header(p.key());
            case QUERY_PARAMS -> variables.query(p.key());
            case URI_CAPTURES -> variables.capture(p.key());
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
