package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scalars of a configuration tree by field path, named as the parser names fields in its
 * errors and secret fields ({@code consumers[0].jwt_secrets[1].secret}), so the two can be matched.
 */
final class FieldPaths {

    private FieldPaths() {}

    @FunctionalInterface
    interface Leaf {
        /** What the scalar at {@code path} becomes ({@code value} to leave it). */
        JsonNode visit(String path, JsonNode value);
    }

    /** Every scalar of a tree by its path. */
    static Map<String, JsonNode> leaves(JsonNode tree) {
        Map<String, JsonNode> out = new HashMap<>();
        walk(tree, "", (path, value) -> {
            out.put(path, value);
            return value;
        });
        return out;
    }

    /** Visits every scalar with its path; what {@code leaf} returns replaces it (in place). */
    static void walk(JsonNode node, String path, Leaf leaf) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                String child = path.isEmpty() ? n : path + "." + n;
                JsonNode value = o.get(n);
                if (value.isContainerNode()) {
                    walk(value, child, leaf);
                } else {
                    o.set(n, leaf.visit(child, value));
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode value = a.get(i);
                if (value.isContainerNode()) {
                    walk(value, path + "[" + i + "]", leaf);
                } else {
                    a.set(i, leaf.visit(path + "[" + i + "]", value));
                }
            }
        }
    }
}
