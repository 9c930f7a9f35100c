package com.gitinsight.gateway.security;

import static com.gitinsight.gateway.security.AuthTests.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.http.MultipartForm;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import com.gitinsight.gateway.testing.MultipartBodies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plugin key-auth against Kong 3.9's spec/03-plugins/09-key-auth/02-access_spec.lua (numbers in
 * the names are the digest's cases): statuses, messages, WWW-Authenticate, the upstream's
 * X-Consumer-* headers, and what {@code hide_credentials} leaves of header, query and body.
 */
class KeyAuthFilterTest {

    static final String BOB_KEY_ID = "5f3c5f4a-0000-4000-8000-000000000001";
    static final String NO_BODY = "22222222-2222-4222-8222-222222222222";

    static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: svc
                url: http://127.0.0.1:9
                routes:
                  - {name: ka1, paths: [/ka1], plugins: [{name: key-auth}]}
                  - {name: ka2, paths: [/ka2], plugins: [{name: key-auth, config: {hide_credentials: true, realm: test-realm}}]}
                  - {name: ka3, paths: [/ka3], plugins: [{name: key-auth, config: {anonymous: %s}}]}
                  - {name: ka5, paths: [/ka5], plugins: [{name: key-auth, config: {key_in_body: true}}]}
                  - name: ka6
                    paths: [/ka6]
                    plugins: [{name: key-auth, config: {key_in_body: true, hide_credentials: true}}]
                  - {name: ka7, paths: [/ka7], plugins: [{name: key-auth, config: {run_on_preflight: false}}]}
                  - {name: ka8, paths: [/ka8], plugins: [{name: key-auth, config: {key_names: [api_key]}}]}
                  - {name: ka9, paths: [/ka9], plugins: [{name: key-auth, config: {key_names: [api-key]}}]}
                  - {name: ka-none, paths: [/ka-none], plugins: [{name: key-auth, config: {key_names: []}}]}
                  - {name: ka10, paths: [/ka10], plugins: [{name: key-auth, config: {anonymous: no-body}}]}
                  - {name: two, paths: [/two], plugins: [{name: key-auth, config: {key_names: [first, second]}}]}
                  - {name: m_ttt, paths: [/ttt], plugins: [{name: key-auth, config: {key_in_body: true}}]}
                  - {name: m_ttf, paths: [/ttf], plugins: [{name: key-auth}]}
                  - name: m_tft
                    paths: [/tft]
                    plugins: [{name: key-auth, config: {key_in_query: false, key_in_body: true}}]
                  - {name: m_tff, paths: [/tff], plugins: [{name: key-auth, config: {key_in_query: false}}]}
                  - name: m_ftt
                    paths: [/ftt]
                    plugins: [{name: key-auth, config: {key_in_header: false, key_in_body: true}}]
                  - {name: m_ftf, paths: [/ftf], plugins: [{name: key-auth, config: {key_in_header: false}}]}
                  - name: m_fft
                    paths: [/fft]
                    plugins: [{name: key-auth, config: {key_in_header: false, key_in_query: false, key_in_body: true}}]
                  - name: m_fff
                    paths: [/fff]
                    plugins: [{name: key-auth, config: {key_in_header: false, key_in_query: false}}]
            consumers:
              - username: bob
                tags: [gold]
                keyauth_credentials: [{key: kong, id: %s}]
              - username: no-body
                id: %s
                tags: [guest]
              - username: late
                keyauth_credentials: [{key: expired-key, ttl: 30, created_at: 1000}]
              - username: generated
                keyauth_credentials: [{tags: [no-key-given]}]
            """.formatted(NO_BODY, BOB_KEY_ID, NO_BODY));

    private final KeyAuthFilter filter = new KeyAuthFilter();

    private FakeHttp.Response send(String route, FakeHttp.Request request) throws Exception {
        return AuthTests.run(SNAPSHOT, route, request, new FakeHttp.Backend(), filter);
    }

    private FakeHttp.Response get(String route, String uri, String... headers) throws Exception {
        return send(route, FakeHttp.Request.get(uri, headers));
    }

    private static void assert401(FakeHttp.Response r, String message, String challenge) throws Exception {
        assertEquals(401, r.status());
        assertEquals(message, message(r));
        assertEquals(challenge, r.header("WWW-Authenticate"));
    }

    /** The consumer's entity fields reach the identity the log record writes, the anonymous one's too. */
    @Test
    void theConsumersEntityReachesTheIdentityAnonymousToo() throws Exception {
        FakeHttp.Request bob = FakeHttp.Request.get("/request?apikey=kong");
        assertEquals(200, send("ka1", bob).status());
        assertEquals(
                java.util.List.of("gold"), bob.context().identity().entity().tags());
        FakeHttp.Request anonymous = FakeHttp.Request.get("/status/200");
        assertEquals(200, send("ka3", anonymous).status());
        assertEquals(
                java.util.List.of("guest"),
                anonymous.context().identity().entity().tags());
    }

    @Test
    void case01And02PreflightIsAuthenticatedUnlessRunOnPreflightIsOff() throws Exception {
        assertEquals(
                200, send("ka7", FakeHttp.Request.of("OPTIONS", "/status/200")).status());
        assert401(send("ka1", FakeHttp.Request.of("OPTIONS", "/status/200")), KeyAuthFilter.NO_KEY, "Key");
    }

    @Test
    void case03To07NoKeyEmptyKeyAndAFlagAreNoKey() throws Exception {
        assert401(get("ka1", "/status/200"), "No API key found in request", "Key");
        assert401(get("ka1", "/status/200", "apikey", ""), "No API key found in request", "Key");
        assert401(get("ka2", "/status/200", "apikey", ""), "No API key found in request", "Key realm=\"test-realm\"");
        // Kong's schema takes key_names: [] (no len_min): no name, so never a key (helper review 141).
        assert401(get("ka-none", "/status/200", "apikey", "kong"), "No API key found in request", "Key");
        assert401(get("ka1", "/status/200?apikey"), "No API key found in request", "Key");
        assert401(get("ka1", "/status/200?apikey="), "No API key found in request", "Key");
    }

    @Test
    void case08And19AValidKeyInQueryOrHeaderPasses() throws Exception {
        assertEquals(200, get("ka1", "/request?apikey=kong").status());
        assertEquals(200, get("ka1", "/request", "apikey", "kong").status());
        assertEquals(200, get("ka1", "/request", "APIKEY", "kong").status(), "header names have no case");
    }

    @Test
    void case09And19AWrongKeyIsUnauthorized() throws Exception {
        assert401(get("ka1", "/status/200?apikey=123"), "Unauthorized", "Key");
        assert401(get("ka1", "/request", "apikey", "123"), "Unauthorized", "Key");
        assert401(get("ka1", "/request?apikey=KONG"), "Unauthorized", "Key");
    }

    @Test
    void case10DuplicateKeysInQueryOrHeader() throws Exception {
        assert401(get("ka1", "/status/200?apikey=kong&apikey=kong"), "Duplicate API key found", "Key");
        assert401(get("ka1", "/status/200", "apikey", "kong", "apikey", "kong"), "Duplicate API key found", "Key");
    }

    @Test
    void aRefusedDuplicateKeyIsStillNeverLogged() throws Exception {
        // The 401 is logged too: its record must not show the key either.
        FakeHttp.Request query = FakeHttp.Request.get("/status/200?apikey=kong&apikey=kong");
        assert401(send("ka1", query), "Duplicate API key found", "Key");
        assertTrue(query.context().credentialArguments().contains("apikey"));
        FakeHttp.Request header = FakeHttp.Request.get("/status/200", "apikey", "kong", "apikey", "kong");
        assert401(send("ka1", header), "Duplicate API key found", "Key");
        assertTrue(header.context().credentialHeaders().contains("apikey"));
    }

    @Test
    void anExpiredKeyIsUnauthorizedAndAKeylessCredentialGetsAnUnguessableOne() throws Exception {
        assert401(get("ka1", "/r?apikey=expired-key"), "Unauthorized", "Key");
        String generated = SNAPSHOT.config().consumers().stream()
                .filter(c -> "generated".equals(c.username()))
                .findFirst()
                .orElseThrow()
                .keyAuths()
                .get(0)
                .key();
        assertTrue(generated.matches("[A-Za-z0-9]{32}"), "32 random characters like Kong's");
        assertEquals(200, get("ka1", "/r?apikey=" + generated).status());
    }

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json";

    @Test
    void case11To14KeyInBodyFormAndJson() throws Exception {
        assertEquals(200, send("ka5", post(FORM, "apikey=kong")).status());
        // A body that ends before its Content-Length (the client went away) is not taken as whole.
        FakeHttp.Backend backend = new FakeHttp.Backend();
        FakeHttp.Response cut = AuthTests.run(
                SNAPSHOT,
                "ka5",
                FakeHttp.Request.of("POST", "/r")
                        .header("Content-Type", FORM)
                        .header("Content-Length", "100")
                        .body("apikey=kong".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                backend,
                filter);
        assertEquals(400, cut.status());
        assertEquals(0, backend.calls());
        assertEquals(200, send("ka5", post(JSON, "{\"apikey\":\"kong\"}")).status());
        assertEquals(
                200, send("ka5", post(FORM + "; charset=UTF-8", "apikey=kong")).status());
        assertEquals(
                200,
                send("ka5", post("/request?apikey=kong", FORM, "non_apikey=kong"))
                        .status());
        assertEquals(
                200,
                send(
                                "ka5",
                                post("/request?apikey=kong", JSON, "{\"non_apikey\":\"kong\"}")
                                        .header("apikey", "kong"))
                        .status());
        assert401(send("ka5", post(FORM, "apikey=123")), "Unauthorized", "Key");
        assert401(send("ka5", post(JSON, "{\"apikey\":\"123\"}")), "Unauthorized", "Key");
    }

    @Test
    void case15To18DuplicatesAndOtherShapesInTheBody() throws Exception {
        assert401(send("ka5", post(JSON, "{\"apikey\":[\"kong\",\"kong\"]}")), "Duplicate API key found", "Key");
        assert401(send("ka5", post(FORM, "apikey=kong&apikey=kong")), "Duplicate API key found", "Key");
        assert401(send("ka5", post(FORM, "apikey[]=kong&apikey[]=kong")), "No API key found in request", "Key");
        assert401(send("ka5", post(FORM, "apikey[1]=kong&apikey[1]=kong")), "No API key found in request", "Key");
        assert401(send("ka5", post(JSON, "{\"apikey\":123}")), "No API key found in request", "Key");
        assert401(send("ka5", post(JSON, "not json")), "No API key found in request", "Key");
    }

    private static final String MULTIPART = "multipart/form-data; boundary=b0undary";

    private static String multipart(String... nameThenValue) {
        return MultipartBodies.of("b0undary", nameThenValue);
    }

    @Test
    void aMultipartBodyIsSearchedAsKongReadsIt() throws Exception {
        // Kong's spec runs key_in_body with form, JSON and multipart/form-data bodies alike.
        FakeHttp.Request found = post(MULTIPART, multipart("foo", "bar", "apikey", "kong"));
        assertEquals(200, send("ka5", found).status());
        assertEquals(
                multipart("foo", "bar", "apikey", "kong"),
                upstreamBody(found.context()),
                "hide_credentials off: the body reaches the backend as sent");
        assertEquals(
                200,
                send("ka5", post("Multipart/Form-Data; boundary=\"b0undary\"", multipart("apikey", "kong")))
                        .status(),
                "the type in any case, the boundary quoted");
        assert401(send("ka5", post(MULTIPART, multipart("apikey", "123"))), "Unauthorized", "Key");
        assert401(
                send("ka5", post(MULTIPART, multipart("apikey", "kong", "apikey", "kong"))),
                "Duplicate API key found",
                "Key");
        assert401(send("ka5", post(MULTIPART, multipart("other", "kong"))), "No API key found in request", "Key");
    }

    @Test
    void aMultipartBodyThatDoesNotParseHasNoKeyAndReachesTheBackendAsSent() throws Exception {
        String truncated = "--b0undary\r\nContent-Disposition: form-data; name=\"apikey\"\r\n\r\nkong";
        FakeHttp.Request request = post(MULTIPART, truncated);
        assert401(send("ka5", request), "No API key found in request", "Key");
        assertEquals(truncated, upstreamBody(request.context()));
        assert401(
                send("ka5", post("multipart/form-data", multipart("apikey", "kong"))),
                "No API key found in request",
                "Key");
    }

    @Test
    void aBoundaryThatCannotBeDecodedIsNoKeyNotAnError() throws Exception {
        assert401(
                send("ka5", post("multipart/form-data; boundary==?UTF-8?B?A?=", multipart("apikey", "kong"))),
                "No API key found in request",
                "Key");
    }

    @Test
    void hideCredentialsRemovesTheKeyPartKeepingTheOtherPartsAndTheBoundary() throws Exception {
        String file = "--b0undary\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nline one\r\nline two\r\n";
        FakeHttp.Request request = post(
                MULTIPART,
                "--b0undary\r\nContent-Disposition: form-data; name=\"apikey\"\r\n\r\nkong\r\n" + file
                        + "--b0undary\r\nContent-Disposition: form-data; name=\"foo\"\r\n\r\nbar\r\n--b0undary--\r\n");
        assertEquals(200, send("ka6", request).status());
        String sent = upstreamBody(request.context());
        assertFalse(sent.contains("kong"), sent);
        assertFalse(sent.contains("apikey"), sent);
        MultipartForm parsed = MultipartForm.parse(sent.getBytes(StandardCharsets.UTF_8), MULTIPART);
        assertEquals("bar", parsed.first("foo"), "the body keeps its type: it parses with the same boundary");
        assertEquals("line one\r\nline two", parsed.first("doc"));
        assertTrue(sent.toLowerCase(java.util.Locale.ROOT).contains("filename=\"a.txt\""), sent);
        assertTrue(sent.toLowerCase(java.util.Locale.ROOT).contains("content-type: text/plain"), sent);
        assertEquals(sent.length(), request.context().upstreamBodyLength());
    }

    @Test
    void aPartsTransferEncodingIsNotAppliedAndNotKeptWhenTheBodyIsWrittenAgain() throws Exception {
        FakeHttp.Request request = post(
                MULTIPART,
                "--b0undary\r\nContent-Disposition: form-data; name=\"apikey\"\r\n\r\nkong\r\n"
                        + "--b0undary\r\nContent-Disposition: form-data; name=\"note\"\r\n"
                        + "Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n--b0undary--\r\n");
        assertEquals(200, send("ka6", request).status());
        String sent = upstreamBody(request.context());
        assertFalse(sent.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), sent);
        assertEquals(
                "caf=C3=A9", // as Kong's multipart library reads it (not decoded), and as its set_body writes it
                MultipartForm.parse(sent.getBytes(StandardCharsets.UTF_8), MULTIPART)
                        .value("note"));
    }

    @Test
    void case21And22AnUnderscoreNameAlsoMatchesTheDashHeaderButNotTheOtherWayRound() throws Exception {
        assertEquals(200, get("ka8", "/r", "api_key", "kong").status());
        assertEquals(200, get("ka8", "/r", "api-key", "kong").status());
        assert401(get("ka8", "/r", "api_key", "123"), "Unauthorized", "Key");
        assert401(get("ka8", "/r", "api-key", "123"), "Unauthorized", "Key");
        assertEquals(200, get("ka9", "/r", "api-key", "kong").status());
        assert401(get("ka9", "/r", "api_key", "kong"), "No API key found in request", "Key");
    }

    @Test
    void keyNamesAreTriedInOrderAndTheFirstWithAValueDecides() throws Exception {
        assertEquals(200, get("two", "/r?second=kong").status());
        assert401(get("two", "/r?first=wrong&second=kong"), "Unauthorized", "Key");
        assert401(get("two", "/r?second=kong", "first", "wrong"), "Unauthorized", "Key");
        assertEquals(200, get("two", "/r?first=kong", "second", "wrong").status());
    }

    @Test
    void case23And31TheUpstreamLearnsTheConsumerAndTheCredential() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/request?apikey=kong", "X-Consumer-Username", "spoofed");
        assertEquals(200, send("ka3", request).status());
        Map<String, String> up = request.context().upstreamHeaders();
        assertEquals("bob", up.get("X-Consumer-Username"));
        assertEquals(BOB_KEY_ID, up.get("X-Credential-Identifier"));
        assertTrue(up.containsKey("X-Anonymous-Consumer"));
        assertNull(up.get("X-Anonymous-Consumer"));
        assertTrue(request.context().credentialAuthenticated());
        assertEquals(request.context().consumer(), up.get("X-Consumer-ID"));
    }

    @Test
    void aDerivedCredentialIdIsStableAcrossLoadsAndDoesNotShowTheKey() throws Exception {
        String yaml = """
                _format_version: "3.0"
                services: [{name: s, url: "http://127.0.0.1:9", routes: [{name: r, paths: [/r], plugins: [{name: key-auth}]}]}]
                consumers: [{username: u, keyauth_credentials: [{key: some-key}]}]
                """;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            GatewaySnapshot s = TestSnapshots.of(yaml);
            FakeHttp.Request request = FakeHttp.Request.get("/r?apikey=some-key");
            assertEquals(
                    200,
                    AuthTests.run(s, "r", request, new FakeHttp.Backend(), new KeyAuthFilter())
                            .status());
            ids.add(request.context().upstreamHeaders().get("X-Credential-Identifier"));
        }
        assertEquals(ids.get(0), ids.get(1));
        assertTrue(ids.get(0).matches("[0-9a-f-]{36}") && !ids.get(0).contains("some-key"), ids.get(0));
    }

    @Test
    void case32And33AnonymousByIdAndByUsername() throws Exception {
        for (String route : new String[] {"ka3", "ka10"}) {
            FakeHttp.Request request = FakeHttp.Request.get("/request");
            assertEquals(200, send(route, request).status());
            Map<String, String> up = request.context().upstreamHeaders();
            assertEquals("true", up.get("X-Anonymous-Consumer"));
            assertEquals("no-body", up.get("X-Consumer-Username"));
            assertEquals(NO_BODY, up.get("X-Consumer-ID"));
            assertNull(up.get("X-Credential-Identifier"));
            assertFalse(request.context().credentialAuthenticated());
        }
        FakeHttp.Request wrong = FakeHttp.Request.get("/request?apikey=wrong");
        assertEquals(200, send("ka3", wrong).status(), "a wrong key falls back too, without a 401");
        assertEquals("true", wrong.context().upstreamHeaders().get("X-Anonymous-Consumer"));
    }

    @Test
    void case34AMissingAnonymousConsumerIsKong39s500() throws Exception {
        // Refused at load (KongFilesTest); a configuration built without the parser still answers as Kong 3.9.
        KeyAuthSchema.Config config =
                KeyAuthSchema.Config.of(List.of("apikey"), false, "nobody-here", true, true, false, true, null);
        FakeHttp.Request request = FakeHttp.Request.get("/request").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "ka1"));
        FakeHttp.Response response = new FakeHttp.Response();
        FakeHttp.Backend backend = new FakeHttp.Backend();
        filter.apply(config, request.context(), request.request, response.response, backend);
        assertEquals(500, response.status());
        assertEquals("An unexpected error occurred", message(response));
        assertEquals(0, backend.calls());
    }

    @Test
    void case24WithoutHideCredentialsEverythingIsForwardedAsSent() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/request?c=value1&b=value2&apikey=kong&a=value3");
        assertEquals(200, send("ka1", request).status());
        assertNull(request.context().upstreamQuery(), "case 28: the query byte for byte");
        FakeHttp.Request header = FakeHttp.Request.get("/request", "apikey", "kong");
        send("ka1", header);
        assertFalse(header.context().upstreamHeaders().containsKey("apikey"));
        String body = "apikey=kong&x=%41";
        FakeHttp.Request form = post(FORM, body);
        assertEquals(200, send("ka5", form).status());
        assertEquals(body, upstreamBody(form.context()), "the body read reaches the backend intact");
    }

    @Test
    void case25And29HideCredentialsRemovesTheKeyFromHeaderAndQueryKeepingTheOrder() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/request?c=value1&b=value2&apikey=kong&a=value3");
        assertEquals(200, send("ka2", request).status());
        assertEquals("c=value1&b=value2&a=value3", request.context().upstreamQuery());
        FakeHttp.Request only = FakeHttp.Request.get("/request?apikey=kong");
        send("ka2", only);
        assertEquals("", only.context().upstreamQuery(), "no '?' left");
        FakeHttp.Request header = FakeHttp.Request.get("/request", "apikey", "kong");
        send("ka2", header);
        assertTrue(header.context().upstreamHeaders().containsKey("apikey"));
        assertNull(header.context().upstreamHeaders().get("apikey"), "the header is dropped");
    }

    @Test
    void case30AnEscapedNameIsTheSameNameAndOtherArgumentsStayAsWritten() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/request?c=valu%651&b=value2&api%6B%65%79=kong&a=valu%653");
        assertEquals(200, send("ka2", request).status());
        // Documented difference: Kong 3.9 re-encodes the others (c=value1...); they are kept as sent here.
        assertEquals("c=valu%651&b=value2&a=valu%653", request.context().upstreamQuery());
    }

    @Test
    void case25And26HideCredentialsRemovesTheKeyFromTheBodyKeepingItsType() throws Exception {
        FakeHttp.Request form = post(FORM, "apikey=kong&foo=bar");
        assertEquals(200, send("ka6", form).status());
        assertEquals("foo=bar", upstreamBody(form.context()));
        FakeHttp.Request json = post(JSON, "{\"apikey\":\"kong\",\"foo\":\"bar\"}");
        assertEquals(200, send("ka6", json).status());
        assertEquals("{\"foo\":\"bar\"}", upstreamBody(json.context()));
        FakeHttp.Request inHeader = post(FORM, "apikey=kong&foo=bar").header("apikey", "kong");
        assertEquals(200, send("ka6", inHeader).status());
        assertEquals("foo=bar", upstreamBody(inHeader.context()), "cleared in the body wherever it was found");
        assertNull(inHeader.context().upstreamHeaders().get("apikey"));
    }

    // Helper review 262: the other arguments of a form body reach the backend as their bytes came,
    // a raw byte that spells no UTF-8 too (Kong's ngx.encode_args keeps its value).
    @Test
    void hideCredentialsKeepsTheOtherFormArgumentsBytes() throws Exception {
        byte[] body =
                "apikey=kong&name=Jos\u00e9&city=Z%C3%BCrich&x=\u00ff\u0080".getBytes(StandardCharsets.ISO_8859_1);
        FakeHttp.Request form = FakeHttp.Request.of("POST", "/request")
                .header("Content-Type", FORM)
                .header("Content-Length", String.valueOf(body.length))
                .body(body);
        assertEquals(200, send("ka6", form).status());
        byte[] sent = form.context().upstreamBody().readAllBytes();
        assertArrayEquals("name=Jos\u00e9&city=Z%C3%BCrich&x=\u00ff\u0080".getBytes(StandardCharsets.ISO_8859_1), sent);
        assertEquals(sent.length, form.context().upstreamBodyLength());
    }

    @Test
    void case27AnUnsupportedBodyIsNoKeyAndIsNotTouched() throws Exception {
        FakeHttp.Request request = post("text/plain", "foobar");
        assert401(send("ka6", request), "No API key found in request", "Key");
        assertNull(request.context().upstreamBody());
    }

    @Test
    void aBodyOverTheBoundIsNotSearchedAndReachesTheBackendIntact() throws Exception {
        String big = "apikey=kong&pad=" + "x".repeat(BodyArgs.MAX_BYTES);
        FakeHttp.Request sized = post(FORM, big);
        assert401(send("ka5", sized), "No API key found in request", "Key");
        assertNull(sized.context().upstreamBody(), "not read at all");
        assertArrayEquals(big.getBytes(StandardCharsets.UTF_8), sized.unread());

        FakeHttp.Request chunked =
                FakeHttp.Request.of("POST", "/request?apikey=kong").body(FORM, big, true);
        assertEquals(200, send("ka6", chunked).status());
        assertEquals(-1, chunked.context().upstreamBodyLength());
        assertEquals(big, upstreamBody(chunked.context()), "what was read, then the rest of the stream");

        String fits = "apikey=kong&pad=" + "x".repeat(BodyArgs.MAX_BYTES - 16);
        assertEquals(BodyArgs.MAX_BYTES, fits.length());
        assertEquals(
                200,
                send("ka5", FakeHttp.Request.of("POST", "/r").body(FORM, fits, true))
                        .status());
    }

    /** Case 44: the location matrix, every combination of flags and of right, wrong or absent keys. */
    @Test
    void case44LocationMatrix() throws Exception {
        String[] values = {"kong", "wrong", null};
        int checked = 0;
        for (String flags : new String[] {"ttt", "ttf", "tft", "tff", "ftt", "ftf", "fft", "fff"}) {
            for (String header : values) {
                for (String query : values) {
                    for (String body : values) {
                        String[] located = {
                            flags.charAt(0) == 't' ? header : null,
                            flags.charAt(1) == 't' ? query : null,
                            flags.charAt(2) == 't' ? body : null
                        };
                        String decides = null;
                        for (String v : located) {
                            if (v != null) {
                                decides = v;
                                break;
                            }
                        }
                        FakeHttp.Request request = FakeHttp.Request.of(
                                        "POST", "/" + flags + (query == null ? "" : "?apikey=" + query))
                                .body(FORM, body == null ? "other=1" : "apikey=" + body);
                        if (header != null) {
                            request.header("apikey", header);
                        }
                        FakeHttp.Response r = send("m_" + flags, request);
                        String what = flags + " header=" + header + " query=" + query + " body=" + body;
                        if ("kong".equals(decides)) {
                            assertEquals(200, r.status(), what);
                        } else {
                            assertEquals(401, r.status(), what);
                            assertEquals(decides == null ? KeyAuthFilter.NO_KEY : "Unauthorized", message(r), what);
                            assertEquals("Key", r.header("WWW-Authenticate"), what);
                        }
                        checked++;
                    }
                }
            }
        }
        assertEquals(216, checked);
    }

    private static FakeHttp.Request post(String type, String body) {
        return post("/request", type, body);
    }

    private static FakeHttp.Request post(String uri, String type, String body) {
        return FakeHttp.Request.of("POST", uri).body(type, body);
    }

    static String upstreamBody(RequestContext context) throws Exception {
        return new String(context.upstreamBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    // Helper review 85: a key in a header is the bytes sent (a container decodes them one char
    // per byte); in the query, the bytes its escapes spell.
    @Test
    void aNonAsciiKeyIsComparedAsTheBytesSent() throws Exception {
        GatewaySnapshot s = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - {name: k, paths: [/k], plugins: [{name: key-auth}]}
                consumers:
                  - username: u
                    keyauth_credentials: [{key: "clé-ü"}]
                """);
        String asSent = new String(
                "clé-ü".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(
                200,
                AuthTests.run(s, "k", FakeHttp.Request.get("/k", "apikey", asSent), new FakeHttp.Backend(), filter)
                        .status());
        assertEquals(
                200,
                AuthTests.run(s, "k", FakeHttp.Request.get("/k?apikey=cl%C3%A9-%C3%BC"), new FakeHttp.Backend(), filter)
                        .status());
        assert401(
                AuthTests.run(s, "k", FakeHttp.Request.get("/k", "apikey", "clé-ü"), new FakeHttp.Backend(), filter),
                "Unauthorized",
                "Key");
    }
}
