package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A key source's verifier follows the configuration's key-cache settings across reloads. */
class SsoLoginTest {

    private static JwtSchema.Sso sso(int cacheSeconds, int minRefreshSeconds) {
        return new JwtSchema.Sso(
                "https://idp.example",
                "https://idp.example/jwks",
                List.of("gateway"),
                List.of("RS256"),
                60,
                List.of(),
                List.of(),
                "roles",
                "preferred_username",
                cacheSeconds,
                minRefreshSeconds);
    }

    // Helper review 191: the first configuration's jwks_cache_seconds and jwks_min_refresh_seconds
    // stayed until a restart.
    @Test
    void aReloadThatChangesHowKeysAreKeptMakesANewVerifier() {
        AtomicInteger made = new AtomicInteger();
        SsoLogin login = new SsoLogin(settings -> {
            made.incrementAndGet();
            return new SsoVerifier(settings, null);
        });
        Credentials none = null; // read only for a token that verifies
        assertNull(login.login("not.a.token", sso(300, 10), none));
        assertNull(login.login("not.a.token", sso(300, 10), none));
        assertEquals(1, made.get(), "the same settings: the same verifier (its keys cached)");
        assertNull(login.login("not.a.token", sso(300, 60), none));
        assertEquals(2, made.get(), "another minimum refresh interval");
        assertNull(login.login("not.a.token", sso(600, 60), none));
        assertEquals(3, made.get(), "another cache time");
        // Helper review 192: two instances with their own settings keep a verifier each; they did
        // not make each other's again on every request (each new one fetching the keys again).
        for (int i = 0; i < 4; i++) {
            login.login("not.a.token", sso(300, 10), none);
            login.login("not.a.token", sso(600, 60), none);
        }
        assertEquals(3, made.get(), "alternating instances");
    }
}
