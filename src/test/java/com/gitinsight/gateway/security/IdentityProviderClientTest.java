package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.junit.jupiter.api.Test;

class IdentityProviderClientTest {

    private static final String ISSUER = "https://idp.example/realms/gi";
    private static final String JWKS = ISSUER + "/certs";

    private final FakeProvider idp = new FakeProvider();

    @Test
    void discoveryNamesTheEndpointsAndFallsBackToTheLastDocument() throws Exception {
        idp.documents.put(
                ISSUER + "/.well-known/openid-configuration",
                "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"" + JWKS + "\",\"authorization_endpoint\":\"" + ISSUER
                        + "/auth\",\"token_endpoint\":\"" + ISSUER + "/token\"}");
        IdentityProviderClient.Metadata found = idp.discovery(ISSUER);
        assertEquals(new IdentityProviderClient.Metadata(ISSUER, JWKS, ISSUER + "/auth", ISSUER + "/token"), found);
        assertEquals(ISSUER + "/.well-known/openid-configuration", IdentityProviderClient.discoveryUrl(ISSUER + "/"));

        idp.up = false;
        assertEquals(found, idp.discovery(ISSUER));
        IOException never = assertThrows(IOException.class, () -> idp.discovery("https://never.example"));
        assertTrue(never.getMessage().contains("Connection refused"), never.getMessage());
    }

    @Test
    void aDocumentWithoutJwksUriOrAnErrorStatusIsRefused() {
        idp.documents.put(ISSUER + "/.well-known/openid-configuration", "{\"issuer\":\"" + ISSUER + "\"}");
        IOException noJwks = assertThrows(IOException.class, () -> idp.discovery(ISSUER));
        assertTrue(noJwks.getMessage().contains("no jwks_uri"), noJwks.getMessage());
        IOException notFound = assertThrows(IOException.class, () -> idp.keys(JWKS));
        assertTrue(notFound.getMessage().contains("HTTP 404"), notFound.getMessage());
    }

    @Test
    void keysFallBackToTheLastGoodSetWhenTheProviderIsDownOrSendsGarbage() throws Exception {
        RsaJsonWebKey k1 = RsaJwkGenerator.generateJwk(2048);
        k1.setKeyId("k1");
        idp.documents.put(JWKS, new JsonWebKeySet(k1).toJson());
        JsonWebKeySet good = idp.keys(JWKS);
        assertEquals("k1", good.getJsonWebKeys().get(0).getKeyId());

        idp.documents.put(JWKS, "<html>maintenance</html>");
        assertSame(good, idp.keys(JWKS), "not a key set: the last good one");
        idp.up = false;
        assertSame(good, idp.keys(JWKS), "down: the last good one");
        assertThrows(IOException.class, () -> idp.keys("https://other.example/certs"), "no last good set to give");
    }

    @Test
    void aGarbledAnswerIsRefusedWhichIsNotRetried() {
        IdentityProviderClient plain = new IdentityProviderClient() {
            @Override
            String get(String url) {
                return "not json {";
            }
        };
        assertInstanceOf(IdentityProviderClient.Refused.class, assertThrows(IOException.class, () -> plain.keys(JWKS)));
        assertInstanceOf(
                IdentityProviderClient.Refused.class, assertThrows(IOException.class, () -> plain.discovery(ISSUER)));
    }

    @Test
    void withoutACdiContainerTheClientIsAPlainUnguardedInstance() {
        assertSame(IdentityProviderClient.current(), IdentityProviderClient.current());
    }

    /**
     * What the server checks when it deploys the bean: each fallback method has the guarded
     * method's parameters and return type, and Payara compares {@code maxDuration} with
     * {@code delay} as plain numbers (units ignored), so both are milliseconds.
     */
    @Test
    void theGuardsAreDefinedAsTheServersRequire() throws Exception {
        for (String name : List.of("discovery", "keys")) {
            Method guarded = IdentityProviderClient.class.getMethod(name, String.class);
            Fallback fallback = guarded.getAnnotation(Fallback.class);
            Method alternative =
                    IdentityProviderClient.class.getDeclaredMethod(fallback.fallbackMethod(), String.class);
            assertEquals(guarded.getReturnType(), alternative.getReturnType());
            Retry retry = guarded.getAnnotation(Retry.class);
            assertTrue(retry.maxDuration() > retry.delay() + retry.jitter());
            assertEquals(retry.delayUnit(), retry.durationUnit());
            Timeout timeout = guarded.getAnnotation(Timeout.class);
            Duration attempt = Duration.of(timeout.value(), timeout.unit());
            assertTrue(Duration.of(retry.maxDuration(), retry.durationUnit()).compareTo(attempt) > 0);
            CircuitBreaker breaker = guarded.getAnnotation(CircuitBreaker.class);
            assertTrue(
                    breaker.requestVolumeThreshold() > retry.maxRetries(),
                    "one call's retries alone do not open the breaker");
        }
    }
}
