package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.gitinsight.gateway.config.KongConfigParser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secrets of one configuration, and the two directions of redaction: what admins read has each
 * secret replaced by {@code {redacted:<hash>}}; what they send back has those tokens replaced by the
 * secrets again, so a file read, edited and saved keeps its secrets without anyone seeing them.
 * Secret references ({@code {vault://env/NAME}}) are not secrets and are shown as written.
 */
final class Secrets {

    private static final Set<String> SECRET_KEYS = Set.of("secret", "password", "redis_password", "client_secret",
            "token", "api_key", "private_key", "passphrase", "credentials");
    private static final Pattern URL_PASSWORD = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*:([^/@]+)@");
    private static final Pattern TOKEN = Pattern.compile("\\{redacted:([0-9a-f]{16})}");

    /** Token to secret; longest secrets first for textual replacement. */
    private final Map<String, String> byToken = new HashMap<>();
    private final List<String> values = new ArrayList<>();

    private Secrets() {
    }

    /** The secrets in a configuration tree (raw, as in the file). */
    static Secrets of(JsonNode tree) {
        Secrets s = new Secrets();
        s.collect(tree, null);
        s.values.sort(Comparator.comparingInt(String::length).reversed());
        return s;
    }

    private void collect(JsonNode node, String key) {
        if (node instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> collect(e.getValue(), e.getKey()));
        } else if (node instanceof ArrayNode a) {
            a.forEach(n -> collect(n, key));
        } else if (node.isTextual()) {
            String v = node.asText();
            if (v.isEmpty() || v.startsWith("{vault://") || TOKEN.matcher(v).matches()) {
                return;
            }
            if (key != null && SECRET_KEYS.contains(key.toLowerCase(Locale.ROOT))) {
                add(v);
            } else {
                Matcher m = URL_PASSWORD.matcher(v);
                if (m.find() && !m.group(1).startsWith("{vault://")) {
                    add(m.group(1));
                }
            }
        }
    }

    private void add(String secret) {
        String token = token(secret);
        if (byToken.putIfAbsent(token, secret) == null) {
            values.add(secret);
        }
    }

    static String token(String secret) {
        return "{redacted:" + KongConfigParser.hash("secret:" + secret) + "}";
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /** Replaces every secret in {@code text}. */
    String redact(String text) {
        String out = text;
        for (String v : values) {
            out = out.replace(v, token(v));
        }
        return out;
    }

    /** Replaces secrets in every string of a tree, in place. */
    JsonNode redact(JsonNode tree) {
        return map(tree, this::redact);
    }

    /** True if any string of the tree still holds a secret. */
    boolean leaks(JsonNode tree) {
        if (tree instanceof ObjectNode || tree instanceof ArrayNode) {
            for (Iterator<JsonNode> it = tree.elements(); it.hasNext();) {
                if (leaks(it.next())) {
                    return true;
                }
            }
            return false;
        }
        if (tree.isTextual()) {
            String v = tree.asText();
            return values.stream().anyMatch(v::contains);
        }
        return false;
    }

    /** Puts the secrets back into {@code text}; a token of a secret not in this configuration is an error. */
    String restore(String text) throws UnknownToken {
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String secret = byToken.get(m.group());
            if (secret == null) {
                throw new UnknownToken(m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(secret));
        }
        m.appendTail(out);
        return out.toString();
    }

    static boolean hasTokens(String text) {
        return TOKEN.matcher(text).find();
    }

    private static JsonNode map(JsonNode node, UnaryOperator<String> f) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                o.set(n, map(o.get(n), f));
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, map(a.get(i), f));
            }
            return a;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(f.apply(node.asText()));
        }
        return node;
    }

    /** A redaction token that matches no secret of the running configuration. */
    static final class UnknownToken extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownToken(String token) {
            super("the value " + token + " is not a secret of the running configuration; send the secret itself");
        }
    }
}
