package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.ratelimit.RateLimitingSchema;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jwt plugin's SSO users (attacker review 116): a made-up consumer takes no configured
 * consumer's plugins, and a claim that would split or extend an identity header is refused.
 */
class JwtFilterSsoTest {

    private static final String ISSUER = "https://idp.example/realms/gi";
    private static final String JWKS = ISSUER + "/protocol/openid-connect/certs";

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: svc
                url: http://127.0.0.1:9
                routes:
                  - name: sso
                    paths: [/sso]
                    plugins:
                      - name: jwt
                        config: {issuer: "%s", audiences: [gateway], consumer_claim: preferred_username, roles_claim: roles}
            consumers:
              - custom_id: ci-bot
                plugins: [{name: rate-limiting, config: {minute: 100000}}]
              - username: web-frontend
                plugins: [{name: rate-limiting, config: {minute: 100000}}]
            """.formatted(ISSUER));

    private static RsaJsonWebKey key;

    private final FakeProvider idp = new FakeProvider();
    private final JwtFilter filter = new JwtFilter(new SsoLogin(settings -> new SsoVerifier(settings, idp)));

    @BeforeAll
    static void keys() throws Exception {
        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("k1");
    }

    private static String token(String username, String roles) throws Exception {
        return token(username, roles, "u-1");
    }

    private static String token(String username, String roles, String sub) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"iss\":\"" + ISSUER + "\",\"aud\":\"gateway\",\"sub\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(sub)
                + ",\"preferred_username\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(username)
                + ",\"roles\":" + roles + ",\"exp\":" + (System.currentTimeMillis() / 1000 + 300) + "}");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue("k1");
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    private FakeHttp.Request send(String token, FakeHttp.Response response) throws Exception {
        idp.documents.put(
                ISSUER + "/.well-known/openid-configuration",
                "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"" + JWKS + "\"}");
        idp.documents.put(JWKS, new JsonWebKeySet(key).toJson());
        FakeHttp.Request request = FakeHttp.Request.get("/sso", "Authorization", "Bearer " + token);
        request.on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "sso"));
        filter.apply(
                request.context().plugin(JwtSchema.NAME, JwtSchema.Config.class),
                request.context(),
                request.request,
                response.response,
                new FakeHttp.Backend());
        return request;
    }

    @Test
    void anSsoUserNamedAsACustomIdTakesNoneOfThatConsumersPlugins() throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        FakeHttp.Request r = send(token("ci-bot", "[\"dev\"]"), response);
        assertEquals(200, response.status());
        assertEquals("ci-bot", r.context().upstreamHeaders().get("X-Consumer-Username"));
        assertNull(
                r.context().plugin(RateLimitingSchema.NAME, RateLimitingSchema.Config.class),
                "ci-bot's rate limit is a configured consumer's, not the SSO user's");

        FakeHttp.Request mapped = send(token("web-frontend", "[]"), new FakeHttp.Response());
        assertNotNull(
                mapped.context().plugin(RateLimitingSchema.NAME, RateLimitingSchema.Config.class),
                "a claim naming a consumer's username is that consumer, with its plugins");
    }

    // Helper review 136: tokens without the consumer claim all had one made-up consumer, so a
    // rate limit by consumer was one bucket for every such user.
    @Test
    void usersWithoutTheConsumerClaimAreNotOneConsumer() throws Exception {
        FakeHttp.Request u1 = send(token(null, "[]", "u-1"), new FakeHttp.Response());
        FakeHttp.Request u2 = send(token(null, "[]", "u-2"), new FakeHttp.Response());
        FakeHttp.Request again = send(token(null, "[]", "u-1"), new FakeHttp.Response());
        String id1 = u1.context().upstreamHeaders().get("X-Consumer-ID");
        assertNotNull(id1);
        assertTrue(!id1.equals(u2.context().upstreamHeaders().get("X-Consumer-ID")));
        assertEquals(id1, again.context().upstreamHeaders().get("X-Consumer-ID"));
    }

    @Test
    void aClaimThatWouldSplitOrExtendAnIdentityHeaderIsRefused() throws Exception {
        for (String[] claims :
                new String[][] {{"eve\nadmin", "[]"}, {"eve", "[\"x, admin\"]"}, {"eve", "[\"a\\r\"]"}}) {
            FakeHttp.Response response = new FakeHttp.Response();
            FakeHttp.Request r = send(token(claims[0], claims[1]), response);
            assertEquals(401, response.status(), claims[0] + " " + claims[1]);
            assertNull(r.context().upstreamHeaders().get("X-Consumer-Username"), "no identity sent on");
        }
        FakeHttp.Response splitSub = new FakeHttp.Response();
        send(token("eve", "[]", "alice\nbob"), splitSub);
        assertEquals(401, splitSub.status(), "sub goes upstream as X-Credential-Identifier (review 122)");
        assertTrue(SsoLogin.fitForHeaders("eve", java.util.Set.of("ops", "admin")));
        // A space at either end is stripped by the backend's parser: " admin" would be admin there.
        org.junit.jupiter.api.Assertions.assertFalse(SsoLogin.fitForHeaders(" admin", java.util.Set.of()));
        org.junit.jupiter.api.Assertions.assertFalse(SsoLogin.fitForHeaders("admin ", java.util.Set.of()));
        org.junit.jupiter.api.Assertions.assertFalse(SsoLogin.fitForHeaders("eve", java.util.Set.of(" admin")));
        assertTrue(SsoLogin.fitForHeaders("eve smith", java.util.Set.of()));
    }
}
