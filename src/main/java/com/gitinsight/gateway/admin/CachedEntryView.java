package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.cache.CachedResponse;
import com.gitinsight.gateway.config.PathEscapes;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * A stored response as Kong's proxy-cache API shows one (the memory strategy's value): status,
 * headers as the response had them (a repeated one an array; {@code X-Cache-Key} among them, as
 * Kong stores the header it set), body, {@code body_len}, {@code timestamp} and {@code ttl} (how long
 * it is fresh) in seconds, {@code version}. A body that is not UTF-8 is given as {@code body_base64} (Kong's JSON
 * would carry the raw bytes, which no JSON reader takes).
 */
final class CachedEntryView {

    /** Kong's proxy-cache CACHE_VERSION. */
    private static final int VERSION = 1;

    private CachedEntryView() {}

    static ObjectNode of(String key, CachedResponse entry) {
        ObjectNode out = AdminReplies.JSON.createObjectNode();
        out.put("status", entry.status());
        out.set("headers", headers(key, entry.headers()));
        String text = PathEscapes.utf8OrNull(entry.body(), entry.body().length);
        if (text != null) {
            out.put("body", text);
        } else {
            out.put("body_base64", Base64.getEncoder().encodeToString(entry.body()));
        }
        out.put("body_len", entry.body().length);
        out.put("timestamp", entry.storedAt() / 1000);
        // Kong's res_ttl: how long it is fresh (cache_ttl or the response's max-age), not how long it is kept.
        out.put("ttl", Math.max(0, (entry.freshUntil() - entry.storedAt()) / 1000));
        out.put("version", VERSION);
        return out;
    }

    private static ObjectNode headers(String key, List<String> headers) {
        ObjectNode out = AdminReplies.JSON.createObjectNode();
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            String name = spelled(out, headers.get(i));
            JsonNode known = out.get(name);
            if (known == null) {
                out.put(name, headers.get(i + 1));
            } else if (known instanceof ArrayNode values) {
                values.add(headers.get(i + 1));
            } else {
                out.putArray(name).add(known.asText()).add(headers.get(i + 1));
            }
        }
        if (!out.has(spelled(out, "X-Cache-Key"))) {
            out.put("X-Cache-Key", key);
        }
        return out;
    }

    /** The spelling already used for {@code name} (header names are case-blind), else {@code name}. */
    private static String spelled(ObjectNode headers, String name) {
        for (Iterator<String> names = headers.fieldNames(); names.hasNext(); ) {
            String n = names.next();
            if (n.equalsIgnoreCase(name)) {
                return n;
            }
        }
        return name;
    }
}
