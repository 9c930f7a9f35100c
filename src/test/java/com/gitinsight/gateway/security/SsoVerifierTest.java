package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SSO verification while the identity provider is stopped: the keys it sent before still verify. */
class SsoVerifierTest {

    private static final String ISSUER = "https://idp.example/realms/gi";
    private static final String JWKS = ISSUER + "/protocol/openid-connect/certs";

    private static RsaJsonWebKey known;
    private static RsaJsonWebKey stranger;

    private final FakeProvider idp = new FakeProvider();
    private final AtomicLong now = new AtomicLong();

    @BeforeAll
    static void keys() throws Exception {
        known = RsaJwkGenerator.generateJwk(2048);
        known.setKeyId("known");
        stranger = RsaJwkGenerator.generateJwk(2048);
        stranger.setKeyId("stranger");
    }

    private static JwtSchema.Sso sso(String issuer, String jwksUri) {
        return new JwtSchema.Sso(
                issuer,
                jwksUri,
                List.of("gateway"),
                JwtSchema.ASYMMETRIC,
                60,
                List.of(),
                List.of(),
                null,
                "sub",
                300,
                10);
    }

    private static String token(RsaJsonWebKey key, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"iss\":\"" + ISSUER + "\",\"aud\":\"gateway\",\"sub\":\"alice\",\"exp\":"
                + (System.currentTimeMillis() / 1000 + 300) + "}");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    private void serveProvider() throws Exception {
        idp.documents.put(
                ISSUER + "/.well-known/openid-configuration",
                "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"" + JWKS + "\"}");
        idp.documents.put(JWKS, new JsonWebKeySet(known).toJson());
    }

    @Test
    void withTheProviderStoppedKnownKeysStillVerifyAndAnUnknownKidStillFails() throws Exception {
        serveProvider();
        JwtSchema.Sso settings = sso(ISSUER, null);
        SsoVerifier verifier = new SsoVerifier(settings, idp, now::get);
        assertEquals("alice", verifier.verify(token(known, "known"), settings).getSubject());

        idp.up = false;
        now.addAndGet(TimeUnit.SECONDS.toNanos(301));
        int before = idp.requests.get();
        assertEquals(
                "alice",
                verifier.verify(token(known, "known"), settings).getSubject(),
                "past jwks_cache_seconds, the refresh fails and the known key still verifies");
        assertEquals(before + 1, idp.requests.get(), "the refresh was tried");
        assertThrows(InvalidJwtException.class, () -> verifier.verify(token(stranger, "stranger"), settings));
        assertThrows(
                InvalidJwtException.class,
                () -> verifier.verify(token(stranger, "known"), settings),
                "a known kid with another key's signature");
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertThrows(InvalidJwtException.class, () -> verifier.verify(token(stranger, "stranger"), settings));
        assertEquals("alice", verifier.verify(token(known, "known"), settings).getSubject());
    }

    @Test
    void aSecondVerifierOfTheProviderStartedWhileItIsDownUsesItsLastGoodAnswers() throws Exception {
        serveProvider();
        JwtSchema.Sso route = sso(ISSUER, null);
        new SsoVerifier(route, idp, now::get).verify(token(known, "known"), route);

        idp.up = false;
        // The admin API's verifier, or a route's after the first: discovery and keys from the last answers.
        SsoVerifier admin = new SsoVerifier(route, idp, now::get);
        assertEquals("alice", admin.verify(token(known, "known"), route).getSubject());
        assertThrows(InvalidJwtException.class, () -> admin.verify(token(stranger, "stranger"), route));
    }

    @Test
    void aProviderNeverReachedFailsEveryToken() throws Exception {
        idp.up = false;
        JwtSchema.Sso settings = sso(null, JWKS);
        SsoVerifier verifier = new SsoVerifier(settings, idp, now::get);
        assertThrows(InvalidJwtException.class, () -> verifier.verify(token(known, "known"), settings));

        idp.up = true;
        serveProvider();
        assertThrows(
                InvalidJwtException.class,
                () -> verifier.verify(token(known, "known"), settings),
                "not tried again within jwks_min_refresh_seconds");
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertEquals("alice", verifier.verify(token(known, "known"), settings).getSubject());
    }
}
