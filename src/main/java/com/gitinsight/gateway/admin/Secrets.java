package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The secrets of one version of the file, found by field (the schema's secret fields, not by
 * looking at values), and the two directions of redaction: what admins read has each secret field's
 * value replaced by its token ({@link RedactionKey}); what they send back has those tokens replaced by
 * the secrets again, so a file read, edited and saved keeps its secrets without anyone seeing them.
 * A token is put back only as the whole value of a secret field, never into a message, header or
 * key that could show it. References ({@code {vault://env/NAME}}) are not secrets and are shown as written.
 */
final class Secrets {

    /** Anything shaped as a token; one that is not a token of this version is refused, not kept as text. */
    private static final Pattern TOKEN = Pattern.compile("\\{redacted:[^}\\s]*}");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern POSITION = Pattern.compile("\\[\\d+]");

    @FunctionalInterface
    interface Tokens {
        String of(String secret) throws IOException;
    }

    private final String text;
    private final JsonNode tree;
    private final Set<String> fields;
    private final Map<String, String> secretOf = new HashMap<>();
    private final Map<String, String> tokenOf = new HashMap<>();
    /** The kinds of field ({@link #kind}) each token's secret was read from: it goes back only into one. */
    private final Map<String, Set<String>> kindsOf = new HashMap<>();
    /**
     * Where each token's secret is sent ({@link #destination}): it goes back only to a plugin that
     * sends it to the same place (attacker review 148: an http-log's header or a Redis password,
     * kept as a token under an endpoint or host of the editor's choosing, went there in clear).
     */
    private final Map<String, Set<String>> destinationsOf = new HashMap<>();
    /**
     * The vault references this version's secret fields hold, with the kinds and destinations of
     * those fields, and where each is: a reference stands for a secret as a token does, so it is
     * held to the same rules (attacker review 189: a consumer's {vault://env/...} JWT secret, copied
     * into an http-log header, went to an endpoint of the editor's choosing).
     */
    private final Map<String, Set<String>> referenceKinds = new HashMap<>();

    private final Map<String, Set<String>> referenceDestinations = new HashMap<>();
    private final Map<String, String> referenceAt = new HashMap<>();

    private Secrets(String text, JsonNode tree, Set<String> fields) {
        this.text = text;
        this.tree = tree;
        this.fields = fields;
    }

    /** The secrets of {@code text}, whose secret fields are {@code fields} (paths as the parser names them). */
    static Secrets of(String text, Set<String> fields, Tokens tokens) throws IOException {
        JsonNode tree = DeclarativeDocument.readTree(text);
        Secrets s = new Secrets(text, tree == null ? JSON.createObjectNode() : tree, fields);
        List<String[]> values = new ArrayList<>();
        FieldPaths.walk(s.tree, "", (path, value) -> {
            if (fields.contains(path) && isSecret(value)) {
                values.add(new String[] {value.asText(), kind(path), destination(s.tree, path)});
            } else if (fields.contains(path) && isReference(value)) {
                s.referenceKinds
                        .computeIfAbsent(value.asText(), k -> new java.util.HashSet<>())
                        .add(kind(path));
                s.referenceDestinations
                        .computeIfAbsent(value.asText(), k -> new java.util.HashSet<>())
                        .add(destination(s.tree, path));
                s.referenceAt.put(path, value.asText());
            }
            return value;
        });
        for (String[] v : values) {
            String token = s.tokenOf.containsKey(v[0]) ? s.tokenOf.get(v[0]) : tokens.of(v[0]);
            s.secretOf.put(token, v[0]);
            s.tokenOf.put(v[0], token);
            s.kindsOf.computeIfAbsent(token, k -> new java.util.HashSet<>()).add(v[1]);
            s.destinationsOf
                    .computeIfAbsent(token, k -> new java.util.HashSet<>())
                    .add(v[2]);
        }
        return s;
    }

    /**
     * A secret field's kind: its path without positions, from the plugin's {@code config} on, or
     * from the credential list on ({@code jwt_secrets.secret} nested or top-level). A token is put
     * back only into a field of the kind it was read from, so a consumer's JWT secret cannot be
     * copied into a log plugin's header and sent to an endpoint of the editor's choosing.
     */
    static String kind(String path) {
        // Header names in any case, and rate-limiting's older flat redis_* names, are one kind.
        String plain = POSITION.matcher(path).replaceAll("").toLowerCase(java.util.Locale.ROOT);
        int plugin = plain.lastIndexOf("plugins.");
        if (plugin >= 0) {
            return plain.substring(plugin + "plugins.".length()).replace("config.redis_", "config.redis.");
        }
        return plain.startsWith("consumers.") ? plain.substring("consumers.".length()) : plain;
    }

    /** A plugin's fields that say where it sends what it holds (its secrets among it). */
    private static final List<String> DESTINATION_FIELDS = List.of(
            "http_endpoint",
            "traces_endpoint",
            "logs_endpoint",
            "endpoint",
            "broker_url",
            "redis_host",
            "redis_port",
            "redis_ssl",
            "redis_ssl_verify",
            "redis_server_name");

    private static final java.util.regex.Pattern SEGMENT = java.util.regex.Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    /**
     * Where the secret at {@code path} is sent: for a plugin's, its name and destination fields
     * (endpoints, Redis host, port and TLS); for a credential's, nothing (it is only checked).
     */
    static String destination(JsonNode root, String path) {
        int at = path.lastIndexOf("plugins[");
        if (at < 0) {
            return "";
        }
        JsonNode plugin = root;
        java.util.regex.Matcher m = SEGMENT.matcher(path.substring(0, path.indexOf(']', at) + 1));
        while (plugin != null && m.find()) {
            plugin = m.group(1) != null ? plugin.get(m.group(1)) : plugin.get(Integer.parseInt(m.group(2)));
        }
        if (plugin == null) {
            return "";
        }
        JsonNode config = plugin.path("config");
        ObjectNode d = JSON.createObjectNode();
        d.set("name", plugin.path("name"));
        for (String f : DESTINATION_FIELDS) {
            if (config.has(f)) {
                d.set(f, config.get(f));
            }
        }
        JsonNode redis = config.path("redis");
        for (String f : List.of("host", "port", "ssl", "ssl_verify", "server_name")) {
            if (redis.has(f)) {
                d.set("redis." + f, redis.get(f));
            }
        }
        // A Host header beside the endpoint names another virtual host behind the same address.
        for (java.util.Iterator<Map.Entry<String, JsonNode>> h =
                        config.path("headers").fields();
                h.hasNext(); ) {
            Map.Entry<String, JsonNode> header = h.next();
            if (header.getKey().equalsIgnoreCase("host")) {
                d.set("headers.host", header.getValue());
            }
        }
        return d.toString();
    }

    /** A value a secret field holds that is a secret: not a reference, not a token, not empty. */
    private static boolean isSecret(JsonNode value) {
        if (!value.isTextual() && !value.isNumber()) {
            return false;
        }
        String v = value.asText();
        return !v.isEmpty() && !v.startsWith("{vault://") && !TOKEN.matcher(v).matches();
    }

    private static boolean isReference(JsonNode value) {
        return value.isTextual() && value.asText().startsWith("{vault://");
    }

    /**
     * Refuses a vault reference this version uses for a secret anywhere else than where it is now,
     * unless in a secret field of a kind and destination it already has (the rules a token of it
     * would follow). {@code submitted} is the text with its tokens put back.
     */
    void refuseMovedReferences(String submitted, Set<String> submittedFields) throws IOException, MisplacedToken {
        if (referenceKinds.isEmpty()) {
            return;
        }
        JsonNode sent = DeclarativeDocument.readTree(submitted);
        if (sent == null) {
            return;
        }
        List<String> moved = new ArrayList<>();
        FieldPaths.walk(sent.deepCopy(), "", (path, value) -> {
            if (value.isTextual() && referenceKinds.containsKey(value.asText())) {
                String ref = value.asText();
                boolean inPlace = ref.equals(referenceAt.get(path));
                boolean sameRules = submittedFields.contains(path)
                        && referenceKinds.get(ref).contains(kind(path))
                        && referenceDestinations.get(ref).contains(destination(sent, path));
                if (!inPlace && !sameRules) {
                    moved.add(path);
                }
            }
            return value;
        });
        if (!moved.isEmpty()) {
            throw new MisplacedToken(
                    moved.get(0),
                    "a vault reference the configuration uses for a secret goes only into the kind of field, plugin"
                            + " and destination it is used in: write the secret, or another reference, to use it"
                            + " elsewhere");
        }
    }

    static boolean hasTokens(String text) {
        return TOKEN.matcher(text).find();
    }

    /** Whether a value (not a comment) of the YAML or JSON {@code text} holds a token. */
    static boolean valuesHoldTokens(String text) throws IOException {
        JsonNode tree = DeclarativeDocument.readTree(text);
        if (tree == null) {
            return false;
        }
        for (JsonNode value : FieldPaths.leaves(tree).values()) {
            if (value.isTextual() && hasTokens(value.asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tree with each secret replaced by its token (a copy), and any other copy of a secret too,
     * as the text's: a YAML anchor holds a secret wherever it is defined (an alias gives it to the
     * secret field).
     */
    ObjectNode redactedTree() {
        JsonNode copy = tree.deepCopy();
        List<String> longestFirst = new ArrayList<>(tokenOf.keySet());
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        FieldPaths.walk(copy, "", (path, value) -> {
            if (fields.contains(path) && isSecret(value)) {
                return TextNode.valueOf(tokenOf.get(value.asText()));
            }
            if (!value.isTextual() || longestFirst.isEmpty()) {
                return value;
            }
            String text = value.asText();
            for (String secret : longestFirst) {
                text = text.replace(secret, tokenOf.get(secret));
            }
            return text.equals(value.asText()) ? value : TextNode.valueOf(text);
        });
        return copy instanceof ObjectNode o ? o : JSON.createObjectNode();
    }

    /**
     * The text with each secret field's value replaced where it is written, so comments and layout
     * stay; any other copy of a secret (a comment quoting it) is replaced too. When the result does not
     * read back as exactly the redacted tree (a secret that also appears inside another value, a
     * layout the spans miss), the redacted tree is written out instead, without the comments.
     */
    String redactedText() throws IOException {
        List<ScalarSpans.Span> spans = ScalarSpans.of(text);
        List<ScalarSpans.Edit> edits = new ArrayList<>();
        Map<String, JsonNode> values = FieldPaths.leaves(tree);
        for (ScalarSpans.Span span : spans) {
            JsonNode value = values.get(span.path());
            if (fields.contains(span.path()) && value != null && isSecret(value)) {
                edits.add(new ScalarSpans.Edit(span, quoted(tokenOf.get(value.asText()))));
            }
        }
        // Every comment is withheld (and put back on a save, see restore): a secret commented out
        // (an old password kept "for later") is no live value to redact, and would be shown as written.
        List<ScalarSpans.Edit> secrets = List.copyOf(edits);
        for (Comment c : comments(text, spans)) {
            if (secrets.stream()
                    .noneMatch(e -> e.span().start() <= c.start()
                            && c.start() < e.span().end())) {
                edits.add(new ScalarSpans.Edit(new ScalarSpans.Span("#", c.start(), c.end()), WITHHELD));
            }
        }
        if (edits.isEmpty() && tokenOf.isEmpty()) {
            return text;
        }
        edits.sort(Comparator.comparingInt(e -> e.span().start()));
        String out = ScalarSpans.apply(text, edits);
        List<String> longestFirst = new ArrayList<>(tokenOf.keySet());
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        for (String secret : longestFirst) {
            out = out.replace(secret, tokenOf.get(secret));
        }
        ObjectNode expected = redactedTree();
        return readsAs(out, expected) ? out : write(expected);
    }

    /**
     * {@code submitted} with each withheld comment given back its text from this version, in order,
     * when it holds as many as this version has comments (else they stay withheld: which is which
     * cannot be told). Only a comment is given back, never a value: it is withheld again when read.
     */
    private String withCommentsBack(String submitted) throws IOException {
        if (!submitted.contains(WITHHELD)) {
            return submitted;
        }
        List<Comment> mine = comments(text, ScalarSpans.of(text));
        List<Comment> theirs = new ArrayList<>();
        for (Comment c : comments(submitted, ScalarSpans.of(submitted))) {
            if (submitted.substring(c.start(), c.end()).equals(WITHHELD)) {
                theirs.add(c);
            }
        }
        if (theirs.size() != mine.size()) {
            return submitted;
        }
        List<ScalarSpans.Edit> edits = new ArrayList<>();
        for (int i = 0; i < theirs.size(); i++) {
            Comment c = theirs.get(i);
            edits.add(new ScalarSpans.Edit(
                    new ScalarSpans.Span("#", c.start(), c.end()),
                    text.substring(mine.get(i).start(), mine.get(i).end())));
        }
        String back = ScalarSpans.apply(submitted, edits);
        // Given back, a comment stays a comment: a marker the scanner took for one inside a value
        // (a quoted key spanning lines) would have put a withheld comment into the data, readable
        // the next time (attacker review 148). Then they all stay withheld.
        return sameTree(submitted, back) ? back : submitted;
    }

    private static boolean sameTree(String a, String b) {
        try {
            JsonNode left = DeclarativeDocument.readTree(a);
            return left != null && left.equals(DeclarativeDocument.readTree(b));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Puts the secrets of this version back into {@code submitted}, whose secret fields are {@code
     * submittedFields}. A token must be the whole value of a secret field and a token of this version.
     */
    String restore(String submitted, Set<String> submittedFields) throws IOException, UnknownToken, MisplacedToken {
        submitted = withCommentsBack(submitted);
        if (!hasTokens(submitted)) {
            return submitted;
        }
        // Unreadable (a tab that JSON takes and YAML does not): the caller refuses it, since the
        // tokens cannot be put back and must never be kept as the secrets.
        JsonNode sent = DeclarativeDocument.readTree(submitted);
        if (sent == null) {
            return submitted;
        }
        refuseMisplaced(sent, "", submittedFields);
        JsonNode expected = sent.deepCopy();
        FieldPaths.walk(
                expected,
                "",
                (path, value) ->
                        value.isTextual() && TOKEN.matcher(value.asText()).matches()
                                ? TextNode.valueOf(secretOf.get(value.asText()))
                                : value);
        refuseMoved(sent, expected);
        Map<String, JsonNode> values = FieldPaths.leaves(sent);
        Map<String, String> writtenAs = writtenForms();
        List<ScalarSpans.Edit> asWritten = new ArrayList<>();
        List<ScalarSpans.Edit> quoted = new ArrayList<>();
        for (ScalarSpans.Span span : ScalarSpans.of(submitted)) {
            JsonNode value = values.get(span.path());
            if (value != null
                    && value.isTextual()
                    && TOKEN.matcher(value.asText()).matches()) {
                String secret = secretOf.get(value.asText());
                // Each secret as this version writes it (a file read and saved is the same file), else quoted.
                asWritten.add(new ScalarSpans.Edit(span, writtenAs.getOrDefault(secret, quoted(secret))));
                quoted.add(new ScalarSpans.Edit(span, quoted(secret)));
            }
        }
        for (List<ScalarSpans.Edit> edits : List.of(asWritten, quoted)) {
            String out = ScalarSpans.apply(submitted, edits);
            if (readsAs(out, expected)) {
                return out;
            }
        }
        return write(expected);
    }

    /** How this version writes each secret (plain, quoted, a block), as found at its secret fields. */
    private Map<String, String> writtenForms() throws IOException {
        Map<String, JsonNode> values = FieldPaths.leaves(tree);
        Map<String, String> out = new HashMap<>();
        for (ScalarSpans.Span span : ScalarSpans.of(text)) {
            JsonNode value = values.get(span.path());
            if (fields.contains(span.path()) && value != null && isSecret(value)) {
                out.putIfAbsent(value.asText(), text.substring(span.start(), span.end()));
            }
        }
        return out;
    }

    /** Refuses a token anywhere but as the whole value of a secret field, and a token of another version. */
    private void refuseMisplaced(JsonNode node, String path, Set<String> secretFields)
            throws UnknownToken, MisplacedToken {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (hasTokens(e.getKey())) {
                    throw new MisplacedToken(child);
                }
                refuseMisplaced(e.getValue(), child, secretFields);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                refuseMisplaced(a.get(i), path + "[" + i + "]", secretFields);
            }
        } else if (node.isTextual() && hasTokens(node.asText())) {
            String v = node.asText();
            if (!secretFields.contains(path) || !TOKEN.matcher(v).matches()) {
                throw new MisplacedToken(path);
            }
            if (!secretOf.containsKey(v)) {
                throw new UnknownToken(v);
            }
            if (!kindsOf.getOrDefault(v, Set.of()).contains(kind(path))) {
                throw new MisplacedToken(
                        path, "a redacted value goes back only into the kind of field it was read from");
            }
        }
    }

    /**
     * Refuses a token whose plugin would send its secret elsewhere than this version does; the
     * destinations are read from {@code restored} ({@code sent} with the secrets back: an endpoint
     * is a secret field too).
     */
    private void refuseMoved(JsonNode sent, JsonNode restored) throws MisplacedToken {
        List<String> moved = new ArrayList<>();
        FieldPaths.walk(sent.deepCopy(), "", (path, value) -> {
            if (value.isTextual()
                    && TOKEN.matcher(value.asText()).matches()
                    && !destinationsOf.getOrDefault(value.asText(), Set.of()).contains(destination(restored, path))) {
                moved.add(path);
            }
            return value;
        });
        if (!moved.isEmpty()) {
            throw new MisplacedToken(
                    moved.get(0),
                    "a redacted value goes back only to the plugin and destination it was read from (endpoint,"
                            + " Redis host): write the secret itself to send it elsewhere");
        }
    }

    private static boolean readsAs(String text, JsonNode expected) {
        try {
            return expected.equals(DeclarativeDocument.readTree(text));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static final String WITHHELD = "# (comment withheld)";

    /** Whether {@code text} holds a comment withheld by {@link #redactedText} (to be put back). */
    static boolean holdsWithheldComments(String text) {
        return text.contains(WITHHELD);
    }

    /** One comment: from its '#' to its line's end (a line break, or a CR before it, excluded). */
    private record Comment(int start, int end) {}

    /**
     * The comments of {@code text}: a '#' outside every scalar (SnakeYAML also takes one right after
     * a quote or a bracket), or on a block scalar's header line, to the line's end. A '#' a plain key
     * holds is taken for a comment too; the caller's read-back check then falls back to writing the
     * tree, without comments.
     */
    private static List<Comment> comments(String text, List<ScalarSpans.Span> spans) {
        List<Comment> out = new ArrayList<>();
        int next = 0; // the first span that may hold or follow i (spans come in text order)
        for (int i = 0; i < text.length(); i++) {
            while (next < spans.size() && spans.get(next).end() <= i) {
                next++;
            }
            if (next < spans.size() && spans.get(next).start() <= i) {
                ScalarSpans.Span span = spans.get(next);
                char first = text.charAt(span.start());
                int header = first == '|' || first == '>' ? text.indexOf('\n', span.start()) : -1;
                if (header < 0 || i >= header) {
                    i = span.end() - 1; // inside a scalar's value: its '#' is data
                    continue;
                }
            }
            if (text.charAt(i) == '#') {
                int end = text.indexOf('\n', i);
                end = end < 0 ? text.length() : end;
                if (end > i && text.charAt(end - 1) == '\r') {
                    end--;
                }
                out.add(new Comment(i, end));
                i = end;
            }
        }
        return out;
    }

    /** A JSON string: also a YAML double-quoted scalar, valid wherever a scalar is. */
    private static String quoted(String value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }

    /** The tree in the file's own format (JSON when the text is a JSON object). */
    private String write(JsonNode root) throws JsonProcessingException {
        return text.stripLeading().startsWith("{")
                ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root)
                : DeclarativeDocument.YAML.writeValueAsString(root);
    }

    /** A redaction token that matches no secret of the version it is sent against. */
    static final class UnknownToken extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownToken(String token) {
            super("the value " + token + " is not a secret of the current configuration; send the secret itself");
        }
    }

    /** A redaction token where no secret may go. */
    static final class MisplacedToken extends Exception {
        private static final long serialVersionUID = 1L;

        MisplacedToken(String field) {
            this(field, "a redacted value may only stand, whole, for the value of a secret field");
        }

        MisplacedToken(String field, String why) {
            super(field + ": " + why);
        }
    }
}
