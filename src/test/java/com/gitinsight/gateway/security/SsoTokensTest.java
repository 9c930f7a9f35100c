package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.junit.jupiter.api.Test;

/** The admin API's SSO tokens: without a configured audience, still the console's own. */
class SsoTokensTest {

    private static final String ISSUER = "https://idp.example/realms/gi";
    private static final String JWKS = ISSUER + "/certs";

    private static String token(RsaJsonWebKey key, String audienceAndParty) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"iss\":\"" + ISSUER + "\"," + audienceAndParty + "\"sub\":\"carol\",\"exp\":"
                + (System.currentTimeMillis() / 1000 + 300) + "}");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    @Test
    void aTokenIssuedToAnotherClientIsRefusedUnlessAnAudienceIsConfigured() throws Exception {
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("k");
        FakeProvider idp = new FakeProvider();
        idp.documents.put(JWKS, new JsonWebKeySet(key).toJson());
        SsoTokens admin = new SsoTokens(ISSUER, JWKS, List.of(), null, idp, "gateway-console");
        assertEquals(
                "carol",
                admin.verify(token(key, "\"aud\":\"gateway-console\",")).name());
        assertEquals(
                "carol",
                admin.verify(token(key, "\"aud\":\"account\",\"azp\":\"gateway-console\","))
                        .name());
        assertThrows(InvalidJwtException.class, () -> admin.verify(token(key, "\"aud\":\"public-web-app\",")));
        assertThrows(InvalidJwtException.class, () -> admin.verify(token(key, "\"azp\":\"public-web-app\",")));
        assertThrows(InvalidJwtException.class, () -> admin.verify(token(key, "")));
        SsoTokens audience = new SsoTokens(ISSUER, JWKS, List.of("public-web-app"), null, idp, "gateway-console");
        assertEquals(
                "carol",
                audience.verify(token(key, "\"aud\":\"public-web-app\",")).name(),
                "the configured audience decides");
    }
}
