package com.gitinsight.gateway.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * response-transformer's JSON body changes (Kong's {@code transform_json_body}), on the top-level
 * keys of a body read whole; the result is re-encoded compact whenever it parsed.
 */
final class ResponseBodies {

    private ResponseBodies() {}

    /**
     * The changed body, or null when it is not JSON (Kong: {@code failed parsing json body}; the
     * body then goes on unchanged). A JSON array is re-encoded unchanged (named keys do not
     * apply); a scalar is left as it is.
     */
    static byte[] json(byte[] body, ResponseTransformerSchema.Ops<ResponseTransformerSchema.JsonValue> ops) {
        JsonNode parsed;
        if (!RequestBodies.inUtf8(body)) {
            return null; // UTF-16/32: as Kong's cjson, not read (written back, it would be UTF-8 under its old charset)
        }
        try {
            parsed = RequestBodies.JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (parsed == null || parsed.isMissingNode() || !parsed.isContainerNode()) {
            return null;
        }
        if (parsed instanceof ObjectNode json) {
            apply(json, ops);
        }
        try {
            return RequestBodies.JSON.writeValueAsBytes(parsed);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * About what {@code body}'s JSON tree weighs in memory, read with the streaming parser (no tree
     * made): a container (its node and map or list) 64 bytes, a key 48 and its text, a string 64
     * and its text, a number 24, true, false and null 8 (Jackson shares those nodes). -1 when it is
     * no JSON the tree reader would take (helper review 162: a body that fails at its last byte was
     * weighed 0 and then parsed whole), so nothing is parsed.
     */
    static long treeBytes(byte[] body) {
        if (!RequestBodies.inUtf8(body)) {
            return -1;
        }
        long bytes = 0;
        try (com.fasterxml.jackson.core.JsonParser p =
                RequestBodies.JSON.getFactory().createParser(body)) {
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                bytes += switch (t) {
                    case START_OBJECT, START_ARRAY -> 64;
                    case FIELD_NAME -> 48 + p.getTextLength();
                    case VALUE_STRING -> 64 + p.getTextLength();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> 24;
                    case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> 8;
                    default -> 0;
                };
            }
        } catch (IOException e) {
            return -1;
        }
        return bytes;
    }

    static void apply(ObjectNode json, ResponseTransformerSchema.Ops<ResponseTransformerSchema.JsonValue> ops) {
        for (String name : ops.remove()) {
            json.remove(name);
        }
        for (ResponseTransformerSchema.Rename r : ops.rename()) {
            JsonNode value = json.get(r.from());
            if (value != null) {
                // Kong sets the new key, then clears the old: renaming a key to itself deletes it.
                json.set(r.to(), value);
                json.remove(r.from());
            }
        }
        for (ResponseTransformerSchema.JsonValue v : ops.replace()) {
            if (truthy(json.get(v.name()))) {
                json.set(v.name(), v.value());
            }
        }
        for (ResponseTransformerSchema.JsonValue v : ops.add()) {
            if (!truthy(json.get(v.name()))) {
                json.set(v.name(), v.value());
            }
        }
        InsertedSlots slots = new InsertedSlots();
        for (ResponseTransformerSchema.JsonValue v : ops.append()) {
            JsonNode old = json.get(v.name());
            if (old instanceof ArrayNode a) {
                a.add(v.value());
                continue;
            }
            if (old instanceof ObjectNode o && !o.isEmpty()) {
                slots.insert(o, v.value()); // {"a":1,"1":"v"}
                continue;
            }
            // A string becomes [old, new]; anything else (absent, number, boolean, an empty object)
            // is replaced by [new].
            ArrayNode list = json.putArray(v.name());
            if (old != null && old.isTextual()) {
                list.add(old);
            }
            list.add(v.value());
        }
    }

    /** Lua's truth: anything but absent and {@code false} (JSON null is cjson.null, a true value). */
    private static boolean truthy(JsonNode node) {
        return node != null && !(node.isBoolean() && !node.booleanValue());
    }
}
