package com.gitinsight.gateway.it;

import static com.gitinsight.gateway.it.Backends.echoed;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The security filters end to end on Payara Micro, in Kong's plugin order. */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Backends BACKENDS = new Backends();
    private static final Path CONFIG = Path.of(System.getProperty("gateway.it.dir", "target/it"), "gateway.yml");
    private static final HttpClient HTTP = Http.CLIENT;
    private static final String SECRET = "your-jwt-secret-here";

    private static final MockOAuth2Server IDP = new MockOAuth2Server();
    private static final AtomicReference<String> JWKS = new AtomicReference<>();
    private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
    private static HttpServer jwksServer;
    private static RsaJsonWebKey key1;
    private static RsaJsonWebKey key2;
    /** A second provider, which a test stops and starts again. */
    private static final AtomicReference<String> STOPPING_JWKS = new AtomicReference<>();

    private static HttpServer stoppingServer;
    private static RsaJsonWebKey key3;
    private static RsaJsonWebKey key4;

    @ArquillianResource
    private URL base;

    /** A JWKS endpoint whose keys the test rotates, counting fetches. */
    private static int startJwks() throws Exception {
        key1 = RsaJwkGenerator.generateJwk(2048);
        key1.setKeyId("k1");
        key2 = RsaJwkGenerator.generateJwk(2048);
        key2.setKeyId("k2");
        JWKS.set(new JsonWebKeySet(key1).toJson());
        jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        jwksServer.createContext("/jwks", ex -> {
            JWKS_FETCHES.incrementAndGet();
            byte[] body = JWKS.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwksServer.start();
        return jwksServer.getAddress().getPort();
    }

    /** The provider that is stopped: its JWKS on {@code port} (0: any free one). */
    private static int startStoppingProvider(int port) throws Exception {
        stoppingServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        stoppingServer.createContext("/jwks", ex -> {
            byte[] body = STOPPING_JWKS.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        stoppingServer.start();
        return stoppingServer.getAddress().getPort();
    }

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        int echo = BACKENDS.echo("sec");
        IDP.start();
        int jwksPort = startJwks();
        key3 = RsaJwkGenerator.generateJwk(2048);
        key3.setKeyId("k3");
        key4 = RsaJwkGenerator.generateJwk(2048);
        key4.setKeyId("k4");
        STOPPING_JWKS.set(new JsonWebKeySet(key3).toJson());
        int stoppingPort = startStoppingProvider(0);
        Files.createDirectories(CONFIG.getParent());
        Files.writeString(
                CONFIG, """
                _format_version: "3.0"
                services:
                  - name: sec
                    url: http://127.0.0.1:%1$d
                    routes:
                      - name: open
                        paths: [/open]
                      - name: cors
                        paths: [/cors]
                        plugins:
                          - name: cors
                            config:
                              origins: ["https://app.gitinsight.com", "https://.*\\\\.preview\\\\.gitinsight\\\\.com"]
                              headers: [Authorization, Content-Type]
                              exposed_headers: [X-Total]
                              max_age: 600
                          - name: jwt
                            config: {key_claim_name: kid}
                      - name: cors-any
                        paths: [/cors-any]
                        plugins:
                          - name: cors
                            config: {origins: ["*"], credentials: true}
                      - name: private
                        paths: [/private]
                        plugins:
                          - name: ip-restriction
                            config: {allow: [10.0.0.0/8]}
                      - name: guarded
                        paths: [/guarded]
                        plugins:
                          - name: ip-restriction
                            config: {allow: [10.0.0.0/8]}
                          - name: jwt
                            config: {key_claim_name: kid}
                      - name: local
                        paths: [/local]
                        plugins:
                          - name: ip-restriction
                            config: {allow: [127.0.0.0/8, "::1"], deny: [192.0.2.0/24]}
                      - name: jwt
                        paths: [/jwt]
                        plugins:
                          - name: jwt
                            config: {key_claim_name: kid, claims_to_verify: [exp]}
                      - name: jwt-anonymous
                        paths: [/maybe]
                        plugins:
                          - name: jwt
                            config: {key_claim_name: kid, anonymous: guest}
                      - name: sso
                        paths: [/sso]
                        plugins:
                          - name: jwt
                            config:
                              key_claim_name: kid
                              issuer: "%3$s"
                              audiences: [gateway]
                              required_scopes: [repos:read]
                              consumer_claim: preferred_username
                      - name: rotating
                        paths: [/rotating]
                        plugins:
                          - name: jwt
                            config:
                              jwks_uri: "http://127.0.0.1:%4$d/jwks"
                              audiences: [gateway]
                              jwks_min_refresh_seconds: 1
                      - name: provider-down
                        paths: [/provider-down]
                        plugins:
                          - name: jwt
                            config:
                              jwks_uri: "http://127.0.0.1:%5$d/jwks"
                              audiences: [gateway]
                              jwks_cache_seconds: 10
                              jwks_min_refresh_seconds: 1
                      - name: small
                        paths: [/small]
                        plugins:
                          - name: request-size-limiting
                            config: {allowed_payload_size: 1, size_unit: kilobytes}
                consumers:
                  - username: web-frontend
                    custom_id: wf-1
                    jwt_secrets:
                      - {key: web-frontend-key, secret: "%2$s"}
                  - username: guest
                plugins:
                  - name: security-headers
                    config:
                      referrer_policy: no-referrer
                """.formatted(echo, SECRET, IDP.issuerUrl("default").toString(), jwksPort, stoppingPort));
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("gateway.war")));
    }

    @AfterAll
    static void stopBackends() {
        BACKENDS.close();
        IDP.shutdown();
        jwksServer.stop(0);
        stoppingServer.stop(0);
    }

    private String idpToken(String audience, Map<String, Object> claims) {
        return IDP.issueToken("default", "user-42", audience, claims).serialize();
    }

    @Test
    void ssoTokensFromARealOidcProviderWithAudienceScopesAndConsumerMapping() throws Exception {
        Map<String, Object> claims = Map.of(
                "scope", "openid repos:read", "preferred_username", "alice", "roles", java.util.List.of("admin"));
        Map<String, String> seen = echoed(get("/sso/x", "Authorization", "Bearer " + idpToken("gateway", claims)));
        assertEquals("alice", seen.get("h:x-consumer-username"));
        assertEquals("user-42", seen.get("h:x-credential-identifier"));

        HttpResponse<String> wrongAudience =
                get("/sso/x", "Authorization", "Bearer " + idpToken("someone-else", claims));
        assertEquals(401, wrongAudience.statusCode());
        assertEquals(
                "Bearer error=\"invalid_token\"",
                wrongAudience.headers().firstValue("WWW-Authenticate").orElse(null));

        HttpResponse<String> noScope = get(
                "/sso/x",
                "Authorization",
                "Bearer " + idpToken("gateway", Map.of("scope", "openid", "preferred_username", "bob")));
        assertEquals(403, noScope.statusCode());
        assertEquals("Forbidden", message(noScope));

        HttpResponse<String> kong = get("/sso/x", "Authorization", "Bearer " + validToken());
        assertEquals(200, kong.statusCode(), "a Kong consumer's token still works on an SSO route");
    }

    private static String signed(RsaJsonWebKey key, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(
                "{\"sub\":\"svc\",\"aud\":\"gateway\",\"exp\":" + (System.currentTimeMillis() / 1000 + 300) + "}");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    @Test
    void aRotatedSigningKeyIsPickedUpWithoutRestartAndRandomKidsCannotHammerTheProvider() throws Exception {
        assertEquals(
                200,
                get("/rotating/x", "Authorization", "Bearer " + signed(key1, "k1"))
                        .statusCode());
        JWKS.set(new JsonWebKeySet(key2).toJson());
        String rotated = signed(key2, "k2");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(300))
                .until(() ->
                        get("/rotating/x", "Authorization", "Bearer " + rotated).statusCode() == 200);

        int before = JWKS_FETCHES.get();
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertEquals(
                    401,
                    get("/rotating/x", "Authorization", "Bearer " + signed(key2, "random-" + i))
                            .statusCode());
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
        int fetches = JWKS_FETCHES.get() - before;
        assertTrue(fetches <= seconds + 1, fetches + " JWKS fetches for 100 unknown kids in " + seconds + " s");
    }

    /**
     * The identity provider client's fallback: with the provider stopped, tokens signed by keys it
     * sent before still pass (past {@code jwks_cache_seconds}, when the refresh fails, and while
     * the circuit breaker is open), and a token naming a key it never sent still fails. Last: the
     * key fetches' breaker is one for every provider (MicroProfile Fault Tolerance keeps it per
     * method), so the other SSO tests would see it open; the test ends when it has closed again.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void withTheProviderStoppedTokensOfKnownKeysStillPassAndAnUnknownKidStillFails() throws Exception {
        String known = signed(key3, "k3");
        assertEquals(
                200, get("/provider-down/x", "Authorization", "Bearer " + known).statusCode());
        int port = stoppingServer.getAddress().getPort();
        stoppingServer.stop(0);

        assertEquals(
                200, get("/provider-down/x", "Authorization", "Bearer " + known).statusCode());
        // Past jwks_cache_seconds (10): the refresh finds no provider, is retried, and the breaker opens.
        Thread.sleep(11_000);
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            assertEquals(
                    200,
                    get("/provider-down/x", "Authorization", "Bearer " + known).statusCode(),
                    "a token of a known key passes while the provider is down (round " + i + ")");
            assertEquals(
                    401,
                    get("/provider-down/x", "Authorization", "Bearer " + signed(key4, "unknown-" + i))
                            .statusCode(),
                    "an unknown kid still fails");
            assertEquals(
                    401,
                    get("/provider-down/x", "Authorization", "Bearer " + signed(key4, "k3"))
                            .statusCode(),
                    "a known kid does not make another key's signature good");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 5_000, "three requests took " + millis + " ms with the provider down");
            // Past jwks_min_refresh_seconds: the next unknown kid asks the provider again.
            Thread.sleep(1_100);
        }

        // Back, with a new key: picked up once the breaker lets a call through again (delay 30 s).
        STOPPING_JWKS.set(new JsonWebKeySet(key3, key4).toJson());
        startStoppingProvider(port);
        String rotated = signed(key4, "k4");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> get("/provider-down/x", "Authorization", "Bearer " + rotated)
                                .statusCode()
                        == 200);
        assertEquals(
                200, get("/provider-down/x", "Authorization", "Bearer " + known).statusCode());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + base.getPort() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    private static String message(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("message").asText();
    }

    static String token(String secret, String claims) throws Exception {
        return Tokens.withHeader("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims, secret);
    }

    private static String validToken() throws Exception {
        return token(
                SECRET, "{\"kid\":\"web-frontend-key\",\"exp\":" + (System.currentTimeMillis() / 1000 + 300) + "}");
    }

    @Test
    void securityHeadersOnProxiedResponsesErrorsAndNoRoute() throws Exception {
        for (HttpResponse<String> r : new HttpResponse[] {get("/open/x"), get("/no/such/route"), get("/jwt/x")}) {
            assertEquals(
                    "DENY", r.headers().firstValue("X-Frame-Options").orElse(null), r.uri() + " " + r.statusCode());
            assertEquals(
                    "nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertEquals(
                    "1; mode=block", r.headers().firstValue("X-XSS-Protection").orElse(null));
            assertEquals(
                    "max-age=31536000; includeSubDomains",
                    r.headers().firstValue("Strict-Transport-Security").orElse(null));
            assertEquals(
                    "no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null));
            assertEquals(1, r.headers().allValues("X-Frame-Options").size());
        }
        HttpResponse<String> framed = get("/open/framed");
        assertEquals(
                java.util.List.of("SAMEORIGIN"),
                framed.headers().allValues("X-Frame-Options"),
                "the backend's own value is kept");
    }

    @Test
    void preflightIsAnsweredByTheGatewayWithoutTokenOrBackend() throws Exception {
        int before = BACKENDS.hits
                .getOrDefault("sec", new java.util.concurrent.atomic.AtomicInteger())
                .get();
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/cors/x"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.gitinsight.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization"));
        // Kong's preflight: 200, lists comma-joined without spaces.
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("0", r.headers().firstValue("Content-Length").orElse(null));
        assertEquals(
                "https://app.gitinsight.com",
                r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals(
                "Authorization,Content-Type",
                r.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
        assertTrue(r.headers()
                .firstValue("Access-Control-Allow-Methods")
                .orElse("")
                .contains("POST"));
        assertEquals("600", r.headers().firstValue("Access-Control-Max-Age").orElse(null));
        assertTrue(r.headers().firstValue("Vary").orElse("").contains("Origin"));
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null));
        assertEquals(
                before,
                BACKENDS.hits
                        .getOrDefault("sec", new java.util.concurrent.atomic.AtomicInteger())
                        .get(),
                "no backend call");

        HttpResponse<String> regex = send(HttpRequest.newBuilder(uri("/cors/x"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://pr-7.preview.gitinsight.com")
                .header("Access-Control-Request-Method", "GET"));
        assertEquals(
                "https://pr-7.preview.gitinsight.com",
                regex.headers().firstValue("Access-Control-Allow-Origin").orElse(null));

        HttpResponse<String> evil = send(HttpRequest.newBuilder(uri("/cors/x"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));
        // Kong: a disallowed origin gets no Access-Control-Allow-Origin (so a browser uses nothing),
        // but still what Kong sends whatever the origin (the allowed methods and headers).
        assertEquals(200, evil.statusCode());
        assertTrue(
                evil.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                evil.headers().map().toString());
        assertTrue(evil.headers()
                .firstValue("Access-Control-Allow-Methods")
                .orElse("")
                .contains("POST"));
        assertTrue(evil.headers().firstValue("Vary").orElse("").contains("Origin"));
    }

    @Test
    void corsHeadersOnActualResponsesAndCredentialsNeverWithStar() throws Exception {
        HttpResponse<String> r =
                get("/cors/x", "Origin", "https://app.gitinsight.com", "Authorization", "Bearer " + validToken());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(
                "https://app.gitinsight.com",
                r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals(
                "X-Total",
                r.headers().firstValue("Access-Control-Expose-Headers").orElse(null));
        HttpResponse<String> any = get("/cors-any/x", "Origin", "https://someone.example");
        assertEquals(
                "https://someone.example",
                any.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals(
                "true",
                any.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
    }

    @Test
    void ipRestrictionJudgesThePeerNotASpoofedForwardedFor() throws Exception {
        HttpResponse<String> denied = get("/private/x", "X-Forwarded-For", "10.1.2.3", "X-Real-IP", "10.1.2.3");
        assertEquals(403, denied.statusCode());
        assertEquals("IP address not allowed: 127.0.0.1", message(denied), "Kong's default message names the address");
        assertEquals(
                "application/json; charset=utf-8",
                denied.headers().firstValue("Content-Type").orElse(null));
        assertEquals(200, get("/local/x", "X-Forwarded-For", "192.0.2.7").statusCode(), "loopback is allowed");
    }

    /** Kong's order: jwt (1450) before ip-restriction (990), so no token is a 401 from anywhere. */
    @Test
    void authenticationIsJudgedBeforeTheAddress() throws Exception {
        HttpResponse<String> none = get("/guarded/x");
        assertEquals(401, none.statusCode(), none.body());
        assertEquals("Unauthorized", message(none));
        HttpResponse<String> token = get("/guarded/x", "Authorization", "Bearer " + validToken());
        assertEquals(403, token.statusCode(), token.body());
        assertEquals("IP address not allowed: 127.0.0.1", message(token));
    }

    @Test
    void jwtKongBehaviour() throws Exception {
        HttpResponse<String> none = get("/jwt/x");
        assertEquals(401, none.statusCode());
        assertEquals("Unauthorized", message(none));
        // Kong's jwt answers with kong.response.exit and a table: the body is that table alone.
        assertEquals(1, JSON.readTree(none.body()).size(), none.body());
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));

        Map<String, String> seen = echoed(get(
                "/jwt/x",
                "Authorization",
                "Bearer " + validToken(),
                "X-Consumer-Username",
                "admin",
                "X-Anonymous-Consumer",
                "true"));
        assertEquals("web-frontend", seen.get("h:x-consumer-username"), "client-sent copies are replaced");
        assertEquals("wf-1", seen.get("h:x-consumer-custom-id"));
        assertEquals("web-frontend-key", seen.get("h:x-credential-identifier"));
        assertEquals(36, seen.get("h:x-consumer-id").length());
        assertFalse(seen.containsKey("h:x-anonymous-consumer"));

        HttpResponse<String> bad = get(
                "/jwt/x",
                "Authorization",
                "Bearer "
                        + token(
                                "other-secret",
                                "{\"kid\":\"web-frontend-key\",\"exp\":" + (System.currentTimeMillis() / 1000 + 300)
                                        + "}"));
        assertEquals(401, bad.statusCode());
        assertEquals("Invalid signature", message(bad));
        assertEquals(
                "Bearer error=\"invalid_token\"",
                bad.headers().firstValue("WWW-Authenticate").orElse(null));

        HttpResponse<String> expired = get(
                "/jwt/x", "Authorization", "Bearer " + token(SECRET, "{\"kid\":\"web-frontend-key\",\"exp\":1000}"));
        assertEquals(401, expired.statusCode());
        assertEquals("token expired", JSON.readTree(expired.body()).get("exp").asText());

        HttpResponse<String> two = get(
                "/jwt/x?jwt=" + token(SECRET, "{\"kid\":\"web-frontend-key\"}"),
                "Authorization",
                "Bearer " + validToken());
        assertEquals(401, two.statusCode());
        assertEquals("Multiple tokens provided", message(two));

        assertEquals(200, get("/jwt/x?jwt=" + validToken()).statusCode(), "the token may come in the query");

        Map<String, String> guest = echoed(get("/maybe/x", "Authorization", "Bearer junk"));
        assertEquals("guest", guest.get("h:x-consumer-username"));
        assertEquals("true", guest.get("h:x-anonymous-consumer"));
    }

    @Test
    void oversizedRequestHeadsGetKongsErrorHandlersAnswers() throws Exception {
        // nginx's default buffers, as Kong runs them: 4 of 8k; a line must fit in one.
        String seven = "a".repeat(7_000);
        assertEquals(
                200,
                get("/open/x", "X-A", seven, "X-B", seven, "X-C", seven).statusCode(),
                "21 KB of headers pass, each line under 8 KB");
        // Kong's error handler answers them (13-error_handlers_spec): plain text by default.
        HttpResponse<String> line = get("/open/x", "X-Big", "a".repeat(10 * 1024));
        assertEquals(400, line.statusCode());
        assertTrue(line.body().startsWith("Bad request\nrequest_id: "), line.body());
        assertEquals("DENY", line.headers().firstValue("X-Frame-Options").orElse(null), "security headers on it too");
        HttpResponse<String> many = get(
                "/open/x",
                "X-A",
                seven,
                "X-B",
                seven,
                "X-C",
                seven,
                "X-D",
                seven,
                "X-E",
                seven,
                "Accept",
                "application/json");
        assertEquals(400, many.statusCode());
        assertEquals("Bad request", message(many));
        HttpResponse<String> uri = get("/open/x?foo=" + "a".repeat(10 * 1024), "Accept", "application/json");
        assertEquals(414, uri.statusCode());
        assertEquals("URI too long", message(uri));
    }

    @Test
    void traceIsRefusedBeforeRoutingAsNginxRefusesIt() throws Exception {
        HttpResponse<String> trace =
                send(HttpRequest.newBuilder(uri("/open/x")).method("TRACE", HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, trace.statusCode());
        assertTrue(trace.body().startsWith("Method not allowed\nrequest_id: "), trace.headers() + " " + trace.body());
    }

    @Test
    void requestSizeLimitForDeclaredAndChunkedBodies() throws Exception {
        byte[] big = new byte[2048];
        HttpResponse<String> declared =
                send(HttpRequest.newBuilder(uri("/small/x")).POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertEquals(413, declared.statusCode(), declared.body());
        assertEquals("Request size limit exceeded", message(declared));
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(uri("/small/x"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertEquals(413, chunked.statusCode(), chunked.body());
        HttpResponse<String> fits = send(HttpRequest.newBuilder(uri("/small/x"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[512]))));
        assertEquals("512", echoed(fits).get("bytes"));
    }
}
