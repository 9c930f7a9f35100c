package com.gitinsight.gateway.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A configuration text as a Jackson tree with its YAML anchors, aliases and merge keys resolved as
 * the loader resolves them ({@link TreeReader}). The admin side reads, edits and redacts trees:
 * Jackson's own tree holds an alias as the anchor's name, so an edit saved from it would send a
 * service to a host named after an anchor, and a secret given through an alias would be redacted
 * as its anchor's name while the secret itself stayed in clear where it is anchored.
 */
public final class DocumentTrees {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DocumentTrees() {}

    /**
     * The tree of {@code text} as the loader reads a YAML file, or null for a blank text. Always the
     * loader's reading (attacker review 154: a merge key spelled with an escape, {@code "\x3c<"},
     * is a merge to the loader; a look for {@code <<} in the text missed it, so the admin side redacted
     * and checked a tree without the merged fields).
     */
    public static JsonNode resolvedOrNull(String text) throws JsonParseException {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json(new TreeReader().read(text, false));
        } catch (ConfigException.Syntax e) {
            throw new JsonParseException(null, e.location() + ": " + e.getMessage());
        }
    }

    private static JsonNode json(Node node) {
        if (node instanceof Node.MapNode m) {
            ObjectNode out = NODES.objectNode();
            m.entries().forEach((key, entry) -> out.set(key, json(entry.value())));
            return out;
        }
        if (node instanceof Node.ListNode l) {
            ArrayNode out = NODES.arrayNode();
            l.items().forEach(item -> out.add(json(item)));
            return out;
        }
        Object value = ((Node.ScalarNode) node).value();
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Long n) {
            // As Jackson's own tree types an integer: an int when it fits.
            return n == n.intValue() ? NODES.numberNode(n.intValue()) : NODES.numberNode(n);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        return NODES.textNode(value.toString());
    }
}
