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
}
