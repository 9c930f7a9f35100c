package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpstreamHeadersTest {

    private static HttpServletRequest request(Map<String, String> headers) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr" -> "203.0.113.7";
                    case "getServerName" -> "gw.example";
                    case "getLocalPort" -> 8000;
                    case "getRequestURI" -> "/x";
                    case "getHeaderNames" -> Collections.enumeration(headers.keySet());
                    case "getHeader" ->
                        headers.entrySet().stream()
                                .filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                                .map(Map.Entry::getValue)
                                .findFirst()
                                .orElse(null);
                    case "getHeaders" ->
                        Collections.enumeration(headers.entrySet().stream()
                                .filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                                .map(Map.Entry::getValue)
                                .toList());
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    // Helper review 102: Kong's nginx has underscores_in_headers on, so a client's X_Custom reaches
    // the backend; a name whose dash spelling the gateway owns still does not.
    @Test
    void aNameWithAnUnderscorePassesUnlessItsDashSpellingIsTheGateways() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X_Custom", "kept");
        h.put("Connection", "keep-alive, x-hop");
        h.put("X_Hop", "listed");
        h.put("Transfer_Encoding", "chunked");
        h.put("Keep_Alive", "timeout=5");
        h.put("Content_Length", "5");
        h.put("X_Real_IP", "1.2.3.4");
        h.put("X_Forwarded_Proto", "https");
        h.put("X_Consumer_Username", "admin");
        List<String[]> out = new ArrayList<>();
        UpstreamHeaders.copy(request(h), null, Set.of(), "http", (n, v) -> out.add(new String[] {n, v}));
        Map<String, String> sent = new LinkedHashMap<>();
        for (String[] p : out) {
            sent.put(p[0], p[1]);
        }
        assertEquals("kept", sent.get("X_Custom"), sent.toString());
        for (String name : sent.keySet()) {
            assertTrue(name.equals("X_Custom") || !name.contains("_"), name + " must not pass");
        }
    }

    // Attacker review 234: nginx (ignore_invalid_headers, on in Kong) drops a name holding anything
    // but letters, digits, '-' and '_'; PHP reads a '.' in a CGI variable's name as '_', so
    // X-Consumer.ID reached such a backend as the consumer header.
    @Test
    void aNameNginxWouldIgnoreNeverReachesTheBackend() {
        Map<String, String> h = new LinkedHashMap<>();
        for (String name : List.of(
                "X-Consumer.ID",
                "X.Custom",
                "X!Custom",
                "X#a",
                "X'a",
                "X*a",
                "X+a",
                "X^a",
                "X`a",
                "X|a",
                "X~a",
                "X$a",
                "X%a",
                "X&a")) {
            h.put(name, "evil");
        }
        h.put("X-Custom-2", "kept");
        h.put("X_Under", "kept");
        List<String> names = new ArrayList<>();
        UpstreamHeaders.copy(request(h), null, Set.of(), "http", (n, v) -> names.add(n));
        assertTrue(names.contains("X-Custom-2") && names.contains("X_Under"), names.toString());
        for (String name : names) {
            assertTrue(UpstreamHeaders.nginxValid(name), name + " must not pass: " + names);
        }
        assertFalse(names.stream().anyMatch(n -> n.contains(".")), names.toString());
    }

    @Test
    void everyConnectionLineOfTheClientNamesHeadersKeptFromTheBackend() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Connection", "keep-alive");
        h.put("connection", "X-Hop");
        h.put("X-Hop", "hop");
        h.put("X-End", "end");
        List<String> names = new ArrayList<>();
        UpstreamHeaders.copy(request(h), null, Set.of(), "http", (n, v) -> names.add(n.toLowerCase()));
        assertTrue(names.contains("x-end"), names.toString());
        assertTrue(!names.contains("x-hop"), names.toString());
    }

    @Test
    void identityAndForwardingHeadersFromAClientNeverPassInAnySpelling() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Consumer-Username", "admin");
        h.put("X-Consumer_Username", "admin");
        h.put("x_consumer_id", "1");
        h.put("X-CREDENTIAL-IDENTIFIER", "k");
        h.put("X-Anonymous_Consumer", "false");
        h.put("X-Authenticated-Userid", "root");
        h.put("Forwarded", "for=1.2.3.4;host=evil");
        h.put("X-Forwarded-Host", "evil");
        h.put("X-Forwarded_Host", "evil");
        h.put("X-Forwarded-Prefix", "/evil");
        h.put("X-Forwarded-Proto", "https");
        h.put("X-Forwarded-Port", "443");
        h.put("X-Original-URL", "/admin");
        h.put("X_Forwarded_For", "1.2.3.4");
        h.put("Host", "gw.example:9999");
        h.put("Accept", "application/json");
        List<String[]> out = new ArrayList<>();
        UpstreamHeaders.copy(request(h), null, Set.of(), "http", (n, v) -> out.add(new String[] {n, v}));
        Map<String, String> sent = new LinkedHashMap<>();
        for (String[] p : out) {
            assertFalse(sent.containsKey(p[0].toLowerCase()), "one value of " + p[0]);
            sent.put(p[0].toLowerCase(), p[1]);
        }
        for (String name : sent.keySet()) {
            assertFalse(UpstreamHeaders.isIdentity(UpstreamHeaders.fold(name)), name + " must not pass");
            assertFalse(name.contains("_"), name + " must not pass");
        }
        assertFalse(sent.containsKey("forwarded"));
        assertFalse(sent.containsKey("x-forwarded-prefix"));
        assertFalse(sent.containsKey("x-original-url"));
        assertEquals("application/json", sent.get("accept"));
        assertEquals("http", sent.get("x-forwarded-proto"));
        assertEquals("gw.example", sent.get("x-forwarded-host"));
        assertEquals("8000", sent.get("x-forwarded-port"), "the listener's port, not Host's");
        assertEquals("203.0.113.7", sent.get("x-forwarded-for"));
        assertTrue(UpstreamHeaders.isIdentity("x-consumer-custom-id"));
    }

    @Test
    void otherAuthProxiesIdentityAndAddressHeadersFromAClientNeverPass() {
        // Attacker review 165 #8: what Authelia, Kubernetes' request-header authentication, Google IAP,
        // AWS ALB, Azure, Cloudflare and Pomerium set, and the client addresses CDNs set.
        Map<String, String> h = new LinkedHashMap<>();
        for (String name : List.of(
                "Remote-Groups",
                "Remote-Email",
                "X-Remote-Group",
                "X-Remote-Extra-Scopes",
                "X-Goog-Authenticated-User-Email",
                "X-Amzn-Oidc-Identity",
                "X-MS-CLIENT-PRINCIPAL-NAME",
                "Cf-Access-Authenticated-User-Email",
                "X-Pomerium-Claim-Email",
                "CF-Connecting-IP",
                "Fastly-Client-IP",
                "X-Original-Forwarded-For",
                "X-Envoy-External-Address",
                "X-Forwarded",
                "Forwarded-For",
                // Helper review 201: WebLogic's, IIS/ARR's, Jetty's and "real IP" helpers' names.
                "WL-Proxy-Client-IP",
                "Proxy-Client-IP",
                "X-ProxyUser-Ip",
                "WL-Proxy-SSL",
                "X-Proxied-Https",
                "Front-End-Https",
                "X-Forwarded-Https",
                "X-Forwarded-Protocol",
                "X-ARR-ClientCert",
                "HTTP_X_FORWARDED_FOR",
                "HTTP_CLIENT_IP")) {
            h.put(name, "forged");
        }
        h.put("Accept", "application/json");
        List<String> names = new ArrayList<>();
        UpstreamHeaders.copy(request(h), null, Set.of(), "http", (n, v) -> names.add(n.toLowerCase()));
        for (String name : h.keySet()) {
            if (!name.equals("Accept")) {
                assertFalse(names.contains(name.toLowerCase()), name + " passed");
            }
        }
        assertTrue(names.contains("accept"));
    }

    private static Map<String, List<String>> sent(HttpServletRequest request, RequestContext context) {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        UpstreamHeaders.copy(
                request,
                context,
                Set.of(),
                "http",
                (n, v) -> sent.computeIfAbsent(n.toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                        .add(v));
        return sent;
    }

    @Test
    void proxyAndExpectFromAClientNeverPass() {
        FakeHttp.Request in = FakeHttp.Request.get("/x")
                .header("Proxy", "http://evil:3128")
                .header("Expect", "100-continue")
                .on(null, null);
        Map<String, List<String>> sent = sent(in.request, in.context());
        assertFalse(sent.containsKey("proxy"), "httpoxy: CGI backends read it as HTTP_PROXY");
        assertFalse(sent.containsKey("expect"), "the gateway answers 100-continue itself");
    }

    // Kong's 03-upstream_headers_spec "(using port maps configuration)": X-Forwarded-Port is the
    // port clients reached, and a client's own is replaced (helper review 201).
    @Test
    void thePortClientsReachedIsForwardedUnderAPortMapping() {
        FakeHttp.Request in =
                FakeHttp.Request.get("/x").header("X-Forwarded-Port", "1234").on(null, null);
        in.context().hostPort(80);
        assertEquals(List.of("80"), sent(in.request, in.context()).get("x-forwarded-port"));
    }

    // Kong's "matches against normalized URI with ..": routed on the normalised path, but
    // X-Forwarded-Path is the path as the client wrote it ($request_uri without the query).
    @Test
    void theForwardedPathIsThePathAsTheClientWroteIt() {
        FakeHttp.Request in = FakeHttp.Request.get("/foo/a/../h%65llo?q=1").on(null, null);
        assertEquals(
                List.of("/foo/a/../h%65llo"), sent(in.request, in.context()).get("x-forwarded-path"));
    }

    // Helper review 281: a trusted proxy's empty X-Forwarded-* value is sent as no header, as nginx
    // passes no proxy_set_header header whose value is empty (an empty prefix also stops the
    // gateway's own, as Kong's "" does).
    @Test
    void aTrustedProxysEmptyForwardingValueIsNoHeader() {
        FakeHttp.Request proxied = FakeHttp.Request.get(
                "/x",
                "X-Forwarded-Proto",
                "",
                "X-Forwarded-Host",
                "",
                "X-Forwarded-Port",
                "",
                "X-Forwarded-Path",
                "",
                "X-Forwarded-Prefix",
                "");
        RequestContext trusted = RequestContext.attach(proxied.request, null, null, "/x", true);
        var sent = sent(proxied.request, trusted);
        for (String name : List.of(
                "x-forwarded-proto",
                "x-forwarded-host",
                "x-forwarded-port",
                "x-forwarded-path",
                "x-forwarded-prefix")) {
            assertEquals(null, sent.get(name), name + ": " + sent);
        }
        FakeHttp.Request client = FakeHttp.Request.get("/x", "X-Forwarded-Proto", "");
        RequestContext untrusted = RequestContext.attach(client.request, null, null, "/x", false);
        assertEquals(List.of("http"), sent(client.request, untrusted).get("x-forwarded-proto"), "the gateway's own");
    }

    // Kong's 03-upstream_headers_spec "X-Forwarded-Path should be forwarded if present" (trusted):
    // a trusted proxy's path is kept, as its Prefix, Host, Proto and Port are; a client's is not
    // (helper review 142).
    @Test
    void aTrustedProxysForwardedPathIsKeptAndAClientsIsReplaced() {
        FakeHttp.Request untrusted = FakeHttp.Request.get("/x", "X-Forwarded-Path", "/original-path");
        RequestContext plain = RequestContext.attach(untrusted.request, null, null, "/x", false);
        assertEquals(List.of("/x"), sent(untrusted.request, plain).get("x-forwarded-path"));
        FakeHttp.Request proxied = FakeHttp.Request.get("/x", "X-Forwarded-Path", "/original-path");
        RequestContext trusted = RequestContext.attach(proxied.request, null, null, "/x", true);
        assertEquals(List.of("/original-path"), sent(proxied.request, trusted).get("x-forwarded-path"));
        FakeHttp.Request underscored = FakeHttp.Request.get("/x", "X_Forwarded_Path", "/original-path");
        RequestContext alsoTrusted = RequestContext.attach(underscored.request, null, null, "/x", true);
        assertEquals(
                List.of("/x"),
                sent(underscored.request, alsoTrusted).get("x-forwarded-path"),
                "nginx's own spelling only");
    }

    // Kong's runloop: no X-Forwarded-For from the client: the client as the realip settings read it.
    @Test
    void withoutAForwardedForTheClientTheRealIpSettingsReadIsSent() {
        FakeHttp.Request behindProxy = FakeHttp.Request.get("/x").on(null, null);
        behindProxy.context().clientAddress("10.0.0.1"); // a trusted proxy's X-Real-IP named it
        Map<String, List<String>> got = sent(behindProxy.request, behindProxy.context());
        assertEquals(List.of("10.0.0.1"), got.get("x-forwarded-for"));
        assertEquals(List.of("10.0.0.1"), got.get("x-real-ip"));
        FakeHttp.Request listed = FakeHttp.Request.get("/x")
                .header("X-Forwarded-For", "198.51.100.1")
                .on(null, null);
        listed.context().clientAddress("198.51.100.1");
        String peer = listed.request.getRemoteAddr();
        assertEquals(
                List.of("198.51.100.1, " + peer),
                sent(listed.request, listed.context()).get("x-forwarded-for"));
    }

    // Kong's "keeps upgrade when upgrading": not a handshake, proxied as HTTP with its Upgrade.
    @Test
    void aClientsUpgradeToWebsocketGoesOnAsKongsUpstreamUpgrade() {
        FakeHttp.Request upgrading = FakeHttp.Request.get("/x")
                .header("Connection", "keep-alive, Upgrade")
                .header("Upgrade", "websocket")
                .on(null, null);
        Map<String, List<String>> got = sent(upgrading.request, upgrading.context());
        assertEquals(List.of("keep-alive, Upgrade"), got.get("connection"));
        assertEquals(List.of("websocket"), got.get("upgrade"));
        FakeHttp.Request h2c = FakeHttp.Request.get("/x")
                .header("Connection", "Upgrade")
                .header("Upgrade", "h2c")
                .on(null, null);
        Map<String, List<String>> other = sent(h2c.request, h2c.context());
        assertFalse(other.containsKey("upgrade"), "only websocket, as Kong: " + other);
        assertFalse(other.containsKey("connection"));
    }

    // Kong's "are removed from request": TE is hop-by-hop, but "trailers" in it crosses alone.
    @Test
    void teCrossesAsTrailersOnlyWhenTheClientListsTrailers() {
        FakeHttp.Request asks = FakeHttp.Request.get("/x")
                .header("TE", "trailers, deflate;q=0.5")
                .on(null, null);
        assertEquals(List.of("trailers"), sent(asks.request, asks.context()).get("te"));
        FakeHttp.Request other =
                FakeHttp.Request.get("/x").header("TE", "deflate;q=0.5").on(null, null);
        assertFalse(sent(other.request, other.context()).containsKey("te"));
    }

    @Test
    void whatStripPathRemovedIsTheForwardedPrefixUnlessATrustedProxyNamedOne() {
        com.gitinsight.gateway.runtime.GatewaySnapshot s = com.gitinsight.gateway.runtime.TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: s
                    url: http://127.0.0.1:9/base
                    routes:
                      - {name: stripped, paths: [/foo]}
                      - {name: kept, paths: [/bar], strip_path: false}
                """);
        FakeHttp.Request stripped = FakeHttp.Request.get("/foo/users", "X-Forwarded-Prefix", "/evil");
        com.gitinsight.gateway.routing.Router router = com.gitinsight.gateway.routing.Router.build(s.config());
        stripped.on(s, router.match(new ServletRequestFacts(stripped.request, "/foo/users")));
        assertEquals(List.of("/foo"), sent(stripped.request, stripped.context()).get("x-forwarded-prefix"));
        FakeHttp.Request kept = FakeHttp.Request.get("/bar/users");
        kept.on(s, router.match(new ServletRequestFacts(kept.request, "/bar/users")));
        assertFalse(sent(kept.request, kept.context()).containsKey("x-forwarded-prefix"), "nothing stripped");
    }

    @Test
    void theForwardedPrefixIsTheNormalisedTextAsKongSendsItOnlyControlsEscaped() {
        // Kong sends match_t.prefix as it is (helper review 180): "/users/john doe", the UTF-8 bytes
        // of "/café"; it was escaped again here ("/users/john%20doe").
        com.gitinsight.gateway.runtime.GatewaySnapshot s = com.gitinsight.gateway.runtime.TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: s
                    url: http://127.0.0.1:9/base
                    routes:
                      - {name: spaced, paths: ["/users/john doe"]}
                      - {name: accented, paths: ["/café"]}
                """);
        com.gitinsight.gateway.routing.Router router = com.gitinsight.gateway.routing.Router.build(s.config());
        FakeHttp.Request spaced = FakeHttp.Request.get("/users/john%20doe/profile");
        spaced.on(s, router.match(new ServletRequestFacts(spaced.request, "/users/john doe/profile")));
        assertEquals(
                List.of("/users/john doe"),
                sent(spaced.request, spaced.context()).get("x-forwarded-prefix"));
        FakeHttp.Request accented = FakeHttp.Request.get("/caf%C3%A9/x");
        accented.on(s, router.match(new ServletRequestFacts(accented.request, "/café/x")));
        assertEquals(
                List.of(new String(
                        "/café".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.ISO_8859_1)),
                sent(accented.request, accented.context()).get("x-forwarded-prefix"),
                "its UTF-8 bytes on the wire");
        assertEquals("/a%0D%0Ab%7F", UpstreamHeaders.unsafeEscaped("/a\r\nb\u007f"), "never a raw control character");
        // Nor what a backend using it as its context path would turn into an off-site redirect or markup.
        assertEquals("/%5Cevil.com", UpstreamHeaders.unsafeEscaped("/\\evil.com"));
        assertEquals("/%3Cscript%3E%22%7B%7D%7C%5E%60", UpstreamHeaders.unsafeEscaped("/<script>\"{}|^`"));
        assertEquals("/users/john doe/café", UpstreamHeaders.unsafeEscaped("/users/john doe/café"));
    }

    @Test
    void kongsRequestIdReplacesAClientsAndAPluginsCopyInAnySpelling() {
        FakeHttp.Request in = FakeHttp.Request.get("/x")
                .header("X-Kong-Request-Id", "forged")
                .header("x_kong_request_id", "forged-too")
                .on(null, null);
        RequestContext context = in.context().kongRequestId("0123456789abcdef0123456789abcdef", true, true);
        context.upstreamHeader("x-kong-request-id", "a-plugin's");

        Map<String, List<String>> sent = sent(in.request, context);

        assertEquals(List.of("0123456789abcdef0123456789abcdef"), sent.get("x-kong-request-id"));
        assertFalse(sent.containsKey("x_kong_request_id"), "a folding backend would read it as the header");
    }

    // Kong sends nginx's $host: lower-case, no port (helper review 102).
    @Test
    void xForwardedHostIsTheHostLowerCased() {
        FakeHttp.Request in = FakeHttp.Request.get("/x")
                .header("Host", "Headers-Inspect.COM:8000")
                .on(null, null);
        assertEquals(
                List.of("headers-inspect.com"), sent(in.request, in.context()).get("x-forwarded-host"));
    }

    @Test
    void aClientsUnderscoreCopyOfAHeaderItAlsoSentWithDashesNeverReachesTheBackend() {
        // A WSGI backend would read User_Agent as the User-Agent bot-detection judged. Alone, such a
        // name passes, as through Kong's nginx (underscores_in_headers on).
        FakeHttp.Request in = FakeHttp.Request.get("/x")
                .header("User-Agent", "Mozilla/5.0")
                .header("User_Agent", "EvilBot/1.0")
                .header("X_Tenant_Id", "t-1")
                .header("X-Kept", "yes")
                .on(null, null);
        Map<String, List<String>> sent = sent(in.request, in.context());
        assertFalse(sent.containsKey("user_agent"), sent.toString());
        assertEquals(List.of("Mozilla/5.0"), sent.get("user-agent"));
        assertEquals(List.of("t-1"), sent.get("x_tenant_id"));
        assertEquals(List.of("yes"), sent.get("x-kept"));
        // Attacker review 103: two underscore spellings of one name (no dash one) reached a folding
        // backend as one header with two values, one of them not the key key-auth checked.
        FakeHttp.Request two = FakeHttp.Request.get("/x")
                .header("x_api_key", "mine")
                .header("X-Api_Key", "someone-elses")
                .on(null, null);
        Map<String, List<String>> both = sent(two.request, two.context());
        assertFalse(both.containsKey("x_api_key"), both.toString());
        assertFalse(both.containsKey("x-api_key"), both.toString());
    }

    @Test
    void aHeaderAPluginSetUnderAnUnderscoreNameReplacesTheClientsInEitherSpelling() {
        FakeHttp.Request in = FakeHttp.Request.get("/x")
                .header("X_Corr_Id", "forged")
                .header("x-corr-id", "forged-too")
                .on(null, null);
        RequestContext context = in.context();
        context.upstreamHeader("X_Corr_Id", "the-gateway's"); // correlation-id's header_name, as configured

        Map<String, List<String>> sent = sent(in.request, context);

        assertEquals(List.of("the-gateway's"), sent.get("x_corr_id"), sent.toString());
        assertFalse(sent.containsKey("x-corr-id"), sent.toString());
    }

    @Test
    void aHeaderSetAfterARemovalInTheOtherSpellingGoesUpstreamAsLastSpelled() {
        FakeHttp.Request in =
                FakeHttp.Request.get("/x").header("X-Api-Key", "client-key").on(null, null);
        RequestContext context = in.context();
        context.upstreamHeader("x_api_key", null); // key-auth's hide_credentials, key_names [x_api_key]
        context.upstreamHeader("X-Api-Key", "internal"); // request-transformer's add

        Map<String, List<String>> sent = sent(in.request, context);

        assertEquals(List.of("internal"), sent.get("x-api-key"), sent.toString());
        assertFalse(sent.containsKey("x_api_key"), sent.toString());
    }

    @Test
    void aHeaderAPluginSetWithSeveralValuesGoesAsOneLineEach() {
        FakeHttp.Request in = FakeHttp.Request.get("/x").header("X-Added", "a0").on(null, null);
        RequestContext context = in.context();
        context.upstreamHeader("X-Added", "a0" + RequestContext.LINES + "a2" + RequestContext.LINES + "a3");

        Map<String, List<String>> sent = sent(in.request, context);

        assertEquals(List.of("a0", "a2", "a3"), sent.get("x-added"), "request-transformer's append, as Kong");
    }

    @Test
    void withHeadersUpstreamOffTheGatewaySendsNoneAndAClientsPassesAsInKong() {
        FakeHttp.Request in = FakeHttp.Request.get("/x")
                .header("X-Kong-Request-Id", "client's")
                .on(null, null);
        RequestContext context = in.context().kongRequestId("0123456789abcdef0123456789abcdef", true, false);

        assertEquals(List.of("client's"), sent(in.request, context).get("x-kong-request-id"));
        RequestContext none = FakeHttp.Request.get("/x").on(null, null).context();
        none.kongRequestId("0123456789abcdef0123456789abcdef", true, false);
        assertFalse(sent(FakeHttp.Request.get("/x").request, none).containsKey("x-kong-request-id"));
    }
}
