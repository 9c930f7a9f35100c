package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CounterKeyTest {

    @Test
    void aClientChosenValueCostsABoundedKey() {
        String big = "x".repeat(30_000);
        String key = CounterStores.bounded(big);
        assertTrue(key.length() < 100, "a 30 KB header is kept as a hash: " + key.length());
        assertEquals(key, CounterStores.bounded("x".repeat(30_000)), "the same value counts as the same key");
        assertNotEquals(key, CounterStores.bounded("x".repeat(29_999) + "y"));
        assertEquals("alice", CounterStores.bounded("alice"));
    }

    // Attacker review 178: a header counted by may carry a credential (an API key's header): its
    // key holds a hash, never the value; a consumer's name is kept as it is.
    @Test
    void aHeadersValueIsKeptOnlyByItsHash() {
        CounterStores stores = new CounterStores();
        String byHeader = stores.key("svc", RateLimitingSchema.LimitBy.HEADER, "sk-live-0123456789", null);
        org.junit.jupiter.api.Assertions.assertFalse(byHeader.contains("sk-live"), byHeader);
        assertEquals(byHeader, stores.key("svc", RateLimitingSchema.LimitBy.HEADER, "sk-live-0123456789", null));
        assertNotEquals(byHeader, stores.key("svc", RateLimitingSchema.LimitBy.HEADER, "sk-live-0123456780", null));
        assertTrue(stores.key("svc", RequestRateSchema.Key.HEADER, "sk-live-0123456789", null)
                .contains("sha256:"));
        assertTrue(stores.key("svc", RateLimitingSchema.LimitBy.CONSUMER, "alice", null)
                .endsWith("|alice"));
    }
}
