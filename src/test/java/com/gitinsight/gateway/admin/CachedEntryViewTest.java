package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.cache.CachedResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kong's proxy-cache API value: what GET /proxy-cache/{key} shows (spec 31-proxy-cache/03-api_spec). */
class CachedEntryViewTest {

    @Test
    void showsTheEntryAsKongStoresItWithItsCacheKeyHeader() {
        CachedResponse entry = new CachedResponse(
                200,
                List.of("Content-Type", "text/plain", "Set-Cookie", "a=1", "set-cookie", "b=2"),
                "héllo".getBytes(StandardCharsets.UTF_8),
                1_700_000_000_500L,
                1_700_000_030_500L,
                1_700_000_300_500L,
                "/a",
                false);
        ObjectNode view = CachedEntryView.of("k1", entry);
        assertEquals(200, view.path("status").asInt());
        assertEquals("k1", view.at("/headers/X-Cache-Key").asText());
        assertEquals("text/plain", view.at("/headers/Content-Type").asText());
        // A repeated header (any spelling) is one array under its first spelling.
        assertEquals(2, view.at("/headers/Set-Cookie").size(), view.toString());
        assertFalse(view.path("headers").has("set-cookie"));
        assertEquals("héllo", view.path("body").asText());
        assertEquals(6, view.path("body_len").asInt());
        assertEquals(1_700_000_000L, view.path("timestamp").asLong());
        assertEquals(30, view.path("ttl").asInt(), "fresh for 30 s (kept for 300: storage_ttl)");
        assertEquals(1, view.path("version").asInt());
    }

    @Test
    void keepsTheStoredCacheKeyHeaderAndGivesABinaryBodyInBase64() {
        byte[] binary = {(byte) 0xff, 0, (byte) 0xc3};
        CachedResponse entry =
                new CachedResponse(200, List.of("x-cache-key", "stored"), binary, 0, 1000, 2000, "/b", false);
        ObjectNode view = CachedEntryView.of("k2", entry);
        assertEquals("stored", view.at("/headers/x-cache-key").asText());
        assertFalse(view.path("headers").has("X-Cache-Key"), view.toString());
        assertFalse(view.has("body"));
        assertTrue(view.has("body_base64"));
        assertEquals(
                Base64.getEncoder().encodeToString(binary),
                view.path("body_base64").asText());
    }
}
