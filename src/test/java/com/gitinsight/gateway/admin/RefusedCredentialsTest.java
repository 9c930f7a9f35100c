package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Wrong admin credentials are limited per client and said, at most once a minute (helper review 197). */
class RefusedCredentialsTest {

    private final AtomicLong nanos = new AtomicLong(1);
    private final RefusedCredentials refused = new RefusedCredentials(nanos::get);

    @Test
    void aClientThatGuessedTooOftenWaitsOutTheWindow() {
        for (int i = 0; i < RefusedCredentials.ALLOWED - 1; i++) {
            refused.refused("10.0.0.1");
        }
        assertFalse(refused.blocked("10.0.0.1"));
        refused.refused("10.0.0.1");
        assertTrue(refused.blocked("10.0.0.1"));
        assertFalse(refused.blocked("10.0.0.2"), "another client is not held");
        nanos.addAndGet(RefusedCredentials.WINDOW.toNanos() + 1);
        assertFalse(refused.blocked("10.0.0.1"), "the window has passed");
    }

    // Helper review 250 #1: during a block every request was still compared with the static token,
    // unlimited and uncounted: 429 meant wrong, 200 right, at full speed.
    @Test
    void aBlockedClientsStaticTokenIsComparedABoundedNumberOfTimes() {
        for (int i = 0; i < RefusedCredentials.ALLOWED; i++) {
            refused.refused("10.0.0.1");
        }
        assertTrue(refused.blocked("10.0.0.1"));
        assertTrue(refused.admitsWhileBlocked("10.0.0.1", () -> true), "the admin sharing the address");
        java.util.concurrent.atomic.AtomicInteger compared = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < RefusedCredentials.STATIC_TRIES_WHILE_BLOCKED; i++) {
            assertFalse(refused.admitsWhileBlocked("10.0.0.1", () -> compared.incrementAndGet() < 0));
        }
        assertEquals(RefusedCredentials.STATIC_TRIES_WHILE_BLOCKED, compared.get());
        assertEquals(
                RefusedCredentials.ALLOWED + RefusedCredentials.STATIC_TRIES_WHILE_BLOCKED,
                refused.total(),
                "each guess during the block counted");
        assertFalse(
                refused.admitsWhileBlocked("10.0.0.1", () -> true), "not even the right one, until the window ends");
        assertFalse(refused.admitsWhileBlocked("10.0.0.1", () -> compared.incrementAndGet() > 0));
        assertEquals(RefusedCredentials.STATIC_TRIES_WHILE_BLOCKED, compared.get(), "no longer compared");
        nanos.addAndGet(RefusedCredentials.WINDOW.toNanos() + 1);
        assertFalse(refused.blocked("10.0.0.1"), "the window has passed");
    }

    @Test
    void guessesAreSaidOnceAMinuteWithTheirCount() {
        Logger log = Logger.getLogger(RefusedCredentials.class.getName());
        List<String> said = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                said.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(h);
        try {
            for (int i = 0; i < 50; i++) {
                refused.refused("10.0.0." + i);
            }
            assertEquals(1, said.size(), said.toString());
            nanos.addAndGet(RefusedCredentials.WINDOW.toNanos());
            refused.refused("10.0.0.9");
            assertEquals(2, said.size());
            assertTrue(said.get(1).startsWith("admin API: 50 wrong credential(s)"), said.get(1));
            assertTrue(said.get(1).endsWith("from 10.0.0.9"), said.get(1));
            assertEquals(51, refused.total());
        } finally {
            log.removeHandler(h);
        }
    }
}
