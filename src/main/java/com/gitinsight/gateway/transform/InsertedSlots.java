package com.gitinsight.gateway.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Kong's {@code table.insert} into a decoded, non-empty JSON object, for one body: each insert
 * takes the table's next array slot (1, 2, ...), which cjson writes as the key {@code "1"},
 * {@code "2"}... beside the object's own keys. The object's own key {@code "1"} is a string key to
 * Lua, so Kong writes both; the slot's value is the one a last-wins JSON parser reads, kept here.
 */
final class InsertedSlots {

    private final Map<ObjectNode, Integer> taken = new IdentityHashMap<>(2);

    void insert(ObjectNode object, JsonNode value) {
        int slot = taken.merge(object, 1, Integer::sum);
        object.set(String.valueOf(slot), value);
    }
}
