package com.gitinsight.gateway.security;

import static com.gitinsight.gateway.security.AuthTests.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several auth plugins on one route, in Kong's order (key-auth 1250, then basic-auth 1100): the
 * logical AND of plugins without {@code anonymous} and the logical OR of plugins with one (Kong's
 * "logical-and.test" / "logical-or.test" in both plugins' access specs).
 */
class AuthChainTest {

    static final String ANONYMOUS = "44444444-4444-4444-8444-444444444444";
    static final String MICKEY = "55555555-5555-4555-8555-555555555555";
    static final String ALADDIN = "66666666-6666-4666-8666-666666666666";
    static final String ALADDIN_BASIC = "Basic QWxhZGRpbjpPcGVuU2VzYW1l";

    static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: svc
                url: http://127.0.0.1:9
                routes:
                  - {name: and, paths: [/and], plugins: [{name: basic-auth}, {name: key-auth}]}
                  - name: or
                    paths: [/or]
                    plugins:
                      - {name: basic-auth, config: {anonymous: %1$s}}
                      - {name: key-auth, config: {anonymous: %1$s}}
            consumers:
              - {username: Anonymous, id: %1$s}
              - {username: Mickey, id: %2$s, keyauth_credentials: [{key: Mouse}]}
              - {username: Aladdin, id: %3$s, basicauth_credentials: [{username: Aladdin, password: OpenSesame}]}
            """.formatted(ANONYMOUS, MICKEY, ALADDIN));

    private FakeHttp.Request request;

    private FakeHttp.Response send(String route, String... headers) throws Exception {
        request = FakeHttp.Request.get("/request", headers);
        return AuthTests.run(
                SNAPSHOT, route, request, new FakeHttp.Backend(), new KeyAuthFilter(), new BasicAuthFilter());
    }

    private Map<String, String> upstream() {
        return request.context().upstreamHeaders();
    }

    @Test
    void logicalAndBothCredentialsPass() throws Exception {
        assertEquals(
                200,
                send("and", "apikey", "Mouse", "Authorization", ALADDIN_BASIC).status());
        assertNull(upstream().get("X-Anonymous-Consumer"));
        assertTrue(Map.of(MICKEY, 1, ALADDIN, 1).containsKey(upstream().get("X-Consumer-ID")));
    }

    @Test
    void logicalAndOnlyTheKeyFailsInBasicAuth() throws Exception {
        FakeHttp.Response r = send("and", "apikey", "Mouse");
        assertEquals(401, r.status());
        assertEquals("Basic realm=\"service\"", r.header("WWW-Authenticate"));
    }

    @Test
    void logicalAndOnlyBasicFailsInKeyAuthFirst() throws Exception {
        FakeHttp.Response r = send("and", "Authorization", ALADDIN_BASIC);
        assertEquals(401, r.status());
        assertEquals("Key", r.header("WWW-Authenticate"));
        assertEquals("No API key found in request", message(r));
    }

    @Test
    void logicalAndNothingIsKeyAuths401() throws Exception {
        FakeHttp.Response r = send("and");
        assertEquals(401, r.status());
        assertEquals("Key", r.header("WWW-Authenticate"));
    }

    @Test
    void logicalOrBothCredentialsKeyAuthsConsumerWins() throws Exception {
        assertEquals(
                200,
                send("or", "apikey", "Mouse", "Authorization", ALADDIN_BASIC).status());
        assertNull(upstream().get("X-Anonymous-Consumer"));
        assertEquals(MICKEY, upstream().get("X-Consumer-ID"), "basic-auth does nothing once key-auth authenticated");
    }

    @Test
    void logicalOrEitherCredentialAlone() throws Exception {
        assertEquals(200, send("or", "apikey", "Mouse").status());
        assertEquals(MICKEY, upstream().get("X-Consumer-ID"));
        assertNull(upstream().get("X-Anonymous-Consumer"));
        assertEquals(200, send("or", "Authorization", ALADDIN_BASIC).status());
        assertEquals(ALADDIN, upstream().get("X-Consumer-ID"), "key-auth's anonymous fallback is replaced");
        assertNull(upstream().get("X-Anonymous-Consumer"));
        assertEquals("Aladdin", upstream().get("X-Credential-Identifier"));
    }

    @Test
    void logicalOrNothingIsAnonymous() throws Exception {
        assertEquals(200, send("or").status());
        assertEquals("true", upstream().get("X-Anonymous-Consumer"));
        assertEquals(ANONYMOUS, upstream().get("X-Consumer-ID"));
    }
}
