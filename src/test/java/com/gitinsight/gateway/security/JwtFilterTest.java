package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Plugin jwt against Kong's spec/03-plugins/16-jwt/03-access_spec.lua ("refusals", "HS256",
 * "JWT private claims checks", "config.anonymous") and 01-jwt_parser_spec.lua ("Decoding"): Kong's
 * status, messages and bodies (a claim check names each failing claim, without a message), compared
 * whole: Kong's jwt answers with kong.response.exit, so no {@code request_id}.
 */
class JwtFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "jwt-tests-secret";
    private static final String KEY = "jwt-tests-key";
    private static final long NOW = System.currentTimeMillis() / 1000;

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of(
            """
            _format_version: "3.0"
            services:
              - name: svc
                url: http://127.0.0.1:9
                routes:
                  - {name: jwt1, paths: [/jwt1], plugins: [{name: jwt}]}
                  - {name: jwt2, paths: [/jwt2], plugins: [{name: jwt, config: {uri_param_names: [token, jwt]}}]}
                  - {name: jwt3, paths: [/jwt3], plugins: [{name: jwt, config: {claims_to_verify: [nbf, exp]}}]}
                  - {name: jwt6, paths: [/jwt6], plugins: [{name: jwt, config: {anonymous: no-body}}]}
                  - {name: jwt6id, paths: [/jwt6id], plugins: [{name: jwt, config: {anonymous: %s}}]}
                  - {name: jwt13, paths: [/jwt13], plugins: [{name: jwt, config: {header_names: [x_jwt]}}]}
                  - {name: jwt8, paths: [/jwt8], plugins: [{name: jwt, config: {run_on_preflight: false}}]}
                  - {name: jwt9, paths: [/jwt9], plugins: [{name: jwt, config: {cookie_names: [silly, crumble]}}]}
                  - {name: jwt10, paths: [/jwt10], plugins: [{name: jwt, config: {key_claim_name: kid}}]}
                  - name: jwt11
                    paths: [/jwt11]
                    plugins: [{name: jwt, config: {claims_to_verify: [nbf, exp], maximum_expiration: 300}}]
                  - {name: jwt12, paths: [/jwt12], plugins: [{name: jwt, config: {header_names: [CustomAuthorization]}}]}
                  - {name: jwt14, paths: [/jwt14], plugins: [{name: jwt, config: {secret_is_base64: true}}]}
                  - {name: jwt15, paths: [/jwt15], plugins: [{name: jwt, config: {cookie_names: [access_token]}}]}
                  # Kong's jwt7: an anonymous consumer that does not exist (the file still loads).
                  - name: jwt7
                    paths: [/jwt7]
                    plugins: [{name: jwt, config: {anonymous: 00000000-0000-4000-8000-000000000000}}]
            consumers:
              # A custom id equal to the anonymous consumer's username: Kong's anonymous names an id or a username.
              - {username: impostor, custom_id: no-body}
              - username: jwt_tests_consumer
                jwt_secrets: [{key: %s, secret: %s, id: 7e1c4b1a-0000-4000-8000-00000000a001}]
              - username: no-body
              - username: b64
                jwt_secrets: [{key: b64-key, secret: "not base64 at all!"}]
              # Kong loads an ES256 credential without a key (its entity check names RS only).
              - username: es
                jwt_secrets: [{key: es-key, algorithm: ES256}]
            """.formatted(com.gitinsight.gateway.config.KongIds.of("consumers", "no-body"), KEY, SECRET));

    private final JwtFilter filter = new JwtFilter();

    private FakeHttp.Response send(String route, FakeHttp.Request request, FakeHttp.Backend backend) throws Exception {
        request.on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, route));
        FakeHttp.Response response = new FakeHttp.Response();
        filter.apply(
                request.context().plugin(JwtSchema.NAME, JwtSchema.Config.class),
                request.context(),
                request.request,
                response.response,
                backend);
        return response;
    }

    private FakeHttp.Response send(String route, String uri, String... headers) throws Exception {
        return send(route, FakeHttp.Request.get(uri, headers), new FakeHttp.Backend());
    }

    /** The body, whole, as Kong's spec compares it (assert.same). */
    private static Map<?, ?> body(FakeHttp.Response r) throws Exception {
        return JSON.convertValue(JSON.readTree(r.text()), Map.class);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An HMAC-SHA256-signed token with any JOSE header (Kong's jwt_encoder.encode). */
    static String encode(String payload, String secret, String header) throws Exception {
        String input = b64(header) + "." + b64(payload);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return input + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The status for jwt1 of a token for KEY whose JOSE header is {@code header}. */
    private int statusWithJoseHeader(String header) throws Exception {
        return send("jwt1", "/request", "Authorization", "Bearer " + encode(payload(KEY), SECRET, header))
                .status();
    }

    static String encode(String payload, String secret) throws Exception {
        return encode(payload, secret, "{\"typ\":\"JWT\",\"alg\":\"HS256\"}");
    }

    private static String payload(String iss) {
        return "{" + (iss == null ? "" : "\"iss\":\"" + iss + "\",") + "\"nbf\":" + NOW + ",\"iat\":" + NOW
                + ",\"exp\":" + (NOW + 3600) + "}";
    }

    @Test
    void paddedSegmentsAreReadAsKongsParserReadsThem() throws Exception {
        // Kong's decode_base64url reads up to a '=': a token written with padding verifies (its
        // signature covers the segments as sent). The standard alphabet's '+' and '/' are not
        // base64url (Kong 3.5+; KongJwtVerifierTest).
        String header = Base64.getUrlEncoder()
                .encodeToString("{\"typ\":\"JWT\",\"alg\":\"HS256\"} ".getBytes(StandardCharsets.UTF_8));
        String claims = Base64.getUrlEncoder().encodeToString(payload(KEY).getBytes(StandardCharsets.UTF_8));
        String input = header + "." + claims;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String token = input + "."
                + Base64.getUrlEncoder().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        org.junit.jupiter.api.Assertions.assertTrue(token.contains("="), token);
        FakeHttp.Response r = send("jwt1", "/request", "Authorization", "Bearer " + token);
        assertEquals(200, r.status(), r.text());
        // Tampered: the same claims re-encoded without padding is another signing input.
        String stripped = header.replace("=", "") + "." + claims + "." + token.substring(token.lastIndexOf('.') + 1);
        assertEquals(
                Map.of("message", "Invalid signature"),
                body(send("jwt1", "/request", "Authorization", "Bearer " + stripped)));
    }

    @Test
    void anEsCredentialWithoutAKeyAnswersInvalidKeyAsKong() throws Exception {
        FakeHttp.Response r = send(
                "jwt1",
                "/request",
                "Authorization",
                "Bearer " + encode(payload("es-key"), "x", "{\"typ\":\"JWT\",\"alg\":\"ES256\"}"));
        assertEquals(401, r.status());
        assertEquals(Map.of("message", "Invalid key/secret"), body(r));
    }

    @Test
    void aBase64SecretThatDoesNotDecodeIsAnInvalidKeyAsKong() throws Exception {
        FakeHttp.Response r = send("jwt14", "/request", "Authorization", "Bearer " + encode(payload("b64-key"), "x"));
        assertEquals(401, r.status());
        assertEquals(Map.of("message", "Invalid key/secret"), body(r));
    }

    // "returns 401 Unauthorized if no JWT is found in the request"
    @Test
    void noToken() throws Exception {
        FakeHttp.Response r = send("jwt1", "/request");
        assertEquals(401, r.status());
        assertEquals(Map.of("message", "Unauthorized"), body(r));
    }

    // Kong's retrieve_tokens: empty values are no token; the scheme is [Bb]earer followed by any
    // whitespace, found anywhere in the header.
    @Test
    void tokensAreFoundAsKongsRetrieveTokensFindsThem() throws Exception {
        String token = encode(payload(KEY), SECRET);
        FakeHttp.Response empty = send("jwt1", "/request?jwt=");
        assertEquals(401, empty.status());
        assertEquals(Map.of("message", "Unauthorized"), body(empty), "?jwt= is no token");
        assertEquals(
                200,
                send("jwt1", "/request?jwt=", "Authorization", "Bearer " + token)
                        .status());
        assertEquals(
                200,
                send("jwt1", "/request", "Authorization", "Bearer\t" + token).status());
        assertEquals(
                200,
                send("jwt1", "/request", "Authorization", "bearer " + token).status());
        assertEquals(
                Map.of("message", "Unauthorized"),
                body(send("jwt1", "/request", "Authorization", "BEARER " + token)),
                "Kong's [Bb]earer");
        // Kong's get_query makes a bare ?jwt the value true: a token that is not a string.
        FakeHttp.Response bare = send("jwt1", "/request?jwt");
        assertEquals(401, bare.status());
        assertEquals(Map.of("message", "Unrecognizable token"), body(bare));
        assertEquals("Bearer error=\"invalid_token\"", bare.header("WWW-Authenticate"));
        assertEquals(
                Map.of("message", "Multiple tokens provided"),
                body(send("jwt1", "/request?jwt&x=1", "Authorization", "Bearer " + token)),
                "?jwt beside a good token: two tokens, as Kong's set of them");
    }

    // "returns 401 if the claims do not contain the key to identify a secret", "... a valid key ...",
    // "returns 401 Unauthorized if the iss does not match a credential", "... if the signature is invalid",
    // "... if the alg does not match the credential"
    @Test
    void refusals() throws Exception {
        assertEquals(
                Map.of("message", "No mandatory 'iss' in claims"),
                body(send("jwt1", "/request", "Authorization", "Bearer " + encode(payload(null), "foo"))));
        assertEquals(
                Map.of("message", "Invalid 'iss' in claims"),
                body(send("jwt1", "/request", "Authorization", "Bearer " + encode(payload(""), "foo"))));
        FakeHttp.Response unknown =
                send("jwt1", "/request", "Authorization", "Bearer " + encode(payload("123456789"), SECRET));
        assertEquals(401, unknown.status());
        assertEquals(Map.of("message", "No credentials found for given 'iss'"), body(unknown));
        assertEquals(
                Map.of("message", "Invalid signature"),
                body(send("jwt1", "/request", "Authorization", "Bearer " + encode(payload(KEY), "foo"))));
        FakeHttp.Response alg = send(
                "jwt1",
                "/request",
                "Authorization",
                "Bearer " + encode(payload(KEY), SECRET, "{\"typ\":\"JWT\",\"alg\":\"RS256\"}"));
        assertEquals(401, alg.status());
        assertEquals(Map.of("message", "Invalid algorithm"), body(alg));
    }

    // "returns 200 on OPTIONS requests if run_on_preflight is false",
    // "returns Unauthorized on OPTIONS requests if run_on_preflight is true"
    @Test
    void preflight() throws Exception {
        assertEquals(
                200,
                send("jwt8", FakeHttp.Request.of("OPTIONS", "/request"), new FakeHttp.Backend())
                        .status());
        FakeHttp.Response r = send("jwt1", FakeHttp.Request.of("OPTIONS", "/request"), new FakeHttp.Backend());
        assertEquals(401, r.status());
        assertEquals(Map.of("message", "Unauthorized"), body(r));
    }

    // "returns 401 if the token exceeds the maximum allowed expiration limit",
    // "accepts a JWT token within the maximum allowed expiration limit"
    @Test
    void maximumExpiration() throws Exception {
        String tooLong =
                encode("{\"iss\":\"" + KEY + "\",\"exp\":" + (NOW + 3600) + ",\"nbf\":" + (NOW - 30) + "}", SECRET);
        FakeHttp.Response r = send("jwt11", "/request/?jwt=" + tooLong);
        assertEquals(401, r.status());
        assertEquals(Map.of("exp", "exceeds maximum allowed expiration"), body(r), "no message key, as Kong");
        String within =
                encode("{\"iss\":\"" + KEY + "\",\"exp\":" + (NOW + 270) + ",\"nbf\":" + (NOW - 30) + "}", SECRET);
        assertEquals(200, send("jwt11", "/request/?jwt=" + within).status());
    }

    // "JWT private claims checks": "requires the checked fields to be in the claims",
    // "checks if the fields are valid: `exp` claim", "... `nbf` claim"
    @Test
    void privateClaimsChecks() throws Exception {
        FakeHttp.Response missing = send("jwt3", "/request/?jwt=" + encode("{\"iss\":\"" + KEY + "\"}", SECRET));
        assertEquals(401, missing.status());
        assertEquals(Map.of("nbf", "must be a number", "exp", "must be a number"), body(missing));
        assertEquals(
                true,
                missing.text().startsWith("{\"nbf\":\"must be a number\",\"exp\":\"must be a number\""),
                "Kong's spec compares the body in this order: " + missing.text());
        // kong.response.exit with a table: JSON whatever Accept asks for.
        FakeHttp.Response html = send("jwt1", "/request", "Accept", "text/html");
        assertEquals(401, html.status());
        assertEquals("application/json; charset=utf-8", html.header("Content-Type"));
        assertEquals(Map.of("message", "Unauthorized"), body(html));
        FakeHttp.Response expired = send(
                "jwt3",
                "/request/?jwt="
                        + encode(
                                "{\"iss\":\"" + KEY + "\",\"exp\":" + (NOW - 10) + ",\"nbf\":" + (NOW - 10) + "}",
                                SECRET));
        assertEquals(Map.of("exp", "token expired"), body(expired));
        FakeHttp.Response early = send(
                "jwt3",
                "/request/?jwt="
                        + encode(
                                "{\"iss\":\"" + KEY + "\",\"exp\":" + (NOW + 10) + ",\"nbf\":" + (NOW + 5) + "}",
                                SECRET));
        assertEquals(Map.of("nbf", "token not valid yet"), body(early));
        // 01-jwt_parser_spec.lua, "checks the type of given registered claims"
        FakeHttp.Response strings = send(
                "jwt3", "/request/?jwt=" + encode("{\"iss\":\"" + KEY + "\",\"exp\":\"bar\",\"nbf\":\"foo\"}", SECRET));
        assertEquals(Map.of("nbf", "must be a number", "exp", "must be a number"), body(strings));
    }

    // "HS256": "proxies the request with token and consumer headers if it was verified",
    // "proxies the request if the key is found in headers", cookies, URL parameters
    @Test
    void whereTokensAreFound() throws Exception {
        String token = encode(payload(KEY), SECRET);
        FakeHttp.Request verified = FakeHttp.Request.get("/request", "Authorization", "Bearer " + token);
        assertEquals(200, send("jwt1", verified, new FakeHttp.Backend()).status());
        assertEquals("jwt_tests_consumer", verified.context().upstreamHeaders().get("X-Consumer-Username"));
        assertEquals(KEY, verified.context().upstreamHeaders().get("X-Credential-Identifier"));
        // Kong logs the credential's id (authenticated_entity.id); its header names the key.
        assertEquals("7e1c4b1a-0000-4000-8000-00000000a001", verified.context().credentialId());
        assertNull(verified.context().upstreamHeaders().get("X-Anonymous-Consumer"));
        // A sub is a user within its issuer (the credential): 123 of one issuer is not 123 of
        // another (the cache's per-user entries; helper review 190).
        FakeHttp.Request withSub = FakeHttp.Request.get(
                "/request", "Authorization", "Bearer " + encode("{\"iss\":\"" + KEY + "\",\"sub\":\"123\"}", SECRET));
        assertEquals(200, send("jwt1", withSub, new FakeHttp.Backend()).status());
        assertEquals("sub:" + KEY + "\n123", withSub.context().subject());

        String kidInHeader = encode(
                "{\"exp\":" + (NOW + 3600) + "}",
                SECRET,
                "{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"" + KEY + "\"}");
        assertEquals(
                200,
                send("jwt10", "/request", "Authorization", "Bearer " + kidInHeader)
                        .status());
        assertEquals(
                200,
                send("jwt9", "/request", "Cookie", "crumble=" + token + "; path=/;domain=.jwt9.com")
                        .status());
        assertEquals(
                200,
                send("jwt9", "/request", "Cookie", "silly=" + token + "; path=/;domain=.jwt9.com")
                        .status());
        assertEquals(200, send("jwt1", "/request/?jwt=" + token).status(), "finds the JWT if given in URL parameters");
        assertEquals(200, send("jwt2", "/request/?token=" + token).status(), "in a custom URL parameter");
        assertEquals(
                200,
                send("jwt9", "/request", "Authorization", "Bearer " + token).status(),
                "reports a 200 without cookies but with a JWT token in the Authorization header");
        assertEquals(
                200,
                send("jwt12", "/request", "CustomAuthorization", "Bearer " + token)
                        .status());
        // header_names [x_jwt] reads X-Jwt, as Kong's get_header (nginx's $http_x_jwt) does.
        assertEquals(200, send("jwt13", "/request", "X-Jwt", token).status());
        assertEquals(200, send("jwt13", "/request", "x_jwt", token).status());
        assertEquals(401, send("jwt13", "/request", "X-Other", token).status());
    }

    // "returns 401 if the JWT found in the cookie does not match a credential",
    // "returns a 401 if the JWT in the cookie is corrupted"
    @Test
    void badCookieTokens() throws Exception {
        FakeHttp.Response unknown = send(
                "jwt9",
                "/request",
                "Cookie",
                "silly=" + encode(payload("incorrect-issuer"), SECRET) + "; path=/;domain=.jwt9.com");
        assertEquals(Map.of("message", "No credentials found for given 'iss'"), body(unknown));
        FakeHttp.Response corrupted = send(
                "jwt9",
                "/request",
                "Cookie",
                "silly=no-way-this-works" + encode(payload(KEY), SECRET) + "; path=/;domain=.jwt9.com");
        assertEquals(401, corrupted.status());
        assertEquals(Map.of("message", "Bad token; invalid JSON"), body(corrupted));
        // Helper review 87: nginx's $cookie_silly finds SILLY too (it compares names without case).
        assertEquals(
                200,
                send("jwt9", "/request", "Cookie", "SILLY=" + encode(payload(KEY), SECRET))
                        .status());
    }

    // Attacker review 236: the container's cookie parser drops a cookie it finds malformed, so the
    // gateway verified the second "silly" while a backend read the first. nginx's $cookie_silly is
    // the first pair of the name in the Cookie lines as sent, whatever its value holds.
    @Test
    void theFirstCookieOfTheNameAsSentIsTheOneVerified() throws Exception {
        String token = encode(payload(KEY), SECRET);
        String forged = encode(payload("someone-else"), "not-the-secret");
        for (String first : List.of(forged + "\u0001", forged + " x", "\u0001" + forged, forged + "\u007f")) {
            FakeHttp.Response r = send("jwt9", "/request", "Cookie", "silly=" + first + "; silly=" + token);
            assertEquals(401, r.status(), first);
        }
        FakeHttp.Response otherCase = send("jwt9", "/request", "Cookie", "SILLY=" + forged + "\u0001; silly=" + token);
        assertEquals(401, otherCase.status());
        // As nginx parses the line: spaces around '=' and after ';', the value up to the next ';'.
        assertEquals(
                200,
                send("jwt9", "/request", "Cookie", "a=1;  silly  =  " + token + ";b=2")
                        .status());
        assertEquals(
                200,
                send("jwt9", "/request", "Cookie", "sillyx=" + forged + "; xsilly=" + forged + "; silly=" + token)
                        .status());
        // A second Cookie line is read after the first.
        FakeHttp.Request twoLines =
                FakeHttp.Request.get("/request").header("Cookie", "a=1").header("Cookie", "silly=" + token);
        assertEquals(200, send("jwt9", twoLines, new FakeHttp.Backend()).status());
        // A name nginx skips ("silly\u0001=") is not the cookie: the next one is, as on Kong.
        assertEquals(
                200,
                send("jwt9", "/request", "Cookie", "silly\u0001=" + forged + "; silly=" + token)
                        .status());
        // An empty first cookie is none, and still nginx's choice: the later token is not read.
        assertEquals(
                401,
                send("jwt9", "/request", "Cookie", "silly=; silly=" + token).status());
        // Attacker review 237: nginx ends a pair at ',' too, so "a=1,silly=FORGED" is its first
        // cookie (as Grizzly's and other parsers read it); a tab around the name, which nginx skips
        // but Go, Node and werkzeug trim, makes a second token, not a pass.
        assertEquals(
                401,
                send("jwt9", "/request", "Cookie", "a=1,silly=" + forged + "; silly=" + token)
                        .status());
        for (String cookie :
                List.of("silly\t=" + forged + "; silly=" + token, "a=1;\tsilly=" + forged + "; silly=" + token)) {
            FakeHttp.Response r = send("jwt9", "/request", "Cookie", cookie);
            assertEquals(Map.of("message", "Multiple tokens provided"), body(r), cookie);
        }
        // nginx's "*start++ != '='": a bare name eats the next character, the ';' too.
        assertEquals(List.of("B"), values("jwt;jwt=A;jwt=B", "jwt"));
        assertEquals(List.of("x,y", "z"), values("JWT = x,y;b=1, jwt=z", "jwt"));
    }

    // Attacker review 238: any other value a backend's cookie parser could read for the name is a
    // second token. Each of these passed with the valid token verified while Go, PHP, Django,
    // werkzeug, Node or Jetty read the forged one.
    @Test
    void aCookieABackendCouldReadInsteadOfTheVerifiedOneIsASecondToken() throws Exception {
        String token = encode(payload(KEY), SECRET);
        String forged = encode(payload("someone-else"), "not-the-secret");
        for (String cookie : List.of(
                "x=1,silly=" + token + "; silly=" + forged, // ';'-only parsers: x is "1,silly=..."
                "x=1, silly=" + token + "; silly=" + forged,
                "a=\"; silly=" + token + "; b=\"; silly=" + forged, // a quoted value swallows a pair
                "\u00a0silly=" + forged + "; silly=" + token, // JavaScript trims U+00A0
                "\u00c2\u00a0silly=" + forged + "; silly=" + token)) { // and Python U+00A0 as UTF-8
            FakeHttp.Response r = send("jwt9", "/request", "Cookie", cookie);
            assertEquals(Map.of("message", "Multiple tokens provided"), body(r), cookie);
        }
        // PHP reads '.', ' ' and '[' in a name as '_', and keeps the first value.
        for (String spelled : List.of("access.token", "access token", "access[token")) {
            FakeHttp.Response r =
                    send("jwt15", "/request", "Cookie", spelled + "=" + forged + "; access_token=" + token);
            assertEquals(Map.of("message", "Multiple tokens provided"), body(r), spelled);
        }
        // A token from a header beside a cookie a backend reads first: another token.
        FakeHttp.Response header =
                send("jwt9", "/request", "Authorization", "Bearer " + token, "Cookie", "x=1,silly=; silly=" + forged);
        assertEquals(Map.of("message", "Multiple tokens provided"), body(header));
        // What a browser sends still passes: other cookies, JSON with commas, attributes copied in.
        for (String cookie : List.of(
                "a=1; silly=" + token + "; b=2",
                "prefs={\"a\":1,\"b\":2}; silly=" + token,
                "silly=" + token + "; path=/;domain=.jwt9.com",
                "silly=" + token + "; silly=" + token)) {
            assertEquals(200, send("jwt9", "/request", "Cookie", cookie).status(), cookie);
        }
    }

    private static List<String> values(String cookie, String name) {
        return TokenSources.cookies(FakeHttp.Request.get("/", "Cookie", cookie).request, name).stream()
                .map(p -> p[1])
                .toList();
    }

    // "finds the JWT in the first header occurrence of a duplicated custom authorization header"
    @Test
    void firstOccurrenceOfADuplicatedHeader() throws Exception {
        FakeHttp.Request r = FakeHttp.Request.get("/request")
                .header("CustomAuthorization", "Bearer " + encode(payload(KEY), SECRET))
                .header("CustomAuthorization", "Bearer other-token");
        assertEquals(200, send("jwt12", r, new FakeHttp.Backend()).status());
    }

    // Attacker review 153: the token verified must be the one a backend reads. A BEARER header (a
    // backend's parser takes any case; Kong reads [Bb]earer only) or a second cookie of the name in
    // another case (nginx takes the first; a backend compares names exactly) beside the verified
    // token is Kong's "Multiple tokens provided"; alone, a BEARER header is no token, as on Kong.
    @Test
    void aTokenABackendWouldReadInsteadIsAnotherToken() throws Exception {
        String token = encode(payload(KEY), SECRET);
        String forged = encode(payload("someone-else"), "not-the-secret");
        FakeHttp.Response shadowed = send("jwt1", "/request/?jwt=" + token, "Authorization", "BEARER " + forged);
        assertEquals(401, shadowed.status());
        assertEquals(Map.of("message", "Multiple tokens provided"), body(shadowed));
        assertEquals(
                Map.of("message", "Unauthorized"),
                body(send("jwt1", "/request", "Authorization", "BEARER " + token)),
                "alone, as on Kong");
        assertEquals(
                200,
                send("jwt1", "/request/?jwt=" + token, "Authorization", "BEARER " + token)
                        .status());
        FakeHttp.Response cookies = send("jwt9", "/request", "Cookie", "SILLY=" + token + "; silly=" + forged);
        assertEquals(Map.of("message", "Multiple tokens provided"), body(cookies));
        assertEquals(
                200,
                send("jwt9", "/request", "Cookie", "SILLY=" + token + "; silly=" + token)
                        .status());
        // The same name twice is a browser's cookies of two paths: nginx's first, as on Kong (attacker review 154).
        assertEquals(
                200,
                send("jwt9", "/request", "Cookie", "silly=" + token + "; silly=" + forged)
                        .status());
        // Attacker review 158: Kong's unanchored [Bb]earer finds the valid token further in; a backend
        // reads the header's own leading token (or its Basic credentials): another token.
        for (String header : List.of("BEARER " + forged + " xBearer " + token, "Basic Zm9vOmJhcg== Bearer " + token)) {
            FakeHttp.Response two = send("jwt1", "/request", "Authorization", header);
            assertEquals(Map.of("message", "Multiple tokens provided"), body(two), header);
        }
        // Kong's own unanchored [Bb]earer finds "bearer x" inside Digest's realm: two tokens, as on Kong.
        assertEquals(
                401,
                send("jwt1", "/request/?jwt=" + token, "Authorization", "Digest realm=\"bearer x\"")
                        .status());
    }

    // "config.anonymous": "works with wrong credentials and anonymous"
    @Test
    void anonymous() throws Exception {
        FakeHttp.Request r = FakeHttp.Request.get("/request");
        assertEquals(200, send("jwt6", r, new FakeHttp.Backend()).status());
        assertEquals("true", r.context().upstreamHeaders().get("X-Anonymous-Consumer"));
        assertEquals("no-body", r.context().upstreamHeaders().get("X-Consumer-Username"));
        assertNull(r.context().upstreamHeaders().get("X-Credential-Identifier"));
        assertNull(r.context().credentialId(), "the anonymous consumer has no credential");
        // Named by the id Kong derives for it (the file gives none).
        FakeHttp.Request byId = FakeHttp.Request.get("/request");
        assertEquals(200, send("jwt6id", byId, new FakeHttp.Backend()).status());
        assertEquals("no-body", byId.context().upstreamHeaders().get("X-Consumer-Username"));
    }

    // 01-jwt_parser_spec.lua, "Decoding": "refuses invalid alg", "accepts a valid encoding request
    // with lowercase TYP", "... with missing TYP"; and Kong's parser refuses another typ
    @Test
    void decoding() throws Exception {
        assertEquals(
                Map.of("message", "Bad token; invalid alg"),
                body(send(
                        "jwt1",
                        "/request",
                        "Authorization",
                        "Bearer " + encode(payload(KEY), SECRET, "{\"typ\":\"JWT\",\"alg\":\"foo\"}"))));
        assertEquals(
                Map.of("message", "Bad token; invalid alg"),
                body(send(
                        "jwt1",
                        "/request",
                        "Authorization",
                        "Bearer " + encode(payload(KEY), SECRET, "{\"typ\":\"JWT\",\"alg\":\"none\"}"))));
        assertEquals(200, statusWithJoseHeader("{\"typ\":\"jwt\",\"alg\":\"HS256\"}"));
        assertEquals(200, statusWithJoseHeader("{\"alg\":\"HS256\"}"));
        // Nor crit: a header a token marks critical is no refusal (helper review 135).
        assertEquals(200, statusWithJoseHeader("{\"alg\":\"HS256\",\"crit\":[\"foo\"],\"foo\":1}"));
        // Kong's parser does not read typ (Kong/kong#4256; helper review 135).
        assertEquals(200, statusWithJoseHeader("{\"typ\":\"at+jwt\",\"alg\":\"HS256\"}"));
        assertEquals(200, statusWithJoseHeader("{\"typ\":7,\"alg\":\"HS256\"}"));
    }

    // Kong's "errors when anonymous user doesn't exist": the file loads; a request that would fall
    // back to the missing consumer gets 500, one with a valid token passes.
    @Test
    void aMissingAnonymousConsumerIs500ForTheRequestsThatWouldFallBackToIt() throws Exception {
        FakeHttp.Response none = send("jwt7", "/request");
        assertEquals(500, none.status());
        assertEquals("An unexpected error occurred", body(none).get("message"));
        assertEquals(
                200,
                send("jwt7", "/request", "Authorization", "Bearer " + encode(payload(KEY), SECRET))
                        .status());
    }

    // Kong's no_consumer: jwt cannot be a consumer's plugin.
    @Test
    void aConsumersJwtPluginIsRefusedAtLoad() {
        IllegalArgumentException scoped = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> TestSnapshots.of("""
                        _format_version: "3.0"
                        consumers:
                          - username: bob
                            plugins: [{name: jwt}]
                        """));
        org.junit.jupiter.api.Assertions.assertTrue(
                scoped.getMessage().contains("cannot be attached to a consumer"), scoped.getMessage());
        // Kong's typedefs.no_consumer: the field attaching it "must be null" (helper review 187).
        org.junit.jupiter.api.Assertions.assertTrue(
                scoped.getMessage().contains("consumer: value must be null"), scoped.getMessage());
    }

    // A request still on the configuration before a reload must not make the next request verify
    // against the old credentials: verify reads the request's own configuration's.
    @Test
    void aTokenIsVerifiedAgainstItsRequestsConfigurationOnly() throws Exception {
        GatewaySnapshot reloaded = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes: [{name: jwt1, paths: [/jwt1], plugins: [{name: jwt}]}]
                consumers: [{username: jwt_tests_consumer}]
                """);
        JwtSchema.Config config = FakeHttp.Request.get("/jwt1")
                .on(reloaded, TestSnapshots.match(reloaded, "jwt1"))
                .context()
                .plugin(JwtSchema.NAME, JwtSchema.Config.class);
        CredentialCache cache = new CredentialCache();
        String token = encode(payload(KEY), SECRET);
        cache.credentials(reloaded.config(), false); // the new request
        cache.credentials(SNAPSHOT.config(), false); // a request still on the old configuration
        KongJwtVerifier.Result result = cache.verify(token, config, reloaded.config(), NOW);
        assertEquals(
                "No credentials found for given 'iss'",
                ((KongJwtVerifier.Rejected) result).message(),
                "the secret was deleted by the reload");
    }
}
