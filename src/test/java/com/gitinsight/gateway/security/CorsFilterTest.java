package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plugin cors against Kong's spec/03-plugins/13-cors/01-access_spec.lua: every regex_testcases
 * entry and the "HTTP method: OPTIONS" and "HTTP method: others" cases the gateway can run
 * (not gRPC, not the upstream-timeout and runtime-error routes, which need Kong's test plugins).
 */
class CorsFilterTest {

    static final String CORS_DEFAULT_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT";

    private final CorsFilter filter = new CorsFilter();

    private static GatewaySnapshot cors(String config) {
        return TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - name: c
                        paths: [/]
                        plugins:
                          - name: cors
                            config: %s
                """.formatted(config));
    }

    private FakeHttp.Response send(GatewaySnapshot s, FakeHttp.Request request, FakeHttp.Backend backend)
            throws Exception {
        request.on(s, TestSnapshots.match(s, "c"));
        CorsSchema.Config config = request.context().plugin(CorsSchema.NAME, CorsSchema.Config.class);
        FakeHttp.Response response = new FakeHttp.Response();
        // The plugin as the chain runs it: its response phase (the origin's headers) around its
        // access phase (the preflight's answer).
        new CorsPhase()
                .doFilter(
                        request.request,
                        response.response,
                        (req, res) -> filter.apply(
                                config,
                                request.context(),
                                (jakarta.servlet.http.HttpServletRequest) req,
                                (jakarta.servlet.http.HttpServletResponse) res,
                                backend));
        return response;
    }

    private FakeHttp.Response preflight(GatewaySnapshot s, String origin, String... more) throws Exception {
        FakeHttp.Request r =
                FakeHttp.Request.of("OPTIONS", "/", "Origin", origin, "Access-Control-Request-Method", "GET");
        for (int i = 0; i + 1 < more.length; i += 2) {
            r.header(more[i], more[i + 1]);
        }
        return send(s, r, new FakeHttp.Backend());
    }

    private FakeHttp.Response get(GatewaySnapshot s, String... headers) throws Exception {
        return send(s, FakeHttp.Request.get("/", headers), new FakeHttp.Backend());
    }

    /** One regex_testcases entry: request origin to expected ACAO (true: the origin itself; false: none). */
    private record Case(List<String> origins, Map<String, Object> tests) {}

    private static Map<String, Object> tests(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static final List<Case> REGEX_TESTCASES = List.of(
            // single entry, host only: ignore value, always return configured data
            new Case(
                    List.of("foo.test"),
                    tests(
                            "http://evil.test",
                            "foo.test",
                            "http://foo.test",
                            "foo.test",
                            "http://foo.test.evil.test",
                            "foo.test",
                            "http://something.foo.test",
                            "foo.test",
                            "http://evilfoo.test",
                            "foo.test",
                            "http://foo.test:80",
                            "foo.test",
                            "http://foo.test:8000",
                            "foo.test",
                            "https://foo.test:8000",
                            "foo.test",
                            "http://foo.test:90",
                            "foo.test",
                            "http://foobtest",
                            "foo.test",
                            "https://bar.test:1234",
                            "foo.test")),
            // single entry, full domain (not regex): ignore value, always return configured data
            new Case(
                    List.of("https://bar.test:1234"),
                    tests(
                            "http://evil.test",
                            "https://bar.test:1234",
                            "http://foo.test",
                            "https://bar.test:1234",
                            "http://foo.test:80",
                            "https://bar.test:1234",
                            "https://bar.test:1234",
                            "https://bar.test:1234")),
            // single entry, simple regex without ":": anchored match on host only
            new Case(
                    List.of("foo\\.test"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            true,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            false,
                            "http://evilfoo.test",
                            false,
                            "http://foo.test:80",
                            "http://foo.test",
                            "http://foo.test:8000",
                            true,
                            "https://foo.test:8000",
                            true,
                            "http://foo.test:90",
                            true,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // single entry, subdomain regex without ":": anchored match on host only
            new Case(
                    List.of("(.*[./])?foo\\.test"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            true,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            true,
                            "http://evilfoo.test",
                            false,
                            "http://foo.test:80",
                            "http://foo.test",
                            "http://foo.test:8000",
                            true,
                            "https://foo.test:8000",
                            true,
                            "http://foo.test:90",
                            true,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // single entry, any-scheme subdomain regex with port: anchored match with scheme and port
            new Case(
                    List.of("(.*[./])?foo\\.test:8000"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            false,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            false,
                            "http://evilfoo.test",
                            false,
                            "http://foo.test:80",
                            false,
                            "http://foo.test:8000",
                            true,
                            "https://foo.test:8000",
                            true,
                            "http://foo.test:90",
                            false,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // single entry, https subdomain regex with port
            new Case(
                    List.of("https://(.*[.])?foo\\.test:8000"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            false,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            false,
                            "http://foo.test:80",
                            false,
                            "http://foo.test:8000",
                            false,
                            "https://foo.test:8000",
                            true,
                            "http://foo.test:90",
                            false,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // single entry, explicitly anchored regex with port
            new Case(
                    List.of("^http://(.*[.])?foo\\.test(:(80|90))?$"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            true,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            true,
                            "http://foo.test:80",
                            "http://foo.test",
                            "http://foo.test:8000",
                            false,
                            "https://foo.test:8000",
                            false,
                            "http://foo.test:90",
                            true,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // multiple entries, host only (not regex): match on full normalized domain (i.e. all fail)
            new Case(
                    List.of("foo.test", "bar.test"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            false,
                            "http://foo.test.evil.test",
                            false,
                            "http://foo.test:80",
                            false,
                            "http://foo.test:8000",
                            false,
                            "http://foo.test:90",
                            false,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // multiple entries, full domain (not regex): match on full normalized domain
            new Case(
                    List.of("http://foo.test", "https://bar.test:1234"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            true,
                            "http://foo.test.evil.test",
                            false,
                            "http://foo.test:80",
                            "http://foo.test",
                            "http://foo.test:8000",
                            false,
                            "http://foo.test:90",
                            false,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            true)),
            // multiple entries, simple regex without ":": anchored match on host only
            new Case(
                    List.of("bar.test", "foo\\.test"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            true,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            false,
                            "http://foo.test:80",
                            "http://foo.test",
                            "http://foo.test:8000",
                            true,
                            "http://foo.test:90",
                            true,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // multiple entries, subdomain regex without ":"
            new Case(
                    List.of("bar.test", "(.*\\.)?foo\\.test"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            true,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            true,
                            "http://foo.test:80",
                            "http://foo.test",
                            "http://foo.test:8000",
                            true,
                            "http://foo.test:90",
                            true,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // multiple entries, any-scheme subdomain regex with ":"
            new Case(
                    List.of("bar.test", "(.*[./])?foo\\.test:8000"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            false,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            false,
                            "http://foo.test:80",
                            false,
                            "http://foo.test:8000",
                            true,
                            "https://foo.test:8000",
                            true,
                            "http://foo.test:90",
                            false,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)),
            // multiple entries, https subdomain regex with ":"
            new Case(
                    List.of("bar.test", "https://(.*\\.)?foo\\.test:8000"),
                    tests(
                            "http://evil.test",
                            false,
                            "http://foo.test",
                            false,
                            "http://foo.test.evil.test",
                            false,
                            "http://something.foo.test",
                            false,
                            "http://foo.test:80",
                            false,
                            "http://foo.test:8000",
                            false,
                            "https://foo.test:8000",
                            true,
                            "http://foo.test:90",
                            false,
                            "http://foobtest",
                            false,
                            "https://bar.test:1234",
                            false)));

    private static String yamlList(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (String v : values) {
            sb.append(sb.length() > 1 ? ", " : "").append('\'').append(v).append('\'');
        }
        return sb.append(']').toString();
    }

    // "HTTP method: OPTIONS": "given <origin>, <origins> will accept|reject"
    @Test
    void regexTestcases() throws Exception {
        for (Case c : REGEX_TESTCASES) {
            GatewaySnapshot s = cors("{origins: " + yamlList(c.origins()) + "}");
            for (Map.Entry<String, Object> t : c.tests().entrySet()) {
                String origin = t.getKey();
                FakeHttp.Response r = preflight(s, origin);
                String what = "given " + origin + ", " + c.origins();
                assertEquals(200, r.status(), what);
                if (!Boolean.FALSE.equals(t.getValue())) {
                    Object accept = t.getValue();
                    assertEquals(CORS_DEFAULT_METHODS, r.header("Access-Control-Allow-Methods"), what);
                    assertEquals(
                            Boolean.TRUE.equals(accept) ? origin : accept,
                            r.header("Access-Control-Allow-Origin"),
                            what);
                    assertNull(r.header("Access-Control-Allow-Headers"), what);
                    assertNull(r.header("Access-Control-Expose-Headers"), what);
                    assertNull(r.header("Access-Control-Allow-Credentials"), what);
                    assertNull(r.header("Access-Control-Max-Age"), what);
                } else {
                    assertNull(r.header("Access-Control-Allow-Origin"), what);
                }
            }
        }
    }

    @Test
    void anOriginRegexInPcresSpellingsIsReadAsKongReadsIt() throws Exception {
        // Helper review 120: [[:alnum:]] never matched; (?P<host>...) refused the file.
        GatewaySnapshot s =
                cors("{origins: [\"https://[[:alnum:]-]+\\\\.example\\\\.com\", \"https://(?P<h>[a-z]+)\\\\.test\"]}");
        assertEquals(
                "https://app-1.example.com",
                preflight(s, "https://app-1.example.com").header("Access-Control-Allow-Origin"));
        assertEquals("https://app.test", preflight(s, "https://app.test").header("Access-Control-Allow-Origin"));
        assertNull(preflight(s, "https://app_1.example.com").header("Access-Control-Allow-Origin"));
    }

    // "gives appropriate defaults"
    @Test
    void preflightDefaults() throws Exception {
        FakeHttp.Response r = preflight(cors("{}"), "origin1.test");
        assertEquals(200, r.status());
        assertEquals("0", r.header("Content-Length"));
        assertEquals(CORS_DEFAULT_METHODS, r.header("Access-Control-Allow-Methods"));
        assertEquals("*", r.header("Access-Control-Allow-Origin"));
        assertNull(r.header("Access-Control-Allow-Headers"));
        assertNull(r.header("Access-Control-Expose-Headers"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
        assertNull(r.header("Access-Control-Max-Age"));
        assertNull(r.header("Vary"));
    }

    // "gives * wildcard when config.origins is empty"
    @Test
    void emptyOriginsMeanStar() throws Exception {
        FakeHttp.Response r = preflight(cors("{origins: []}"), "empty-origin.test");
        assertEquals(200, r.status());
        assertEquals("*", r.header("Access-Control-Allow-Origin"));
        assertNull(r.header("Vary"));
    }

    // "gives appropriate defaults when origin is explicitly set to * and config.credentials=true"
    @Test
    void starWithCredentialsEchoesTheOrigin() throws Exception {
        FakeHttp.Response r = preflight(cors("{origins: ['*'], credentials: true}"), "origin5.test");
        assertEquals(200, r.status());
        assertEquals("origin5.test", r.header("Access-Control-Allow-Origin"));
        assertEquals("true", r.header("Access-Control-Allow-Credentials"));
        assertEquals("Origin", r.header("Vary"));
        assertNull(r.header("Access-Control-Allow-Headers"));
        assertNull(r.header("Access-Control-Max-Age"));
    }

    // "gives * wildcard when origin has multiple entries and have * included"
    @Test
    void starAmongOtherEntries() throws Exception {
        FakeHttp.Response r = preflight(cors("{origins: [foo.bar, '*']}"), "http://www.example.net");
        assertEquals("*", r.header("Access-Control-Allow-Origin"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
        assertEquals(
                "*",
                get(cors("{origins: [foo.bar, '*']}"), "Origin", "http://www.example.net")
                        .header("Access-Control-Allow-Origin"),
                "responds with * when origin has multiple entries and have * included");
    }

    // Helper review 113: an origin regex runs on the client's Origin within a bound; past it the
    // origin is not allowed (no held thread, no 500 from a stack overflow).
    @Test
    void anOriginRegexIsSearchedWithinABound() throws Exception {
        GatewaySnapshot s = cors("{origins: ['http://(a|b)*\\.example']}");
        FakeHttp.Response ok = get(s, "Origin", "http://abab.example");
        assertEquals("http://abab.example", ok.header("Access-Control-Allow-Origin"));
        FakeHttp.Response hostile = get(s, "Origin", "http://" + "ab".repeat(20_000) + ".example");
        assertNull(hostile.header("Access-Control-Allow-Origin"));
    }

    private static final String CORS2 = "{origins: [example.test], methods: [GET], headers: [origin, type, accepts],"
            + " exposed_headers: [x-auth-token], max_age: 23, credentials: true}";

    // "accepts config options" (OPTIONS): a disallowed origin still gets everything but an allowed origin
    @Test
    void preflightConfigOptions() throws Exception {
        FakeHttp.Response r = preflight(cors(CORS2), "origin5.test");
        assertEquals(200, r.status());
        assertEquals("0", r.header("Content-Length"));
        assertEquals("GET", r.header("Access-Control-Allow-Methods"));
        assertEquals("example.test", r.header("Access-Control-Allow-Origin"));
        assertEquals("23", r.header("Access-Control-Max-Age"));
        assertEquals("true", r.header("Access-Control-Allow-Credentials"));
        assertEquals("origin,type,accepts", r.header("Access-Control-Allow-Headers"));
        assertEquals("Origin", r.header("Vary"));
        assertNull(r.header("Access-Control-Expose-Headers"));
    }

    // "preflight_continue enabled": the backend answers the preflight, with no CORS header of the gateway's
    @Test
    void preflightContinue() throws Exception {
        GatewaySnapshot s = cors("{origins: [example.test], methods: [GET], max_age: 23, preflight_continue: true}");
        FakeHttp.Backend backend = new FakeHttp.Backend().status(201);
        FakeHttp.Response r = send(
                s,
                FakeHttp.Request.of(
                        "OPTIONS", "/status/201", "Origin", "example.test", "Access-Control-Request-Method", "GET"),
                backend);
        assertEquals(201, r.status());
        assertEquals(1, backend.calls());
        assertTrue(
                r.headers().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("access-control")),
                r.headers().toString());
    }

    // "replies with request-headers if present in request"
    @Test
    void echoesRequestHeaders() throws Exception {
        FakeHttp.Response r = preflight(
                cors("{origins: ['*'], credentials: true}"),
                "origin5.test",
                "Access-Control-Request-Headers",
                "origin,accepts");
        assertEquals("origin,accepts", r.header("Access-Control-Allow-Headers"));
    }

    // "properly validates flat strings": OPTIONS without Access-Control-Request-Method is no preflight
    @Test
    void validatesFlatStrings() throws Exception {
        GatewaySnapshot s = cors("{origins: ['http://my-site.test', 'http://my-other-site.test']}");
        assertEquals(
                "http://my-site.test",
                send(s, FakeHttp.Request.of("OPTIONS", "/", "Origin", "http://my-site.test"), new FakeHttp.Backend())
                        .header("Access-Control-Allow-Origin"));
        assertNull(
                send(s, FakeHttp.Request.of("OPTIONS", "/", "Origin", "http://bad-guys.test"), new FakeHttp.Backend())
                        .header("Access-Control-Allow-Origin"));
        assertNull(send(
                        s,
                        FakeHttp.Request.of("OPTIONS", "/", "Origin", "http://my-site.test.bad-guys.test"),
                        new FakeHttp.Backend())
                .header("Access-Control-Allow-Origin"));
    }

    // "support private-network"
    @Test
    void privateNetwork() throws Exception {
        FakeHttp.Response r = preflight(
                cors("{origins: [allowed-domain.test], private_network: true}"),
                "allowed-domain.test",
                "Access-Control-Request-Private-Network",
                "true");
        assertEquals(200, r.status());
        assertEquals("true", r.header("Access-Control-Allow-Private-Network"));
    }

    // "HTTP method: others": "gives appropriate defaults", "proxies a non-preflight OPTIONS request"
    @Test
    void actualRequestDefaults() throws Exception {
        for (String method : List.of("GET", "OPTIONS")) {
            FakeHttp.Backend backend = new FakeHttp.Backend();
            FakeHttp.Response r = send(cors("{}"), FakeHttp.Request.of(method, "/anything"), backend);
            assertEquals(1, backend.calls(), method);
            assertEquals("*", r.header("Access-Control-Allow-Origin"), method);
            assertNull(r.header("Access-Control-Allow-Methods"));
            assertNull(r.header("Access-Control-Allow-Headers"));
            assertNull(r.header("Access-Control-Expose-Headers"));
            assertNull(r.header("Access-Control-Allow-Credentials"));
            assertNull(r.header("Access-Control-Max-Age"));
            assertNull(r.header("Vary"));
        }
    }

    // "accepts config options" (GET), "works with 40x responses returned by another plugin"
    @Test
    void actualRequestConfigOptionsOnEveryAnswer() throws Exception {
        for (int status : new int[] {200, 401, 502}) {
            FakeHttp.Response r = send(cors(CORS2), FakeHttp.Request.get("/"), new FakeHttp.Backend().status(status));
            assertEquals(status, r.status());
            assertEquals("example.test", r.header("Access-Control-Allow-Origin"));
            assertEquals("x-auth-token", r.header("Access-Control-Expose-Headers"));
            assertEquals("true", r.header("Access-Control-Allow-Credentials"));
            assertEquals("Origin", r.header("Vary"));
            assertNull(r.header("Access-Control-Allow-Methods"));
            assertNull(r.header("Access-Control-Allow-Headers"));
            assertNull(r.header("Access-Control-Max-Age"));
        }
    }

    // "sets CORS orgin based on origin host", "does not automatically parse the host",
    // "does not sets CORS origin if origin host is not in origin_domains list"
    @Test
    void originsByHost() throws Exception {
        GatewaySnapshot cors6 = cors("{origins: [example.test, example.org], methods: [GET]}");
        FakeHttp.Response r = get(cors6, "Origin", "example.test");
        assertEquals("example.test", r.header("Access-Control-Allow-Origin"));
        assertEquals("Origin", r.header("Vary"));
        assertNull(get(cors6, "Origin", "http://example.test").header("Access-Control-Allow-Origin"));
        assertNull(get(cors6, "Origin", "https://example.test").header("Access-Control-Allow-Origin"));
        assertNull(get(cors6, "Origin", "http://www.example.net").header("Access-Control-Allow-Origin"));

        GatewaySnapshot cors9 = cors("{origins: ['.*\\.?example(?:-foo)?.test']}");
        Map<String, Boolean> domains = Map.of(
                "example.test",
                true,
                "www.example.test",
                true,
                "example-foo.test",
                true,
                "www.example-foo.test",
                true,
                "www.example-fo0.test",
                false);
        for (Map.Entry<String, Boolean> d : domains.entrySet()) {
            FakeHttp.Response each = get(cors9, "Origin", d.getKey());
            assertEquals(d.getValue() ? d.getKey() : null, each.header("Access-Control-Allow-Origin"), d.getKey());
            assertEquals("Origin", each.header("Vary"), d.getKey());
        }
    }

    // "sets Vary and don't override existing Vary header": two Vary fields, as Kong sends them (helper review 146)
    @Test
    void varyIsAddedToTheBackendsVary() throws Exception {
        FakeHttp.Response r = send(
                cors("{origins: [example.test], methods: [GET]}"),
                FakeHttp.Request.get("/response-headers", "Origin", "example.test"),
                new FakeHttp.Backend().header("Vary", "Accept-Encoding"));
        assertEquals(java.util.List.of("Accept-Encoding", "Origin"), r.headers("Vary"));
    }

    // Every Vary line the backend sent stays: dropping a second line's Authorization would let a
    // shared cache hand one user's answer to another.
    @Test
    void everyVaryLineOfTheBackendIsKept() throws Exception {
        FakeHttp.Response r = send(
                cors("{origins: [example.test], methods: [GET]}"),
                FakeHttp.Request.get("/response-headers", "Origin", "example.test"),
                new FakeHttp.Backend().header("Vary", "Accept-Encoding").header("Vary", "Authorization"));
        assertEquals(java.util.List.of("Accept-Encoding", "Authorization", "Origin"), r.headers("Vary"));
    }

    // "validates scheme and port"
    @Test
    void validatesSchemeAndPort() throws Exception {
        GatewaySnapshot s = cors("{origins: ['http://my-site.test', 'https://my-other-site.test:9000']}");
        assertEquals(
                "http://my-site.test", get(s, "Origin", "http://my-site.test").header("Access-Control-Allow-Origin"));
        assertEquals(
                "http://my-site.test",
                get(s, "Origin", "http://my-site.test:80").header("Access-Control-Allow-Origin"));
        assertNull(get(s, "Origin", "http://my-site.test:8000").header("Access-Control-Allow-Origin"));
        assertNull(get(s, "Origin", "https://my-site.test").header("Access-Control-Allow-Origin"));
        assertEquals(
                "https://my-other-site.test:9000",
                get(s, "Origin", "https://my-other-site.test:9000").header("Access-Control-Allow-Origin"));
        assertNull(get(s, "Origin", "https://my-other-site.test:9001").header("Access-Control-Allow-Origin"));
    }

    // "responds with the requested Origin (including port) when config.credentials=true",
    // "responds with * when origin is explicitly set to * and config.credentials=false"
    @Test
    void credentialsWithStar() throws Exception {
        GatewaySnapshot cors5 = cors("{origins: ['*'], credentials: true}");
        for (String origin : List.of("http://www.example.net", "http://www.example.net:3000")) {
            FakeHttp.Response r = get(cors5, "Origin", origin);
            assertEquals(origin, r.header("Access-Control-Allow-Origin"));
            assertEquals("true", r.header("Access-Control-Allow-Credentials"));
            assertEquals("Origin", r.header("Vary"));
        }
        FakeHttp.Response r = get(cors("{origins: ['*'], credentials: false}"), "Origin", "http://www.example.net");
        assertEquals("*", r.header("Access-Control-Allow-Origin"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
        assertNull(r.header("Vary"));
    }

    // "removes upstream ACAO header when no match is found"
    @Test
    void removesTheBackendsAllowOriginWhenNoEntryMatches() throws Exception {
        GatewaySnapshot cors12 = cors("{credentials: true, preflight_continue: false, max_age: 1728000,"
                + " headers: [DNT, X-CustomHeader, Authorization], origins: [a.xxx.test, allowed-domain.test]}");
        FakeHttp.Response allowed = send(
                cors12,
                FakeHttp.Request.get("/response-headers", "Origin", "allowed-domain.test"),
                new FakeHttp.Backend()
                        .header("Response-Header", "is-added")
                        .header("Access-Control-Allow-Origin", "*"));
        assertEquals("is-added", allowed.header("Response-Header"));
        assertEquals("allowed-domain.test", allowed.header("Access-Control-Allow-Origin"));
        assertEquals("true", allowed.header("Access-Control-Allow-Credentials"));
        assertEquals("Origin", allowed.header("Vary"));
        FakeHttp.Response disallowed = send(
                cors12,
                FakeHttp.Request.get("/response-headers", "Origin", "disallowed-domain.test"),
                new FakeHttp.Backend()
                        .header("Response-Header", "is-added")
                        .header("Access-Control-Allow-Origin", "*"));
        assertEquals("is-added", disallowed.header("Response-Header"));
        assertNull(disallowed.header("Access-Control-Allow-Origin"));
        assertEquals("true", disallowed.header("Access-Control-Allow-Credentials"));
        // Not Kong's: Vary: Origin on a disallowed origin's answer too (see the README).
        assertEquals("Origin", disallowed.header("Vary"));
    }

    // allow_origin_absent false: a request without an Origin header gets no CORS header (Kong's
    // header_filter returns first); an empty Origin is a value there and gets them.
    @Test
    void noOriginGetsNoHeadersWhenAllowOriginAbsentIsOff() throws Exception {
        GatewaySnapshot cors15 = cors(
                "{origins: [foo.bar], exposed_headers: [x-auth-token], credentials: true, allow_origin_absent: false}");
        FakeHttp.Response r = get(cors15);
        assertEquals(200, r.status());
        assertNull(r.header("Access-Control-Allow-Origin"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
        assertNull(r.header("Access-Control-Expose-Headers"));
        assertNull(r.header("Vary"));
        assertEquals("x-auth-token", get(cors15, "Origin", "").header("Access-Control-Expose-Headers"));
        assertEquals("foo.bar", get(cors15, "Origin", "foo.bar").header("Access-Control-Allow-Origin"));
    }

    // A * among other entries: Kong meets it while reading the list and allows every request with
    // an Origin (Vary: Origin); without one, no allow-origin, but Vary and credentials as any list.
    @Test
    void starAmongOtherEntriesNeedsAnOrigin() throws Exception {
        GatewaySnapshot s = cors("{origins: ['https://app.example', '*']}");
        assertEquals("*", get(s, "Origin", "https://app.example").header("Access-Control-Allow-Origin"));
        assertEquals("Origin", get(s, "Origin", "https://app.example").header("Vary"));
        GatewaySnapshot withCredentials = cors("{origins: [foo.bar, '*'], credentials: true}");
        FakeHttp.Response none = get(withCredentials);
        assertNull(none.header("Access-Control-Allow-Origin"));
        assertEquals("true", none.header("Access-Control-Allow-Credentials"));
        assertEquals("Origin", none.header("Vary"));
        FakeHttp.Response other = get(withCredentials, "Origin", "http://www.example.net");
        assertEquals("http://www.example.net", other.header("Access-Control-Allow-Origin"), "credentials echo it");
    }

    // methods: [] is joined as Kong joins it, to "", and OpenResty's set_header sends no header for
    // an empty value (helper review 279): no method beyond the simple ones. So is an empty
    // Access-Control-Request-Headers echoed: no header.
    @Test
    void noMethodsAllowsNone() throws Exception {
        FakeHttp.Response r = preflight(cors("{origins: [example.test], methods: []}"), "example.test");
        assertEquals(null, r.header("Access-Control-Allow-Methods"));
        assertEquals(200, r.status());
        FakeHttp.Response empty =
                preflight(cors("{origins: [example.test]}"), "example.test", "Access-Control-Request-Headers", "");
        assertEquals(null, empty.header("Access-Control-Allow-Headers"));
        FakeHttp.Response echoed = preflight(
                cors("{origins: [example.test]}"), "example.test", "Access-Control-Request-Headers", "X-Token");
        assertEquals("X-Token", echoed.header("Access-Control-Allow-Headers"));
    }

    // "when allow_origin_absent is enabled with missing Origin header[1|2], ACAO is returned"
    // (Kong's default: true)
    @Test
    void noOriginStillGetsTheHeaders() throws Exception {
        GatewaySnapshot cors16 = cors("{origins: [foo.bar], exposed_headers: [x-auth-token], credentials: true}");
        for (String[] origin : new String[][] {{}, {"Origin", ""}}) {
            FakeHttp.Response r = get(cors16, origin);
            assertEquals(200, r.status());
            assertEquals("foo.bar", r.header("Access-Control-Allow-Origin"));
            assertEquals("true", r.header("Access-Control-Allow-Credentials"));
            assertEquals("x-auth-token", r.header("Access-Control-Expose-Headers"));
        }
    }

    /** WebSocket handshakes enforce the entries, the single plain one compared as any other. */
    @Test
    void allowsComparesEveryEntryNormalised() {
        GatewaySnapshot s = cors("{origins: ['https://app.gitinsight.io']}");
        CorsSchema.Config single =
                s.plugins().config(TestSnapshots.match(s, "c").route(), CorsSchema.NAME, CorsSchema.Config.class);
        assertTrue(single.allows("https://app.gitinsight.io"));
        assertTrue(single.allows("https://app.gitinsight.io:443"));
        assertTrue(!single.allows("https://evil.example"));
        assertTrue(!single.allows("http://app.gitinsight.io"));
    }

    // Kong runs cors's header_filter on every answer of a request it applies to: bot-detection
    // (priority 2500) refuses before cors's access phase (2000) runs, and the 403 still carries the
    // origin's headers; a global instance's go on the no-route 404, a route's do not.
    @Test
    void anAnswerGivenBeforeCorsRanCarriesTheOriginsHeaders() throws Exception {
        GatewaySnapshot s = cors("{origins: ['https://a.example'], credentials: true, exposed_headers: [X-E]}");
        FakeHttp.Request request =
                FakeHttp.Request.get("/", "Origin", "https://a.example").on(s, TestSnapshots.match(s, "c"));
        FakeHttp.Response response = new FakeHttp.Response();
        new CorsPhase().doFilter(request.request, response.response, FakeHttp.refusal(403, "Forbidden"));
        assertEquals(403, response.status());
        assertEquals("https://a.example", response.header("Access-Control-Allow-Origin"));
        assertEquals("true", response.header("Access-Control-Allow-Credentials"));
        assertEquals("X-E", response.header("Access-Control-Expose-Headers"));
        assertEquals("Origin", response.header("Vary"));

        String plugin = "{name: cors, config: {origins: ['*']}}";
        for (boolean global : List.of(true, false)) {
            GatewaySnapshot g = TestSnapshots.withPlugin(plugin, "c", global);
            FakeHttp.Request lost = FakeHttp.Request.get("/nowhere", "Origin", "https://b.example")
                    .on(g, null);
            FakeHttp.Response notFound = new FakeHttp.Response();
            new CorsPhase()
                    .doFilter(
                            lost.request,
                            notFound.response,
                            FakeHttp.refusal(404, com.gitinsight.gateway.http.ErrorResponses.NO_ROUTE));
            assertEquals(404, notFound.status());
            assertEquals(global ? "*" : null, notFound.header("Access-Control-Allow-Origin"), "global " + global);
        }
    }

    // Kong's max_age is a number, sent as Lua writes it; -1 is a value, not "unset".
    @Test
    void aFractionalOrNegativeMaxAgeIsSentAsWritten() throws Exception {
        assertEquals(
                "1.5", preflight(cors("{max_age: 1.5}"), "https://a.example").header("Access-Control-Max-Age"));
        assertEquals("-1", preflight(cors("{max_age: -1}"), "https://a.example").header("Access-Control-Max-Age"));
        assertNull(preflight(cors("{}"), "https://a.example").header("Access-Control-Max-Age"));
    }
}
