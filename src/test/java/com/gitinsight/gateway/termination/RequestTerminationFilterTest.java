package com.gitinsight.gateway.termination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plugin request-termination against Kong's spec/03-plugins/14-request-termination (01-schema,
 * 02-access; HTTP, not gRPC): the bodies are kong.response.exit's, exactly.
 */
class RequestTerminationFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static GatewaySnapshot snapshot(String config) {
        return TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://backend.internal:8080/base
                    routes:
                      - name: r
                        hosts: [api9.request-termination.test]
                        paths: [/]
                        plugins:
                          - name: request-termination
                            config: %s
                """.formatted(config));
    }

    /** The response, or null when the request went on to the backend. */
    private static FakeHttp.Response send(String config, FakeHttp.Request request) throws Exception {
        GatewaySnapshot s = snapshot(config);
        request.on(s, TestSnapshots.match(s, "r"));
        return apply(request);
    }

    /** The plugin applied to a request already on its route; null when it went on to the backend. */
    private static FakeHttp.Response apply(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        FakeHttp.Backend backend = new FakeHttp.Backend();
        new RequestTerminationFilter()
                .apply(
                        request.context().plugin(RequestTerminationSchema.NAME, RequestTerminationSchema.Config.class),
                        request.context(),
                        request.request,
                        response.response,
                        backend);
        return backend.calls() == 1 ? null : response;
    }

    private static FakeHttp.Response get(String config) throws Exception {
        return send(config, FakeHttp.Request.get("/status/200"));
    }

    private static FakeHttp.Response get(String config, String... headers) throws Exception {
        return send(config, FakeHttp.Request.get("/status/200", headers));
    }

    private static String refusal(String config) {
        return assertThrows(IllegalArgumentException.class, () -> snapshot(config))
                .getMessage();
    }

    @Test
    void byDefaultA503WithKongsMessageExactly() throws Exception {
        FakeHttp.Response r = get("{}");
        assertEquals(503, r.status());
        assertEquals("{\"message\":\"Service unavailable\"}", r.text());
        assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
    }

    @Test
    void aStatusGetsThePluginsDefaultMessageOrTheConfiguredOne() throws Exception {
        assertEquals("{\"message\":\"Not found\"}", get("{status_code: 404}").text());
        FakeHttp.Response invalid = get("{status_code: 406, message: Invalid}");
        assertEquals(406, invalid.status());
        assertEquals("{\"message\":\"Invalid\"}", invalid.text());
        // The plugin's own table, not the gateway's error messages.
        assertEquals("{\"message\":\"Bad Gateway\"}", get("{status_code: 502}").text());
    }

    // Kong's PDK test "response.exit() has no default content" uses a status nginx has no page for.
    @Test
    void aStatusWithoutADefaultMessageHasNoBody() throws Exception {
        FakeHttp.Response r = get("{status_code: 418}");
        assertEquals(418, r.status());
        assertEquals("", r.text());
        assertEquals("0", r.header("Content-Length"));
        assertEquals("", get("{status_code: 456}").text());
    }

    // Helper review 285: kong.response.exit(status) with no body ends in ngx.exit(status), so nginx
    // answers with its own content: Kong's error handler for the statuses its error_page names,
    // nginx's HTML page for the others it has one for.
    @Test
    void withoutAMessageNginxsOwnContentIsSentAsKongSendsIt() throws Exception {
        FakeHttp.Response forbidden = get("{status_code: 403}");
        assertEquals(403, forbidden.status());
        assertEquals("text/html", forbidden.header("Content-Type"));
        assertEquals(
                "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
                        + "<center><h1>403 Forbidden</h1></center>\r\n<hr><center>openresty</center>\r\n"
                        + "</body>\r\n</html>\r\n",
                forbidden.text());
        assertEquals(String.valueOf(forbidden.text().length()), forbidden.header("Content-Length"));
        assertTrue(get("{status_code: 429}").text().contains("<title>429 Too Many Requests</title>"));
        FakeHttp.Response tooLong = get("{status_code: 411}");
        assertEquals(411, tooLong.status());
        assertTrue(tooLong.text().contains("Length required"), tooLong.text());
        assertTrue(get("{status_code: 504}").text().contains("The upstream server is timing out"));
        // Kong's error handler sends nginx's 494 as 400 (attacker review 292).
        FakeHttp.Response headerTooLarge = get("{status_code: 494}");
        assertEquals(400, headerTooLarge.status());
        assertTrue(headerTooLarge.text().contains("Request header or cookie too large"), headerTooLarge.text());
        // nginx's msie_padding: for a client it takes for MSIE or Chrome (not Firefox: "Gecko/").
        String padding = "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n".repeat(6);
        String chrome =
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assertEquals(
                forbidden.text() + padding,
                get("{status_code: 403}", "User-Agent", chrome).text());
        assertEquals(
                forbidden.text() + padding,
                get("{status_code: 403}", "User-Agent", "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT)")
                        .text());
        assertEquals(
                forbidden.text(),
                get("{status_code: 403}", "User-Agent", "Mozilla/5.0 (X11; rv:120.0) Gecko/20100101 Firefox/120.0")
                        .text());
        assertEquals(
                forbidden.text(),
                get("{status_code: 403}", "User-Agent", "Opera/9.80 (MSIE 6.0) Chrome/1")
                        .text());
        assertTrue(!get("{status_code: 301}", "User-Agent", chrome).text().contains("padding"), "errors only");
        // A message given is still the message.
        assertEquals(
                "{\"message\":\"go away\"}",
                get("{status_code: 403, message: go away}").text());
    }

    @Test
    void a204HasNoContentLength() throws Exception {
        FakeHttp.Response r = get("{status_code: 204}");
        assertEquals(204, r.status());
        assertNull(r.header("Content-Length"));
    }

    // Helper review 285: nginx's header filter clears a 204's Content-Type, so Kong sends none
    // whatever message, body or content_type the plugin has.
    @Test
    void a204HasNoContentTypeWhateverTheConfigurationSays() throws Exception {
        for (String config : List.of(
                "{status_code: 204, message: gone}",
                "{status_code: 204, body: x, content_type: text/plain}",
                "{status_code: 204, echo: true}")) {
            FakeHttp.Response r = get(config);
            assertEquals(204, r.status(), config);
            assertNull(r.header("Content-Type"), config);
            assertEquals("", r.text(), config);
        }
    }

    @Test
    void aBodyIsSentRawWithItsContentTypeOrNone() throws Exception {
        String page = "<html><body><h1>Service is down for maintenance</h1></body></html>";
        FakeHttp.Response r = get("{body: \"" + page + "\"}");
        assertEquals(503, r.status());
        assertEquals(page, r.text());
        assertNull(r.header("Content-Type"));
        FakeHttp.Response typed = get("{status_code: 451, content_type: text/html, body: \"<h1>451</h1>\"}");
        assertEquals(451, typed.status());
        assertEquals("<h1>451</h1>", typed.text());
        assertEquals("text/html", typed.header("Content-Type"));
        JsonNode json = JSON.readTree(get("{body: '{\"code\": 1, \"message\": \"Service unavailable\"}'}")
                .text());
        assertEquals(1, json.get("code").asInt());
    }

    @Test
    void theEchoShowsTheRequestAndTheMatchedRouteAndService() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get(
                        "/status/200?hello=there", "Host", "api9.request-termination.test")
                .body("cool body");
        FakeHttp.Response r = send("{echo: true, status_code: 404}", request);
        assertEquals(404, r.status());
        JsonNode echo = JSON.readTree(r.text());
        assertEquals("Not found", echo.get("message").asText());
        JsonNode req = echo.get("request");
        assertEquals("http", req.get("scheme").asText());
        assertEquals("api9.request-termination.test", req.get("host").asText());
        assertEquals(8000, req.get("port").asInt());
        assertEquals("GET", req.get("method").asText());
        assertEquals("/status/200", req.get("path").asText());
        assertEquals("there", req.get("query").get("hello").asText());
        assertEquals("cool body", req.get("raw_body").asText());
        assertEquals("9", req.get("headers").get("content-length").asText());
        assertEquals(
                "api9.request-termination.test", req.get("headers").get("host").asText());
        assertFalse(req.has("body"), "a text body is not parsed");
        assertEquals(
                "api9.request-termination.test",
                echo.get("matched_route").get("hosts").get(0).asText());
        assertEquals("backend.internal", echo.get("matched_service").get("host").asText());
        // Helper review 92: Kong echoes the entities: their ids, the route's service key and its
        // https_redirect_status_code.
        assertEquals(36, echo.get("matched_route").get("id").asText().length());
        assertEquals(
                echo.get("matched_service").get("id"),
                echo.get("matched_route").get("service").get("id"));
        assertEquals(
                426, echo.get("matched_route").get("https_redirect_status_code").asInt());
        // The rest of the route entity, Kong's defaults where the file says nothing.
        assertEquals(
                "[\"http\",\"https\"]",
                echo.get("matched_route").get("protocols").toString());
        assertTrue(echo.get("matched_route").get("response_buffering").asBoolean(false));
        assertTrue(echo.get("kong").has("node_id"));
    }

    /** The echo's uri_captures for {@code path} on a route whose one path is {@code regex}. */
    private JsonNode captures(String regex, String path) throws Exception {
        GatewaySnapshot s = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://backend.internal:8080
                    routes:
                      - name: r
                        paths: ['%s']
                        strip_path: false
                        plugins: [{name: request-termination, config: {echo: true}}]
                """.formatted(regex));
        FakeHttp.Request request = FakeHttp.Request.get(path);
        request.on(s, TestSnapshots.match(s, "r"));
        return JSON.readTree(apply(request).text()).get("request").get("uri_captures");
    }

    /** The echoed route entity: methods as written (Kong keeps them so), and the redirect status configured. */
    @Test
    void theEchoedRouteHasItsMethodsAsWrittenAndItsRedirectStatus() throws Exception {
        GatewaySnapshot s = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://backend.internal:8080
                    tags: [billing]
                    routes:
                      - name: r
                        paths: [/]
                        methods: [POST, GET, PUT, DELETE, PATCH, OPTIONS]
                        https_redirect_status_code: 301
                        protocols: [http, https]
                        snis: [api.example.com]
                        plugins: [{name: request-termination, config: {echo: true}}]
                """);
        FakeHttp.Request request = FakeHttp.Request.get("/x");
        request.on(s, TestSnapshots.match(s, "r"));
        JsonNode echo = JSON.readTree(apply(request).text());
        JsonNode route = echo.get("matched_route");
        assertEquals(
                "[\"POST\",\"GET\",\"PUT\",\"DELETE\",\"PATCH\",\"OPTIONS\"]",
                route.get("methods").toString());
        assertEquals("[\"api.example.com\"]", route.get("snis").toString());
        // Kong's entity as the log record writes it (one writer): an unset field left out, ws_id.
        assertNull(route.get("hosts"), route.toString());
        assertEquals("0dc6f45b-8f8d-40d2-a504-473544ee190b", route.get("ws_id").asText());
        assertEquals(
                "{\"id\":\"" + echo.at("/matched_service/id").asText() + "\"}",
                route.get("service").toString());
        assertTrue(echo.get("matched_service").get("enabled").asBoolean());
        assertEquals(s.loadedAt().getEpochSecond(), route.get("updated_at").asLong());
        assertEquals(
                s.loadedAt().getEpochSecond(),
                echo.get("matched_service").get("created_at").asLong());
        assertEquals("[\"billing\"]", echo.get("matched_service").get("tags").toString());
        assertEquals(301, route.get("https_redirect_status_code").asInt(), "the entity's, not the 426 default");
    }

    // Kong's "echos a request if no trigger is set": the route's regex captures, by number and name.
    @Test
    void theEchoShowsTheUriCaptures() throws Exception {
        JsonNode status = JSON.readTree("{\"named\":{\"parameter\":\"status\"},\"unnamed\":[\"status\"]}");
        assertEquals(status, captures("~/(?<parameter>[^#?/]+)/200", "/status/200?hello=there"));
        // Helper review 89: Kong's spec writes the group (?P<name>...).
        assertEquals(status, captures("~/(?P<parameter>[^#?/]+)/200", "/status/200"));
        JsonNode plain = JSON.readTree(
                        send("{echo: true}", FakeHttp.Request.get("/x")).text())
                .get("request")
                .get("uri_captures");
        assertEquals(JSON.readTree("{\"named\":{},\"unnamed\":[]}"), plain, "a route without a regex path");
    }

    @Test
    void statusCodeAndEchoMayNotBeNull() {
        assertTrue(
                refusal("{status_code: null}").contains("status_code: required field missing"),
                refusal("{status_code: null}"));
        assertTrue(refusal("{echo: null}").contains("echo: required field missing"));
    }

    @Test
    void theEchoShowsTheRequestAsThePluginsBeforeItLeftIt() throws Exception {
        GatewaySnapshot s = snapshot("{echo: true}");
        FakeHttp.Request request = FakeHttp.Request.get(
                "/x?apikey=K&keep=1", "apikey", "K", "X-Consumer-Username", "admin", "X-Keep", "kept");
        request.on(s, TestSnapshots.match(s, "r"));
        // as key-auth with hide_credentials leaves it for a consumer alice
        request.context().upstreamHeader("apikey", null);
        request.context().upstreamHeader("X-Consumer-Username", "alice");
        request.context().upstreamQuery("keep=1");
        FakeHttp.Response response = apply(request);
        JsonNode req = JSON.readTree(response.text()).get("request");
        assertFalse(req.get("headers").has("apikey"), "hidden by the plugin");
        assertEquals("alice", req.get("headers").get("x-consumer-username").asText(), "not the client's forgery");
        assertEquals("kept", req.get("headers").get("x-keep").asText());
        assertFalse(req.get("query").has("apikey"));
        assertEquals("1", req.get("query").get("keep").asText());
    }

    @Test
    void theEchoParsesJsonAndFormBodiesAndShowsRepeatedArgumentsAsArrays() throws Exception {
        FakeHttp.Request json = FakeHttp.Request.of("POST", "/x?a=1&a=2&flag", "Content-Type", "application/json")
                .body("{\"k\":\"v\"}");
        JsonNode echo = JSON.readTree(send("{echo: true}", json).text());
        assertEquals("v", echo.get("request").get("body").get("k").asText());
        assertEquals(2, echo.get("request").get("query").get("a").size());
        assertTrue(echo.get("request").get("query").get("flag").asBoolean());
        FakeHttp.Request form = FakeHttp.Request.of("POST", "/x", "Content-Type", "application/x-www-form-urlencoded")
                .body("name=a+b&x=%2F");
        JsonNode formEcho = JSON.readTree(send("{echo: true}", form).text());
        assertEquals("a b", formEcho.get("request").get("body").get("name").asText());
        assertEquals("/", formEcho.get("request").get("body").get("x").asText());
    }

    @Test
    void theEchoParsesAMultipartBodyAsKongsGetBody() throws Exception {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nx\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\ny\r\n"
                + "--XyZ--\r\n";
        FakeHttp.Request multipart = FakeHttp.Request.of(
                        "POST", "/x", "Content-Type", "multipart/form-data; boundary=XyZ")
                .body(body);
        JsonNode echo = JSON.readTree(send("{echo: true}", multipart).text()).get("request");
        assertEquals("1", echo.get("body").get("a").asText());
        assertEquals("[\"x\",\"y\"]", echo.get("body").get("tag").toString(), "a repeated name is an array");
        assertEquals(body, echo.get("raw_body").asText());
    }

    @Test
    void theEchoLeavesOutABodyLargerThanItsBound() throws Exception {
        // Kong's buffer (client_body_buffer_size, 8k) holds 8,192 bytes; a larger body is on disk
        // and get_raw_body() fails (helper review 187).
        FakeHttp.Request big = FakeHttp.Request.of("POST", "/x").body("x".repeat(8193));
        JsonNode echo = JSON.readTree(send("{echo: true}", big).text());
        assertFalse(echo.get("request").has("raw_body"));
        FakeHttp.Request held = FakeHttp.Request.of("POST", "/x").body("x".repeat(8192));
        assertEquals(
                8192,
                JSON.readTree(send("{echo: true}", held).text())
                        .get("request")
                        .get("raw_body")
                        .asText()
                        .length());
        // Kong's get_raw_body() is "" for a request without a body (helper review 83).
        JsonNode none =
                JSON.readTree(send("{echo: true}", FakeHttp.Request.get("/x")).text());
        assertEquals("", none.get("request").get("raw_body").asText(null));
        assertFalse(none.get("request").has("body"));
    }

    @Test
    void aTriggerLetsRequestsWithoutItThrough() throws Exception {
        String config = "{echo: true, trigger: gimme-an-echo, status_code: 404}";
        assertNull(send(config, FakeHttp.Request.get("/status/200?hello=there")));
        FakeHttp.Request header = FakeHttp.Request.get("/status/200", "Gimme-An-Echo", "anything will do");
        assertEquals(404, send(config, header).status());
        FakeHttp.Request query = FakeHttp.Request.get("/status/200?hello=there&gimme-an-echo=anything%20will%20do");
        JsonNode echo = JSON.readTree(send(config, query).text());
        assertEquals(
                "anything will do",
                echo.get("request").get("query").get("gimme-an-echo").asText());
        // Any value counts, and the trigger works without echo too.
        assertEquals(
                503,
                send("{trigger: maintenance}", FakeHttp.Request.get("/x?maintenance"))
                        .status());
        assertNull(send("{trigger: maintenance}", FakeHttp.Request.get("/x?Maintenance=1")));
        // An underscore in the name also matches a dash in the header (nginx's header table).
        assertEquals(
                503,
                send("{trigger: maint_mode}", FakeHttp.Request.get("/x", "maint-mode", ""))
                        .status());
    }

    // Helper review 212 #2: Kong's trigger reads kong.request.get_headers()/get_query() after the
    // plugins before it: basic-auth's anonymous sets X-Anonymous-Consumer (the 401 for guests), a
    // client's copy of that identity header is no trigger, and what a plugin removed is gone.
    @Test
    void theTriggerIsReadOnTheRequestAsEarlierPluginsLeftIt() throws Exception {
        String config = "{status_code: 401, message: Login required, trigger: X-Anonymous-Consumer}";
        GatewaySnapshot s = snapshot(config);
        FakeHttp.Request guest = FakeHttp.Request.get("/x");
        guest.on(s, TestSnapshots.match(s, "r"));
        guest.context().upstreamHeader("X-Anonymous-Consumer", "true");
        assertEquals(401, apply(guest).status(), "an anonymous consumer an auth plugin set");
        FakeHttp.Request forged = FakeHttp.Request.get("/x", "X-Anonymous-Consumer", "1");
        forged.on(s, TestSnapshots.match(s, "r"));
        assertNull(apply(forged), "a client's identity header is none");
        GatewaySnapshot maintenance = snapshot("{trigger: maint}");
        FakeHttp.Request removed = FakeHttp.Request.get("/x?maint=1", "Maint", "1");
        removed.on(maintenance, TestSnapshots.match(maintenance, "r"));
        removed.context().upstreamHeader("Maint", null);
        removed.context().upstreamQuery("");
        assertNull(apply(removed), "removed by request-transformer, header and query");
        FakeHttp.Request added = FakeHttp.Request.get("/x");
        added.on(maintenance, TestSnapshots.match(maintenance, "r"));
        added.context().upstreamQuery("maint=on");
        assertEquals(503, apply(added).status(), "a query argument a plugin added");
    }

    @Test
    void kongsSchemaRulesInKongsOrder() {
        assertTrue(refusal("{status_code: 99}").contains("status_code"));
        assertTrue(refusal("{status_code: 600}").contains("status_code"));
        assertTrue(
                refusal("{message: error, body: test}").contains("message cannot be used with content_type or body"));
        assertTrue(refusal("{message: error, content_type: text/html}")
                .contains("message cannot be used with content_type or body"));
        assertTrue(refusal("{content_type: text/html}").contains("content_type requires a body"));
        // Filed at config, not at a field of it (Kong's 01-schema_spec reads err.config).
        assertTrue(
                refusal("{message: error, body: test}").contains(".config: message cannot"),
                refusal("{message: error, body: test}"));
        assertTrue(refusal("{echo: true, content_type: text/html, body: x}")
                .contains("echo cannot be used with content_type and body"));
        assertTrue(refusal("{trigger: \"bad name\"}").contains("bad header name 'bad name'"));
        assertTrue(refusal("{stauts_code: 404}").contains("stauts_code"));
        // Kong's schema refuses an empty string before its custom validator (is_present) sees it:
        // "empty strings are not accepted by default" (kong/db/schema/init.lua).
        assertTrue(refusal("{message: \"\", body: \"\"}").contains("length must be at least 1"));
        snapshot("{echo: true, trigger: header_name}");
    }

    @Test
    void theEchoShowsTheBodyAnEarlierPluginHandedOn() throws Exception {
        // key-auth's key_in_body read the client's stream and handed on the body without the key.
        FakeHttp.Request request = FakeHttp.Request.of("POST", "/x").body("apikey=secret&a=1");
        GatewaySnapshot s = snapshot("{echo: true}");
        request.on(s, TestSnapshots.match(s, "r"));
        request.request.getInputStream().readAllBytes();
        byte[] handed = "a=1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        request.context().upstreamBody(new java.io.ByteArrayInputStream(handed), handed.length);
        FakeHttp.Response response = apply(request);
        assertEquals(
                "a=1",
                JSON.readTree(response.text()).get("request").get("raw_body").asText());
    }
}
