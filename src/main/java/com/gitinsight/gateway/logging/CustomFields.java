package com.gitinsight.gateway.logging;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.PluginFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kong's {@code custom_fields_by_lua} for file-log and http-log, as far as it can be honoured
 * without running Lua (this gateway runs none): each field's code must return a literal
 * ({@code return 123}, {@code return 'text'}, {@code return true}, {@code return nil}), checked
 * at load; any other code is refused at load, naming the field. As Kong's
 * {@code kong.log.set_serialize_value}: a dotted name sets a nested field (objects made on the way),
 * and {@code nil} removes the field ({@code route = "return nil"} leaves the route out). Kong's own
 * specs use these forms; a field that reads the request ({@code return ngx.var.request_id}) cannot
 * be had here.
 *
 * <p>A record with custom fields is written whole, then edited as a tree, then written again, on
 * the queue's thread: that costs several times a plain record, and only where they are configured.
 */
final class CustomFields {

    static final CustomFields NONE = new CustomFields(List.of());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern QUOTED = Pattern.compile("'([^'\\\\\\n]*)'|\"([^\"\\\\\\n]*)\"");

    /** One field: where (the dotted name's parts) and what (null: removed). */
    private record Edit(String[] path, JsonNode value) {}

    private final List<Edit> edits;

    private CustomFields(List<Edit> edits) {
        this.edits = edits;
    }

    /**
     * A field name's parts: split at each dot, {@code \.} a dot within a part (Kong 3.10:
     * {@code my_entry.log\.field} sets {@code log.field} inside {@code my_entry}).
     */
    static String[] path(String name) {
        List<String> parts = new ArrayList<>(4);
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 1 < name.length() && name.charAt(i + 1) == '.') {
                part.append('.');
                i++;
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts.toArray(new String[0]);
    }

    /** Reads {@code custom_fields_by_lua}; every field that is not a literal return is an error naming it. */
    static CustomFields parse(PluginFields f) {
        if (!f.has("custom_fields_by_lua") || f.isNull("custom_fields_by_lua")) {
            return NONE;
        }
        PluginFields section = f.section("custom_fields_by_lua");
        List<Edit> edits = new ArrayList<>();
        for (Map.Entry<String, String> e :
                f.stringMap("custom_fields_by_lua", name -> null).entrySet()) {
            if (e.getKey().isEmpty()) {
                section.error(e.getKey(), "length must be at least 1"); // Kong's keys: len_min 1
                continue;
            }
            String[] path = path(e.getKey());
            boolean blankPart = false;
            for (String p : path) {
                blankPart |= p.isEmpty();
            }
            if (blankPart) {
                section.error(e.getKey(), "a field name with an empty part");
                continue;
            }
            JsonNode value;
            try {
                value = literal(e.getValue());
            } catch (IllegalArgumentException notLiteral) {
                section.error(
                        e.getKey(),
                        "only Lua that returns a literal runs here (return 123, return 'text', return true,"
                                + " return nil): no Lua interpreter is in this gateway");
                continue;
            }
            edits.add(new Edit(path, value));
        }
        return edits.isEmpty() ? NONE : new CustomFields(List.copyOf(edits));
    }

    /** The longest text a field may return (a record's values are bounded alike). */
    private static final int MAX_TEXT = KongLogRecord.MAX_VALUE;

    /** The value {@code code} returns; null for {@code nil}; IllegalArgumentException for anything else. */
    static JsonNode literal(String code) {
        // Read without a backtracking pattern on the whole code (admin input can be long).
        String c = code.strip();
        if (c.endsWith(";")) {
            c = c.substring(0, c.length() - 1).stripTrailing();
        }
        if (!c.startsWith("return") || c.length() < 8 || !Character.isWhitespace(c.charAt(6))) {
            throw new IllegalArgumentException(code);
        }
        String v = c.substring(7).strip();
        if (v.length() > MAX_TEXT + 2) {
            throw new IllegalArgumentException(code);
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (v) {
            case "nil":
                return null;
            case "true":
                return nodes.booleanNode(true);
            case "false":
                return nodes.booleanNode(false);
            default:
                break;
        }
        if (INTEGER.matcher(v).matches()) {
            return nodes.numberNode(Long.parseLong(v));
        }
        if (NUMBER.matcher(v).matches()) {
            double d = Double.parseDouble(v);
            // Kong's cjson writes a whole number without a fraction.
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? nodes.numberNode((long) d) : nodes.numberNode(d);
        }
        Matcher q = QUOTED.matcher(v);
        if (q.matches()) {
            return nodes.textNode(q.group(1) != null ? q.group(1) : q.group(2));
        }
        throw new IllegalArgumentException(code);
    }

    /** These fields, then {@code later}'s (a later set of a name wins). */
    CustomFields then(CustomFields later) {
        if (later.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return later;
        }
        List<Edit> all = new ArrayList<>(edits);
        all.addAll(later.edits);
        return new CustomFields(List.copyOf(all));
    }

    boolean isEmpty() {
        return edits.isEmpty();
    }

    /** {@code entry} with these fields set or removed when it is written. */
    LogEntry applyTo(LogEntry entry) {
        return isEmpty() ? entry : new Customized(entry, this);
    }

    /** Sets or removes each field in {@code root}, in the configured order. */
    void apply(ObjectNode root) {
        for (Edit e : edits) {
            ObjectNode at = root;
            String[] path = e.path();
            for (int i = 0; i < path.length - 1; i++) {
                // As Kong's edit: objects are made on the way (also for a nil); a value that is not an
                // object is replaced by one (Kong would fail the whole line there).
                JsonNode next = at.get(path[i]);
                at = next instanceof ObjectNode o ? o : at.putObject(path[i]);
            }
            String leaf = path[path.length - 1];
            if (e.value() == null) {
                at.remove(leaf);
            } else {
                at.set(leaf, e.value());
            }
        }
    }

    /** A queued record with an instance's custom fields. */
    private record Customized(LogEntry entry, CustomFields fields) implements LogEntry {
        @Override
        public long estimatedBytes() {
            return entry.estimatedBytes() + 32L * fields.edits.size();
        }

        @Override
        public int readAhead() {
            return entry.readAhead();
        }

        /**
         * Everything that can fail happens before {@code g} is written to, and a record the tree
         * reader refuses is not shipped unedited (the fields may remove what must not be shipped):
         * it is shipped as the fields alone, an object with nothing the client sent. Names and
         * values are cut at capture, so no client's request should get there.
         */
        @Override
        public void writeTo(JsonGenerator g, LogWriter writer) throws IOException {
            JsonNode tree;
            try {
                ByteArrayOutputStream whole = new ByteArrayOutputStream(4096);
                try (JsonGenerator plain = JSON.getFactory().createGenerator(whole)) {
                    entry.writeTo(plain, writer);
                }
                tree = JSON.readTree(whole.toByteArray());
            } catch (IOException | RuntimeException e) {
                java.util.logging.Logger.getLogger(CustomFields.class.getName())
                        .log(
                                java.util.logging.Level.WARNING,
                                "a log record could not be edited; shipped as its custom fields alone",
                                e);
                tree = JsonNodeFactory.instance.objectNode();
            }
            if (tree instanceof ObjectNode root) {
                fields.apply(root);
            }
            JSON.writeTree(g, tree);
        }
    }
}
