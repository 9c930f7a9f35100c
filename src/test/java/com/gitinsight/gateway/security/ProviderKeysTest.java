package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.UnresolvableKeyException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProviderKeysTest {

    private static RsaJsonWebKey k1;
    private static RsaJsonWebKey k2;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger fetches = new AtomicInteger();
    /** What the provider serves; null: it is down. */
    private final AtomicReference<JsonWebKeySet> served = new AtomicReference<>();

    private final ProviderKeys keys = new ProviderKeys(
            "https://idp/jwks",
            () -> {
                fetches.incrementAndGet();
                JsonWebKeySet set = served.get();
                if (set == null) {
                    throw new ConnectException("Connection refused");
                }
                return set;
            },
            300,
            10,
            now::get);

    @BeforeAll
    static void generateKeys() throws Exception {
        k1 = RsaJwkGenerator.generateJwk(2048);
        k1.setKeyId("k1");
        k2 = RsaJwkGenerator.generateJwk(2048);
        k2.setKeyId("k2");
    }

    static JsonWebSignature jws(RsaJsonWebKey key, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"sub\":\"svc\"}");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(key.getPrivateKey());
        return (JsonWebSignature) JsonWebStructure.fromCompactSerialization(jws.getCompactSerialization());
    }

    private void seconds(long s) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(s));
    }

    @Test
    void keysAreFetchedOnceAndAgainWhenTheCacheExpires() throws Exception {
        served.set(new JsonWebKeySet(k1));
        assertEquals(k1.getPublicKey(), keys.resolveKey(jws(k1, "k1"), List.of()));
        seconds(299);
        keys.resolveKey(jws(k1, "k1"), List.of());
        assertEquals(1, fetches.get());
        seconds(1);
        keys.resolveKey(jws(k1, "k1"), List.of());
        assertEquals(2, fetches.get(), "refreshed after jwks_cache_seconds");
    }

    @Test
    void anUnknownKidRefreshesAtMostOncePerMinimumInterval() throws Exception {
        served.set(new JsonWebKeySet(k1));
        keys.resolveKey(jws(k1, "k1"), List.of());
        served.set(new JsonWebKeySet(k1, k2));
        seconds(10);
        assertEquals(k2.getPublicKey(), keys.resolveKey(jws(k2, "k2"), List.of()), "a rotated key is picked up");
        assertEquals(2, fetches.get());

        for (int i = 0; i < 100; i++) {
            int n = i;
            assertThrows(UnresolvableKeyException.class, () -> keys.resolveKey(jws(k2, "random-" + n), List.of()));
        }
        assertEquals(2, fetches.get(), "random kids within jwks_min_refresh_seconds fetch nothing");
        seconds(10);
        assertThrows(UnresolvableKeyException.class, () -> keys.resolveKey(jws(k2, "random"), List.of()));
        assertEquals(3, fetches.get());
    }

    @Test
    void withTheProviderDownKnownKeysStillVerifyAndUnknownKidsStillFail() throws Exception {
        served.set(new JsonWebKeySet(k1));
        keys.resolveKey(jws(k1, "k1"), List.of());
        served.set(null);
        seconds(600);

        assertEquals(k1.getPublicKey(), keys.resolveKey(jws(k1, "k1"), List.of()), "the keys there were stay");
        assertEquals(2, fetches.get());
        UnresolvableKeyException e =
                assertThrows(UnresolvableKeyException.class, () -> keys.resolveKey(jws(k2, "k2"), List.of()));
        assertTrue(e.getMessage().contains("k2"), e.getMessage());
        assertEquals(k1.getPublicKey(), keys.resolveKey(jws(k1, "k1"), List.of()));
        assertEquals(2, fetches.get(), "a failed fetch is tried again after the minimum interval, not per request");

        seconds(10);
        keys.resolveKey(jws(k1, "k1"), List.of());
        assertEquals(3, fetches.get());
        served.set(new JsonWebKeySet(k1, k2));
        seconds(10);
        assertEquals(k2.getPublicKey(), keys.resolveKey(jws(k2, "k2"), List.of()), "the provider is back");
    }

    @Test
    void keysNeverFetchedFailTheTokenAndAreTriedAgainAfterTheMinimumInterval() throws Exception {
        UnresolvableKeyException e =
                assertThrows(UnresolvableKeyException.class, () -> keys.resolveKey(jws(k1, "k1"), List.of()));
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertThrows(UnresolvableKeyException.class, () -> keys.resolveKey(jws(k1, "k1"), List.of()));
        assertEquals(1, fetches.get());

        served.set(new JsonWebKeySet(k1));
        seconds(10);
        assertEquals(k1.getPublicKey(), keys.resolveKey(jws(k1, "k1"), List.of()));
        assertEquals(2, fetches.get());
    }

    @Test
    void aSourceThatThrowsAnUncheckedExceptionIsAFailedFetch() throws Exception {
        ProviderKeys broken = new ProviderKeys(
                "https://idp/jwks",
                () -> {
                    throw new IllegalStateException("boom");
                },
                300,
                10,
                now::get);
        UnresolvableKeyException e =
                assertThrows(UnresolvableKeyException.class, () -> broken.resolveKey(jws(k1, "k1"), List.of()));
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
    }

    // Attacker review 178: before the first keys, a request waits a bounded time for the fetch
    // another request runs (a provider that never answers held every SSO request until its timeouts).
    @Test
    void beforeTheFirstKeysARequestWaitsABoundedTimeForARunningFetch() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ProviderKeys hanging = new ProviderKeys(
                "https://hanging/jwks",
                () -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                    return new JsonWebKeySet(k1);
                },
                300,
                10,
                now::get,
                TimeUnit.MILLISECONDS.toNanos(50));
        java.util.concurrent.CompletableFuture<java.security.Key> first =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return hanging.resolveKey(jws(k1, "k1"), List.of());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        started.await();
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(5),
                () -> assertThrows(UnresolvableKeyException.class, () -> hanging.resolveKey(jws(k1, "k1"), List.of())));
        release.countDown();
        assertEquals(k1.getPublicKey(), first.get(10, TimeUnit.SECONDS));
    }

    // Attacker review 153: tokens with random kids queued every request behind a fetch from a slow
    // provider, and a request that waited out a fetch longer than jwks_min_refresh_seconds started
    // the next one at once. A missing key now waits a bounded time for a running fetch, and the
    // interval counts from the fetch's end.
    @Test
    void aMissingKeyWaitsABoundedTimeForARunningFetchAndTheIntervalCountsFromItsEnd() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger slowFetches = new AtomicInteger();
        AtomicReference<JsonWebKeySet> set = new AtomicReference<>(new JsonWebKeySet(k1));
        ProviderKeys slow = new ProviderKeys(
                "https://slow/jwks",
                () -> {
                    if (slowFetches.incrementAndGet() > 1) {
                        started.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                        seconds(15); // a fetch longer than the 10 s minimum interval
                    }
                    return set.get();
                },
                300,
                10,
                now::get,
                TimeUnit.MILLISECONDS.toNanos(50));
        slow.resolveKey(jws(k1, "k1"), List.of());
        seconds(11);
        set.set(new JsonWebKeySet(k1, k2));
        java.util.concurrent.CompletableFuture<java.security.Key> waiting =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return slow.resolveKey(jws(k2, "k2"), List.of());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        started.await();
        // Another unknown kid does not queue behind the running fetch.
        JsonWebSignature random = jws(k2, "random");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(5),
                () -> assertThrows(UnresolvableKeyException.class, () -> slow.resolveKey(random, List.of())));
        assertFalse(waiting.isDone());
        release.countDown();
        assertEquals(k2.getPublicKey(), waiting.get(10, TimeUnit.SECONDS));
        assertThrows(UnresolvableKeyException.class, () -> slow.resolveKey(jws(k2, "random-2"), List.of()));
        assertEquals(2, slowFetches.get(), "no fetch right after one that took longer than the interval");
    }

    // Helper review 191: a token without kid was checked against the first key of the set only,
    // and a key declaring RS512 verified RS256 tokens.
    @Test
    void aTokenWithoutKidIsVerifiedWithTheKeyThatSignedItAndAKeysAlgIsItsOnly() throws Exception {
        served.set(new JsonWebKeySet(k1, k2));
        JsonWebSignature byK2 = jws(k2, null);
        assertEquals(k2.getPublicKey(), keys.resolveKey(byK2, List.of()));
        assertEquals(k1.getPublicKey(), keys.resolveKey(jws(k1, null), List.of()));
        RsaJsonWebKey rs512 = RsaJwkGenerator.generateJwk(2048);
        rs512.setKeyId("k3");
        rs512.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA512);
        ProviderKeys strict =
                new ProviderKeys("https://idp/jwks", () -> new JsonWebKeySet(rs512), 300, 10, now::get, 0);
        assertThrows(UnresolvableKeyException.class, () -> strict.resolveKey(jws(rs512, "k3"), List.of()));
        // A candidate that cannot verify at all (jose4j refuses RSA keys under 2048 bits) is passed
        // over, not the end of the search (helper review 192).
        RsaJsonWebKey small = RsaJwkGenerator.generateJwk(1024);
        ProviderKeys mixed =
                new ProviderKeys("https://idp/jwks", () -> new JsonWebKeySet(small, k2), 300, 10, now::get, 0);
        assertEquals(k2.getPublicKey(), mixed.resolveKey(jws(k2, null), List.of()));
    }
}
