package com.gitinsight.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.RoutePaths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The router against Kong. The nested classes port Kong's router spec
 * ({@code spec/01-unit/08-router_spec.lua}, flavor {@code traditional_compatible}, and the
 * path-handling table {@code spec/fixtures/router_path_handling_tests.lua} at Kong commit
 * 34c7dfdc); each test names the spec's {@code describe}/{@code it} it comes from. Kong's spec
 * routes carry ids; where Kong's priority ties, Kong takes the larger id (the later route in every
 * ported case), which the router's tie-breakers (see {@link Router}) reproduce.
 */
class RouterTest {

    record Req(String method, String host, String path, Map<String, List<String>> headerMap, int localPort)
            implements RequestFacts {

        @Override
        public String headerText(String value) {
            return com.gitinsight.gateway.http.HeaderText.utf8(value); // as the servlet facts read it
        }

        Req(String method, String path) {
            this(method, "gateway.local", path, Map.of(), -1);
        }

        Req(String method, String host, String path) {
            this(method, host, path, Map.of(), -1);
        }

        Req(String method, String host, String path, Map<String, List<String>> headerMap) {
            this(method, host, path, headerMap, -1);
        }

        @Override
        public Enumeration<String> headers(String lowerName) {
            return Collections.enumeration(headerMap.getOrDefault(lowerName, List.of()));
        }
    }

    private static Router router(String yaml) throws Exception {
        return routerOfVersion("3.0", yaml);
    }

    private static Router routerOfVersion(String version, String yaml) throws Exception {
        GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn())
                .parse("t.yml", "_format_version: \"" + version + "\"\n" + yaml);
        // Kong's router spec runs its path-handling table (v0 and v1) with the traditional router.
        return Router.build(config, Router.Flavor.TRADITIONAL);
    }

    /** Routes (YAML flow maps, named r1, r2... by the caller as Kong's use_case indices) of one service. */
    private static Router routes(String... routes) throws Exception {
        return router("services: [{name: s, url: \"http://s\"}]\nroutes:\n"
                + Stream.of(routes)
                        .map(r -> "  - " + r.replaceFirst("^\\{", "{service: s, ") + "\n")
                        .collect(Collectors.joining()));
    }

    // Helper review 213 #1: Kong's get_priority adds one to a route's weight for snis, and its
    // expression lets snis pass on plain HTTP: the shorter path with snis wins there.
    @Test
    void snisCountInTheWeightThoughTheyAreNotMatched() throws Exception {
        Router r = routes("{name: r1, paths: [/api], snis: [api.example.com]}", "{name: r2, paths: [/api/v1]}");
        assertEquals(
                "r1",
                r.match(new Req("GET", "api.example.com", "/api/v1/x")).route().name());
        Router without = routes("{name: r1, paths: [/api]}", "{name: r2, paths: [/api/v1]}");
        assertEquals(
                "r2",
                without.match(new Req("GET", "api.example.com", "/api/v1/x"))
                        .route()
                        .name());
        // Over TLS to the gateway's own listener Kong checks the server name, which the gateway
        // cannot: the route with snis gets no weight for them there (helper review 216).
        Req plain = new Req("GET", "other.example.com", "/api/v1/x");
        RequestFacts overTls = new RequestFacts() {
            @Override
            public boolean tls() {
                return true;
            }

            @Override
            public String method() {
                return plain.method();
            }

            @Override
            public String host() {
                return plain.host();
            }

            @Override
            public String path() {
                return plain.path();
            }

            @Override
            public Enumeration<String> headers(String lowerName) {
                return plain.headers(lowerName);
            }
        };
        assertEquals("r2", r.match(overTls).route().name());
    }

    // Helper review 108: Kong's regex engine is linear, Java's backtracks. A route regex with
    // repeated wildcards on a long path is decided within a bound or not at all: no route is chosen
    // (the catch-all after it would take the request past the regex route's plugins), and the
    // caller answers 400. Without the bound this took minutes (or overflowed the stack).
    @Test
    void aRouteRegexThatCannotBeDecidedWithinItsBoundChoosesNoRoute() throws Exception {
        Router r = routes(
                "{name: details, paths: ['~/api/(.*)/(.*)/(.*)/details$']}",
                "{name: repeated, paths: ['~/f/(?:[^/]+/)*x$']}",
                "{name: tenant, paths: [/t], headers: {x-tenant: ['~*^(a|b)*$']}}",
                "{name: all, paths: [/]}");
        String path = "/api/" + "a/".repeat(4000) + "x";
        assertThrows(Router.Undecidable.class, () -> r.match(new Req("GET", path)));
        assertThrows(Router.Undecidable.class, () -> r.match(new Req("GET", "/f/" + "ab/".repeat(20_000) + "y")));
        assertThrows(
                Router.Undecidable.class,
                () -> r.match(new Req(
                        "GET", "gateway.local", "/t", Map.of("x-tenant", List.of("ab".repeat(20_000) + "!")))));
        // Within the bound, as before.
        assertEquals("details", routeOf(r, "GET", null, "/api/a/b/c/details"));
        assertEquals("all", routeOf(r, "GET", null, "/api/a/b/c/other"));
        assertEquals("repeated", routeOf(r, "GET", null, "/f/a/b/x"));
        assertEquals(
                "tenant",
                r.match(new Req("GET", "gateway.local", "/t", Map.of("x-tenant", List.of("AAA"))))
                        .route()
                        .name());
    }

    // Helper review 113: the bound is the request's, not each value's: many header values, each
    // within a bound of its own, cannot add up to a held request thread.
    @Test
    void theRegexBoundIsSharedByARequestsValues() throws Exception {
        Router r = routes("{name: h, paths: [/h], headers: {x-h: ['~*(.*)-(.*)-(.*)z']}}", "{name: all, paths: [/]}");
        List<String> values = java.util.Collections.nCopies(300, "-".repeat(60));
        assertThrows(
                Router.Undecidable.class, () -> r.match(new Req("GET", "gateway.local", "/h", Map.of("x-h", values))));
        assertEquals(
                "h",
                r.match(new Req("GET", "gateway.local", "/h", Map.of("x-h", List.of("a-b-cz"))))
                        .route()
                        .name());
    }

    // Helper review 89: a POSIX class in a regex path, as Kong's engines read it (Java took
    // [[:digit:]] for the characters ':', 'd', 'i', 'g', 't').
    @Test
    void aPosixClassInARegexPathIsReadAsKongReadsIt() throws Exception {
        Router r = routes("{name: v, paths: ['~/v[[:digit:]]+$']}", "{name: w, paths: ['~/w[[:alpha:][:digit:]]+$']}");
        assertEquals("v", routeOf(r, "GET", null, "/v2"));
        assertNull(routeOf(r, "GET", null, "/vd"));
        assertNull(routeOf(r, "GET", null, "/v:"));
        assertEquals("w", routeOf(r, "GET", null, "/wa1"));
        // A '-' after a class is a '-' (attacker review 133: [[:word:]-.] would not compile).
        Router dash = routes("{name: d, paths: ['~/d/[[:word:]-.]+$']}", "{name: z, paths: ['~/z/[[:word:]-z]+$']}");
        assertEquals("d", routeOf(dash, "GET", null, "/d/a-b.c_1"));
        assertEquals("z", routeOf(dash, "GET", null, "/z/a-z"));
        assertNull(routeOf(dash, "GET", null, "/z/`"), "no range from _ to z");
    }

    // Helper review 130: Kong's router runs route regexes in Rust's regex crate, whose \w, \d and
    // (?i) are Unicode-aware; its POSIX classes stay ASCII. A normalised path holds the characters.
    @Test
    void routeRegexesReadUnicodeAsRustsRegexCrateDoes() throws Exception {
        Router r = routes(
                "{name: users, paths: ['~/users/\\w+$']}",
                "{name: orders, paths: ['~/orders/\\d+$']}",
                "{name: cafe, paths: ['~/(?i)café$']}",
                "{name: posix, paths: ['~/p/[[:alpha:]]+$']}");
        assertEquals("users", routeOf(r, "GET", null, "/users/josé"));
        assertEquals("orders", routeOf(r, "GET", null, "/orders/\u0663\u0664"));
        assertEquals("cafe", routeOf(r, "GET", null, "/CAFÉ"));
        assertEquals("posix", routeOf(r, "GET", null, "/p/abc"));
        assertNull(routeOf(r, "GET", null, "/p/é"), "[[:alpha:]] is ASCII in Rust's regex too");
    }

    @Test
    void aRouteWithoutAServiceMatchesWithNoServiceAndTheRequestPathAsItsUpstreamPath() throws Exception {
        // Kong's serviceless route: routed like any other (its plugins run), then answered 503.
        Router r = router("""
                services: [{name: s, url: "http://s/base"}]
                routes:
                  - {name: bare, paths: [/bare], strip_path: false}
                  - {name: stripped, paths: [/stripped]}
                  - {name: other, service: s, paths: [/]}
                """);
        RouteMatch bare = r.match(new Req("GET", "/bare/x"));
        assertEquals("bare", bare.route().name());
        assertNull(bare.service());
        assertEquals("/bare/x", bare.upstreamPath());
        RouteMatch stripped = r.match(new Req("GET", "/stripped/y"));
        assertNull(stripped.service());
        assertEquals("/y", stripped.upstreamPath());
        assertEquals("s", r.match(new Req("GET", "/z")).service().name());
    }

    // Kong loads a service written without a name (helper review 151 #2): its nested routes go to
    // it, a top-level route names it by its id, and its upstream path is built as any service's.
    @Test
    void servicesWithoutNamesAreRouted() throws Exception {
        Router r = router("services:\n"
                + "  - url: http://one.example/base\n"
                + "    routes: [{name: nested, paths: [/one]}]\n"
                + "  - id: 0b3b4b52-6a0a-4c3e-9a53-0c2f1fb4e0d1\n"
                + "    url: http://two.example\n"
                + "routes:\n"
                + "  - {name: top, paths: [/two], service: {id: 0b3b4b52-6a0a-4c3e-9a53-0c2f1fb4e0d1}}\n");
        RouteMatch one = r.match(new Req("GET", "/one/x"));
        assertEquals("one.example", one.service().host());
        assertEquals("/base/x", one.upstreamPath());
        assertNull(one.service().fileName());
        RouteMatch two = r.match(new Req("GET", "/two"));
        assertEquals("two.example", two.service().host());
        assertEquals("0b3b4b52-6a0a-4c3e-9a53-0c2f1fb4e0d1", two.service().kongId());
        assertNull(two.service().fileName());
    }

    private static String routeOf(Router router, RequestFacts request) {
        RouteMatch m = router.match(request);
        return m == null ? null : m.route().name();
    }

    private static String routeOf(Router router, String method, String host, String path) {
        return routeOf(router, new Req(method, host, path));
    }

    private static String upstream(Router router, String method, String path) {
        RouteMatch m = router.match(new Req(method, path));
        assertNotNull(m, path + " matched no route");
        return m.upstreamPath();
    }

    private static Map<String, List<String>> headers(String... nameValues) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
        }
        return out;
    }

    @Test
    void longestPlainPrefixWins() throws Exception {
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: short, service: s, paths: [/api]}
                  - {name: long, service: s, paths: [/api/v1/repositories]}
                """);
        assertEquals("long", routeOf(r, new Req("GET", "/api/v1/repositories/7")));
        assertEquals("short", routeOf(r, new Req("GET", "/api/v1/other")));
        // Kong prefixes are plain string prefixes, not segment-aware.
        assertEquals("short", routeOf(r, new Req("GET", "/apix")));
        assertNull(routeOf(r, new Req("GET", "/ap")));
    }

    @Test
    void regexRoutesGoFirstByPriorityThenFileOrder() throws Exception {
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: plain, service: s, paths: [/api/v1/repositories]}
                  - {name: low, service: s, paths: ["~/api/v1/\\\\w+/\\\\d+$"], regex_priority: 1}
                  - {name: high, service: s, paths: ["~/api/v1/repositories/\\\\d+$"], regex_priority: 5}
                  - {name: first, service: s, paths: ["~/files/.*"]}
                  - {name: second, service: s, paths: ["~/files/a.*"]}
                """);
        assertEquals("high", routeOf(r, new Req("GET", "/api/v1/repositories/42")));
        assertEquals("low", routeOf(r, new Req("GET", "/api/v1/analysis/42")));
        assertEquals("plain", routeOf(r, new Req("GET", "/api/v1/repositories/42/summary")));
        assertEquals("first", routeOf(r, new Req("GET", "/files/abc")));
    }

    @Test
    void aRegexIsAnchoredAsKongsCompatWritesIt() throws Exception {
        // Kong: "^" .. regex, searched: an alternation is anchored on its first branch only, and
        // strip_path removes the match's length from the start (atc.lua: #matched_path).
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: alt, service: s, paths: ["~/v1/users|/v2/users"], strip_path: true}
                  - {name: tenants, service: s, paths: [/tenants]}
                """);
        assertEquals("alt", routeOf(r, new Req("GET", "/v1/users/7")));
        assertEquals("alt", routeOf(r, new Req("GET", "/tenants/x/v2/users")), "the second branch is not anchored");
        assertEquals("tenants", routeOf(r, new Req("GET", "/tenants/x/v1/users")), "the first branch is");
        assertEquals("/x/v2/users", upstream(r, "GET", "/tenants/x/v2/users"), "9 characters stripped from the start");
        // Rust's regex crate has no possessive quantifier: [a-z]++ is ([a-z]+)+ there (helper review 180).
        Router possessive = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: po, service: s, paths: ["~/po/[a-z]++z$"]}
                  - {name: opt, service: s, paths: ["~/opt/a?+b$"]}
                  - {name: chain, service: s, paths: ["~/chain/[a-z]+++z$"]}
                  - {name: lazy, service: s, paths: ["~/lazy/a+?+b$"]}
                  - {name: escaped, service: s, paths: ["~/esc/a\\\\(?+b$"]}
                  - {name: counted, service: s, paths: ["~/cnt/a{1,2}+b$"]}
                  - {name: thrice, service: s, paths: ["~/three/(?:x|y){3}+$"]}
                  - {name: classy, service: s, paths: ["~/cls/[a-c]{2}?+z$"]}
                """);
        // X{n,m}+ too is (X{n,m})+ there, not possessive.
        assertEquals("counted", routeOf(possessive, new Req("GET", "/cnt/aaab")));
        assertEquals("thrice", routeOf(possessive, new Req("GET", "/three/xyxyxy")));
        assertNull(routeOf(possessive, new Req("GET", "/three/xyxy")), "multiples of three only");
        assertEquals("classy", routeOf(possessive, new Req("GET", "/cls/abcaz")));
        // Attacker review 185: chains, lazy ones and a quantified escaped '(' are nested too.
        assertEquals("chain", routeOf(possessive, new Req("GET", "/chain/abcz")));
        assertEquals("lazy", routeOf(possessive, new Req("GET", "/lazy/aab")));
        assertEquals("escaped", routeOf(possessive, new Req("GET", "/esc/a((b")));
        // Rust's spellings Java lacks or reads otherwise (attacker review 185).
        Router rust = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: braced, service: s, paths: ["~/u/\\\\u{41}\\\\U0000004200$"]}
                  - {name: words, service: s, paths: ["~/w/\\\\<ab\\\\>"]}
                """);
        assertEquals("braced", routeOf(rust, new Req("GET", "/u/AB00")));
        assertEquals("words", routeOf(rust, new Req("GET", "/w/ab")));
        assertNull(routeOf(rust, new Req("GET", "/w/xab")), "\\< starts a word");
        assertEquals("po", routeOf(possessive, new Req("GET", "/po/abcz")));
        assertEquals("opt", routeOf(possessive, new Req("GET", "/opt/aaab")), "(a?)+ takes any number of a");
        // ...and the prefix (X-Forwarded-Prefix) is the matched text, Kong's match_t.prefix (helper review 180).
        assertEquals("/v2/users", r.match(new Req("GET", "/tenants/x/v2/users")).prefix());
        assertEquals("/v1/users", r.match(new Req("GET", "/v1/users/7")).prefix());
    }

    @Test
    void aHeaderValueIsComparedAsKongComparesItsBytes() throws Exception {
        // Helper review 180: the container hands a header's bytes over one a character; the file's
        // values are text. "josé" sent as UTF-8 never matched a route written josé.
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: exact, service: s, paths: [/a], headers: {x-user: [josé]}}
                  - {name: regex, service: s, paths: [/b], headers: {x-user: ['~*^jos[ée]$']}}
                """);
        java.util.function.Function<String, String> wire = v -> new String(
                v.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals("exact", routeOf(r, new Req("GET", null, "/a", headers("x-user", wire.apply("josé")))));
        assertEquals(
                "exact", routeOf(r, new Req("GET", null, "/a", headers("x-user", wire.apply("JOSé")))), "ASCII folds");
        assertNull(
                routeOf(r, new Req("GET", null, "/a", headers("x-user", wire.apply("JOSÉ")))),
                "as Lua's lower(): É does not");
        assertEquals("regex", routeOf(r, new Req("GET", null, "/b", headers("x-user", wire.apply("josé")))));
        assertNull(
                routeOf(r, new Req("GET", null, "/a", headers("x-user", "jos\u00e9"))),
                "a Latin-1 byte is not josé's UTF-8");
        // A ~* regex folds ASCII only, as Lua's lower() (attacker review 185): the Kelvin sign is no k.
        Router folded = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: key, service: s, paths: [/k], headers: {x-k: ['~*^key$']}}
                """);
        assertEquals("key", routeOf(folded, new Req("GET", null, "/k", headers("x-k", "KEY"))));
        assertNull(routeOf(folded, new Req("GET", null, "/k", headers("x-k", wire.apply("\u212Aey")))));
        assertNull(routeOf(r, new Req("GET", null, "/b", headers("x-user", wire.apply("JOSÉ")))), "É does not fold");
    }

    private static GatewayConfig config(String yaml) throws Exception {
        return new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", "_format_version: \"3.0\"\n" + yaml);
    }

    private static String wire(String text) {
        return new String(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    // Helper review 312: Kong 3's traditional_compatible router lower-cases the request's value with
    // its ATC router's lower() (Rust's to_lowercase: every letter) and the route's with Lua's
    // lower() (ASCII only): transform.lua's any(lower(http.headers.x)) == value:lower().
    @Test
    void theCompatibleRouterLowerCasesTheRequestsHeaderValueInFull() throws Exception {
        GatewayConfig config = config("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: exact, service: s, paths: [/a], headers: {x-user: [josé]}}
                  - {name: upper, service: s, paths: [/u], headers: {x-user: [JOSÉ]}}
                  - {name: regex, service: s, paths: [/b], headers: {x-user: ['~*^jos[ée]$']}}
                  - {name: key, service: s, paths: [/k], headers: {x-k: ['~*^key$']}}
                  - {name: any, service: s, paths: [/]}
                """);
        Router r = Router.build(config);
        assertEquals("exact", routeOf(r, new Req("GET", null, "/a", headers("x-user", wire("JOSÉ")))));
        assertEquals("exact", routeOf(r, new Req("GET", null, "/a", headers("x-user", wire("josé")))));
        assertEquals("exact", routeOf(r, new Req("GET", null, "/a", headers("x-user", wire("JoSé")))));
        assertEquals(
                "any",
                routeOf(r, new Req("GET", null, "/u", headers("x-user", wire("JOSÉ")))),
                "a route written JOSÉ is josÉ to Kong, and no request's lower-cased value is");
        assertEquals("regex", routeOf(r, new Req("GET", null, "/b", headers("x-user", wire("JOSÉ")))));
        assertEquals(
                "key",
                routeOf(r, new Req("GET", null, "/k", headers("x-k", wire("\u212Aey")))),
                "the Kelvin sign lower-cases to k");
        // The traditional router folds ASCII on both sides, as before.
        Router traditional = Router.build(config, Router.Flavor.TRADITIONAL);
        assertEquals("any", routeOf(traditional, new Req("GET", null, "/a", headers("x-user", wire("JOSÉ")))));
        assertEquals("upper", routeOf(traditional, new Req("GET", null, "/u", headers("x-user", wire("JOSÉ")))));
        assertEquals("any", routeOf(traditional, new Req("GET", null, "/k", headers("x-k", wire("\u212Aey")))));
    }

    // Helper review 312: Kong hands every value of a header some route names (and the Host, when
    // some route has hosts) to its ATC router as text; one that is not UTF-8 fails the whole match:
    // "router returned an error", 404 (08-router_spec's "gracefully handles invalid utf-8 sequences").
    @Test
    void aValueTheCompatibleRouterCannotReadAsTextMatchesNoRoute() throws Exception {
        GatewayConfig config = config("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: user, service: s, paths: [/a], headers: {x-user: [josé]}}
                  - {name: host, service: s, paths: [/h], hosts: [example.com]}
                  - {name: any, service: s, paths: [/]}
                """);
        Router r = Router.build(config);
        String latin1 = "jos\u00e9"; // one byte 0xE9: no UTF-8
        assertNull(routeOf(r, new Req("GET", null, "/a", headers("x-user", latin1))));
        assertNull(
                routeOf(r, new Req("GET", null, "/b", headers("x-user", "ok", "x-user", latin1))),
                "whichever route the request was for");
        assertEquals(
                "any", routeOf(r, new Req("GET", null, "/b", headers("x-other", latin1))), "a header no route names");
        assertEquals("any", routeOf(r, new Req("GET", null, "/b", headers("x-user", wire("josé")))));
        assertNull(routeOf(r, new Req("GET", "exa\u00e9mple.com", "/b", Map.of())), "a Host that is no UTF-8");
        assertEquals("any", routeOf(r, new Req("GET", wire("exaémple.com"), "/b", Map.of())));
        // The traditional router has no such step: the value only fails its own route.
        Router traditional = Router.build(config, Router.Flavor.TRADITIONAL);
        assertEquals("any", routeOf(traditional, new Req("GET", null, "/a", headers("x-user", latin1))));
        assertEquals("any", routeOf(traditional, new Req("GET", "exa\u00e9mple.com", "/b", Map.of())));
    }

    // Helper review 312: two spellings of one header name in a route are two conditions on Kong
    // (its expression joins both with &&, its priority counts both keys); here the later one
    // replaced the earlier.
    @Test
    void twoSpellingsOfAHeaderNameAreTwoConditions() throws Exception {
        GatewayConfig config = config("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: one, service: s, paths: [/], headers: {x-a: [v1]}}
                  - {name: both, service: s, paths: [/], headers: {x-a: [v1], X_A: [v2]}}
                """);
        assertEquals(
                java.util.Set.of("x-a", "X_A"), config.routes().get(1).headers().keySet(), "as written");
        for (Router r : List.of(Router.build(config), Router.build(config, Router.Flavor.TRADITIONAL))) {
            assertEquals("one", routeOf(r, new Req("GET", null, "/", headers("x-a", "v1"))));
            assertNull(routeOf(r, new Req("GET", null, "/", headers("x-a", "v2"))), "v1 is needed too");
            assertEquals(
                    "both",
                    routeOf(r, new Req("GET", null, "/", headers("x-a", "v1", "x-a", "v2"))),
                    "two headers outrank one");
        }
    }

    @Test
    void aHeaderRegexIsLowerCasedAsKongsCompatDoes() throws Exception {
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: bearer, service: s, paths: [/a], headers: {authorization: ['~*^Bearer\\s\\S+$']}}
                  - {name: upper, service: s, paths: [/b], headers: {x-tenant: ['~*^ACME-[0-9]+$']}}
                """);
        // ^bearer\s\s+$ after lower-casing: "Bearer abc" no longer matches, as on Kong.
        assertNull(routeOf(r, new Req("GET", null, "/a", headers("authorization", "Bearer abc"))));
        assertEquals("bearer", routeOf(r, new Req("GET", null, "/a", headers("authorization", "Bearer  \t"))));
        assertEquals("upper", routeOf(r, new Req("GET", null, "/b", headers("x-tenant", "Acme-42"))));
        // PCRE's classes, as path regexes read them (review 122): Java read [[:digit:]] as {: d i g t}.
        Router posix = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: v, service: s, paths: [/v], headers: {x-version: ['~*^v[[:digit:]]+$']}}
                  - {name: n, service: s, paths: [/n], headers: {x-version: ['~*^(?P<Major>[0-9]+)\\.x$']}}
                """);
        assertEquals("n", routeOf(posix, new Req("GET", null, "/n", headers("x-version", "3.x"))));
        assertEquals("v", routeOf(posix, new Req("GET", null, "/v", headers("x-version", "v12"))));
        assertNull(routeOf(posix, new Req("GET", null, "/v", headers("x-version", "vdig"))));
    }

    @Test
    void methodsHostsAndHeadersNarrowAMatch() throws Exception {
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: any, service: s, paths: [/x]}
                  - {name: post, service: s, paths: [/x], methods: [POST]}
                  - {name: host, service: s, paths: [/x], hosts: ["*.example.com"]}
                  - {name: header, service: s, paths: [/x], headers: {x-version: ["v2", "~*^beta"]}}
                  - {name: suffix, service: s, paths: [/y], hosts: ["api.*"]}
                  - {name: port, service: s, paths: [/y], hosts: ["exact.local:8443"]}
                """);
        assertEquals("post", routeOf(r, new Req("POST", "/x")));
        assertEquals("host", routeOf(r, new Req("GET", "a.example.com:8000", "/x", Map.of())));
        assertEquals("any", routeOf(r, new Req("GET", "example.com", "/x", Map.of())));
        assertEquals("header", routeOf(r, new Req("GET", "h", "/x", Map.of("x-version", List.of("V2")))));
        assertEquals("header", routeOf(r, new Req("GET", "h", "/x", Map.of("x-version", List.of("BETA-3")))));
        assertEquals("any", routeOf(r, new Req("GET", "h", "/x", Map.of("x-version", List.of("v1")))));
        assertEquals("suffix", routeOf(r, new Req("GET", "API.gitinsight.com", "/y", Map.of())));
        assertEquals("port", routeOf(r, new Req("GET", "exact.local:8443", "/y", Map.of())));
        assertNull(routeOf(r, new Req("GET", "exact.local:9999", "/y", Map.of())));
    }

    @Test
    void routePathsMustBeWrittenInTheFormRequestsAreNormalisedTo() throws Exception {
        // Kong's routes schema refuses another spelling ("non-normalized path"): such a route could
        // never match as written, since the request path is normalised before matching.
        for (String path : List.of("/n/./admin", "/%7Euser")) {
            ConfigException e = assertThrows(ConfigException.class, () -> router("""
                    services: [{name: s, url: "http://s"}]
                    routes:
                      - {name: admin, service: s, paths: ["%s"]}
                    """.formatted(path)));
            assertTrue(e.getMessage().contains("non-normalized path"), e.getMessage());
        }
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: open, service: s, paths: [/n]}
                  - {name: admin, service: s, paths: ["/n/admin"]}
                  - {name: user, service: s, paths: ["/~user"]}
                """);
        // The request path as CurrentRequestFilter hands it to the router.
        assertEquals("admin", routeOf(r, new Req("GET", RequestPath.normalize("/n/./admin/x"))));
        assertEquals("admin", routeOf(r, new Req("GET", RequestPath.normalize("/n//admin/x"))));
        assertEquals("user", routeOf(r, new Req("GET", RequestPath.normalize("/%7Euser/x"))));
        assertEquals("/x", r.match(new Req("GET", "/n/admin/x")).upstreamPath());
    }

    // Helper review 93: Kong matches the request path with space and UTF-8 escapes decoded, so a
    // route written as Kong's schema wants it ("/docs/user guide", "/café") is reached by the
    // escaped spelling a client sends; before, the escapes stayed and the request fell through to
    // a broader route, without the specific route's plugins.
    @Test
    void escapedSpacesAndUtf8ReachTheRouteWrittenWithTheCharacters() throws Exception {
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: docs, service: s, paths: [/docs]}
                  - {name: guide, service: s, paths: ["/docs/user guide"]}
                  - {name: cafe, service: s, paths: ["/café"]}
                  - {name: spaced, service: s, paths: ['~/people/[a-z]+\\s[a-z]+$']}
                """);
        assertEquals("guide", routeOf(r, new Req("GET", RequestPath.normalize("/docs/user%20guide/x"))));
        assertEquals("cafe", routeOf(r, new Req("GET", RequestPath.normalize("/caf%C3%A9/menu"))));
        assertEquals("spaced", routeOf(r, new Req("GET", RequestPath.normalize("/people/john%20doe"))));
        Router guarded = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: site, service: s, paths: [/]}
                  - {name: internal, service: s, paths: ['~/internal/.+']}
                """);
        for (String sneaky : List.of("/internal/%C2%85x", "/internal/%E2%80%A8x", "/internal/x%E2%80%A9")) {
            assertEquals("internal", routeOf(guarded, new Req("GET", RequestPath.normalize(sneaky))), sneaky);
        }
        assertEquals(
                "/x",
                RequestPath.escape(r.match(new Req("GET", RequestPath.normalize("/docs/user%20guide/x")))
                        .upstreamPath()));
    }

    /**
     * Rule 1, the issue's examples: a host-only route beats a path-only one, a host route beats a
     * method-only one, a plain host beats a wildcard host, the number of kinds of condition comes
     * before the path's length, and a regex path beats a plain path equal to the whole request path.
     */
    @Test
    void theIssuesPrecedenceExamples() throws Exception {
        Router r = routes(
                "{name: path-only, paths: [/api]}",
                "{name: host-only, hosts: [route.com]}",
                "{name: method-only, methods: [GET]}",
                "{name: wildcard, hosts: [\"route.*\"]}",
                "{name: long-path, paths: [/api/v1/repositories]}",
                "{name: short-path-and-method, paths: [/api], methods: [GET]}");
        assertEquals("host-only", routeOf(r, "POST", "route.com", "/api"), "a plain host beats a path");
        assertEquals("host-only", routeOf(r, "GET", "route.com", "/x"), "a plain host beats a method");
        assertEquals("host-only", routeOf(r, "POST", "route.com", "/x"), "route.com beats route.*");
        assertEquals("wildcard", routeOf(r, "POST", "route.org", "/x"));
        assertEquals("short-path-and-method", routeOf(r, "GET", "route.com", "/api"), "two kinds beat one");
        assertEquals(
                "short-path-and-method",
                routeOf(r, "GET", "other", "/api/v1/repositories/1"),
                "two kinds of condition beat a longer path");
        assertEquals("long-path", routeOf(r, "POST", "other", "/api/v1/repositories/1"));
        Router regex = routes("{name: exact, paths: [/api/account]}", "{name: regex, paths: [\"~/api/.*\"]}");
        assertEquals("regex", routeOf(regex, "GET", "h", "/api/account"));
    }

    // Helper review 264: Kong's traditional_compatible priority (transform.lua get_priority) sets its
    // plain-host bit for any hosts table, an empty one too: `hosts: []` outranks a longer path.
    @Test
    void anEmptyHostsListIsPlainHostsToTheCompatiblePriority() throws Exception {
        String yaml = """
                services:
                  - name: s
                    url: http://b
                    routes:
                      - {name: all, paths: [/], hosts: []}
                      - {name: api, paths: [/api]}
                """;
        GatewayConfig config =
                new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", "_format_version: \"3.0\"\n" + yaml);
        assertEquals("all", routeOf(Router.build(config), "GET", "h", "/api/x"));
        assertEquals("api", routeOf(Router.build(config, Router.Flavor.TRADITIONAL), "GET", "h", "/api/x"));
        assertEquals("api", routeOf(router(yaml.replace(", hosts: []", "")), "GET", "h", "/api/x"), "no hosts at all");
    }

    /** Kong spec: {@code describe("select()")} with its fifteen use_case routes (r1..r15). */
    @Nested
    class KongSelect {
        static final String[] USE_CASE = {
            "{name: r1, hosts: [domain-1.org, domain-2.org]}",
            "{name: r2, methods: [TRACE]}",
            "{name: r3, paths: [/my-route]}",
            "{name: r4, paths: [/route-4], hosts: [domain-1.org, domain-2.org]}",
            "{name: r5, hosts: [domain-1.org, domain-2.org], methods: [POST, PUT, PATCH]}",
            "{name: r6, methods: [POST, PUT, PATCH], paths: [/route-6]}",
            "{name: r7, hosts: [domain-with-uri-1.org, domain-with-uri-2.org], methods: [POST, PUT, PATCH],"
                    + " paths: [/my-route-uri]}",
            // 8: Kong's serviceless route; every route here has a service.
            "{name: r8, paths: [/serviceless]}",
            "{name: r9, headers: {location: [my-location-1, my-location-2]}}",
            "{name: r10, headers: {location: [my-location-1], version: [v1, v2]}}",
            "{name: r11, headers: {location: [my-location-1, my-location-2]}, paths: [/headers-uri]}",
            "{name: r12, hosts: [domain-with-headers-1.org, domain-with-headers-2.org],"
                    + " headers: {location: [my-location-1, my-location-2]}, methods: [POST, PUT, PATCH],"
                    + " paths: [/headers-host-uri-method]}",
            "{name: r13, hosts: [\"domain-1.org:321\", domain-2.org]}",
            "{name: r14, hosts: [\"domain-3.org:321\"]}",
            // 15: Kong's header name user_agent, as Kong's fixture writes it (review 89: '_' is '-');
            // the request header is User-Agent.
            "{name: r15, headers: {user_agent: ['~*windows|linux|os\\s+x\\s*[\\d\\._]+|solaris|bsd']}}"
        };

        private final Router r = routes(USE_CASE);

        KongSelect() throws Exception {}

        @Test
        void host() {
            // it("[host]"), it("[host] ignores default port")
            assertEquals("r1", routeOf(r, "GET", "domain-1.org", "/"));
            assertEquals("r1", routeOf(r, "GET", "domain-1.org:80", "/"));
            // it("[host] weird port matches no-port route") (traditional only in Kong's spec, for its
            // matches.host assertion; traditional_compatible ignores the port of a no-port host too)
            assertEquals("r1", routeOf(r, "GET", "domain-1.org:123", "/"));
        }

        @Test
        void hostPorts() {
            // it("[host] matches specific port")
            assertEquals("r13", routeOf(r, "GET", "domain-1.org:321", "/"));
            // it("[host] matches specific port on port-only route")
            assertEquals("r14", routeOf(r, "GET", "domain-3.org:321", "/"));
            // it("[host] fails just because of port on port-only route")
            assertNull(routeOf(r, "GET", "domain-3.org:123", "/"));
        }

        @Test
        void uriMethodAndCombinations() {
            assertEquals("r3", routeOf(r, "GET", "domain.org", "/my-route"), "[uri]");
            assertEquals("r3", routeOf(r, "GET", "", "/my-route-uri"), "[uri + empty host]");
            assertEquals("r2", routeOf(r, "TRACE", "domain.org", "/"), "[method]");
            assertEquals("r4", routeOf(r, "GET", "domain-1.org", "/route-4"), "[host + uri]");
            assertEquals("r5", routeOf(r, "POST", "domain-1.org", "/"), "[host + method]");
            assertEquals("r6", routeOf(r, "PUT", "domain.org", "/route-6"), "[uri + method]");
            assertEquals("r7", routeOf(r, "PUT", "domain-with-uri-2.org", "/my-route-uri"), "[host + uri + method]");
            assertEquals("r8", routeOf(r, "GET", null, "/serviceless"), "[serviceless]");
        }

        @Test
        void singleHeadersValue() {
            // it("single [headers] value")
            assertEquals("r9", routeOf(r, new Req("GET", null, "/", headers("location", "my-location-1"))));
            assertEquals("r9", routeOf(r, new Req("GET", null, "/", headers("location", "my-location-2"))));
            assertEquals(
                    "r9",
                    routeOf(
                            r,
                            new Req(
                                    "GET",
                                    null,
                                    "/",
                                    headers("location", "my-location-3", "location", "my-location-2"))));
            assertNull(routeOf(r, new Req("GET", null, "/", headers("location", "my-location-3"))));
            assertNull(routeOf(r, new Req("GET", null, "/", headers("location", "my-location-3", "location", "foo"))));
            assertEquals(
                    "r15",
                    routeOf(
                            r,
                            new Req(
                                    "GET",
                                    null,
                                    "/",
                                    headers(
                                            "user-agent",
                                            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.116 Safari/537.36"))));
        }

        @Test
        void multipleHeadersValues() {
            // it("multiple [headers] values")
            assertEquals(
                    "r10",
                    routeOf(r, new Req("GET", null, "/", headers("location", "my-location-1", "version", "v1"))));
            assertEquals(
                    "r10",
                    routeOf(r, new Req("GET", null, "/", headers("location", "my-location-1", "version", "v2"))));
            assertEquals(
                    "r10",
                    routeOf(
                            r,
                            new Req(
                                    "GET",
                                    null,
                                    "/",
                                    headers(
                                            "location",
                                            "my-location-3",
                                            "location",
                                            "my-location-1",
                                            "version",
                                            "v2"))));
            // "fallback to Route 9"
            assertEquals(
                    "r9",
                    routeOf(
                            r,
                            new Req(
                                    "GET",
                                    null,
                                    "/",
                                    headers(
                                            "location",
                                            "my-location-3",
                                            "location",
                                            "my-location-2",
                                            "version",
                                            "v2"))));
        }

        @Test
        void headersWithUriHostAndMethod() {
            assertEquals(
                    "r11",
                    routeOf(r, new Req("GET", null, "/headers-uri", headers("location", "my-location-2"))),
                    "[headers + uri]");
            assertEquals(
                    "r12",
                    routeOf(
                            r,
                            new Req(
                                    "PUT",
                                    "domain-with-headers-1.org",
                                    "/headers-host-uri-method",
                                    headers("location", "my-location-2"))),
                    "[host + headers + uri + method]");
        }

        @Test
        void uriPrefixMatchesAPrefix() {
            // describe("[uri prefix]") it("matches when given [uri] is in request URI prefix")
            assertEquals("r3", routeOf(r, "GET", "domain.org", "/my-route/some/path"));
        }

        @Test
        void misses() {
            // describe("misses")
            assertNull(routeOf(r, "GET", "domain-3.org", "/"), "invalid [host]");
            assertNull(routeOf(r, "GET", "domain-3.org", "/route-4"), "invalid host in [host + uri]");
            assertNull(
                    routeOf(r, "GET", "domain-with-uri-2.org", "/some-uri"), "invalid method in [host + uri + method]");
            assertNull(
                    routeOf(r, "PUT", "domain-with-uri-2.org", "/some-uri-foo"),
                    "invalid uri in [host + uri + method]");
            assertNull(
                    routeOf(r, "GET", "domain.org", "/some-other-prefix/my-route"),
                    "does not match when given [uri] is in URI but not in prefix");
            assertNull(
                    routeOf(r, new Req("GET", null, "/", headers("location", "invalid-location"))),
                    "invalid [headers]");
            assertNull(
                    routeOf(r, new Req("GET", null, "/headers-uri", headers("location", "invalid-location"))),
                    "invalid headers in [headers + uri]");
            assertNull(
                    routeOf(r, new Req("PUT", null, "/headers-uri-method", headers("location", "invalid-location"))),
                    "invalid headers in [headers + uri + method]");
            assertNull(
                    routeOf(
                            r,
                            new Req("PUT", null, "/headers-host-uri-method", headers("location", "invalid-location"))),
                    "invalid headers in [headers + host + uri + method]");
        }

        @Test
        void edgeCasesHostAndUriBeforeMethod() throws Exception {
            // describe("edge-cases") it("[host] and [uri] have higher priority than [method]"): r1..r7 only
            Router seven = routes(
                    "{name: r1, hosts: [domain-1.org, domain-2.org]}",
                    "{name: r2, methods: [TRACE]}",
                    "{name: r3, paths: [/my-route]}",
                    "{name: r4, paths: [/route-4], hosts: [domain-1.org, domain-2.org]}",
                    "{name: r5, hosts: [domain-1.org, domain-2.org], methods: [POST, PUT, PATCH]}",
                    "{name: r6, methods: [POST, PUT, PATCH], paths: [/route-6]}",
                    "{name: r7, hosts: [domain-with-uri-1.org, domain-with-uri-2.org], methods: [POST, PUT, PATCH],"
                            + " paths: [/my-route-uri]}");
            assertEquals("r1", routeOf(seven, "TRACE", "domain-2.org", "/"));
            assertEquals("r3", routeOf(seven, "TRACE", "domain.org", "/my-route"));
        }

        @Test
        void rootUri() throws Exception {
            // describe("root / [uri]"): a route "/" inserted before the fifteen (r0)
            List<String> withRoot = new ArrayList<>(List.of(USE_CASE));
            withRoot.add(0, "{name: r0, paths: [/]}");
            Router root = routes(withRoot.toArray(new String[0]));
            assertEquals("r0", routeOf(root, "GET", "domain.org", "/"), "request with [method]");
            assertEquals("r3", routeOf(root, "GET", "domain.org", "/my-route"), "does not supersede another route");
            assertEquals("r3", routeOf(root, "GET", "domain.org", "/my-route/hello/world"));
            assertEquals("r0", routeOf(root, "GET", "domain.org", "/foobar/baz"), "acts as a catch-all route");
        }

        @Test
        void multipleRoutesOfSameCategoryWithConflictingValues() throws Exception {
            // describe("multiple routes of same category with conflicting values")
            List<String> rs = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                rs.add("{name: c" + i + ", hosts: [domain.org], paths: [/my-uri]}");
            }
            rs.add("{name: target, hosts: [domain.org], paths: [/my-target-uri]}");
            assertEquals("target", routeOf(routes(rs.toArray(new String[0])), "GET", "domain.org", "/my-target-uri"));
        }
    }

    /** Kong spec: {@code describe("[uri prefix]")} and {@code describe("[uri regex]")}. */
    @Nested
    class KongUris {

        @Test
        void doesNotSupersedeAnotherRouteWithALongerUri() throws Exception {
            Router r = routes("{name: r1, paths: [/my-route/hello]}", "{name: r2, paths: [/my-route]}");
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/my-route/hello"));
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/my-route/hello/world"));
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/my-route"));
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/my-route/world"));
        }

        @Test
        void doesNotSupersedeALongerUriWhileMethodsAreAlsoDefined() throws Exception {
            Router r = routes(
                    "{name: r1, methods: [POST, PUT, GET], paths: [/my-route]}",
                    "{name: r2, methods: [POST, PUT, GET], paths: [/my-route/hello]}");
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/my-route/hello"));
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/my-route/hello/world"));
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/my-route"));
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/my-route/world"));
        }

        @Test
        void doesNotSupersedeALongerUriWhileHostsAreAlsoDefined() throws Exception {
            Router r = routes(
                    "{name: r1, hosts: [domain.org], paths: [/my-route]}",
                    "{name: r2, hosts: [domain.org], paths: [/my-route/hello]}");
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/my-route/hello"));
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/my-route/hello/world"));
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/my-route"));
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/my-route/world"));
        }

        @Test
        void doesNotSupersedeALongerUriWhenABetterUriMatchExistsForAnotherHost() throws Exception {
            Router r = routes(
                    "{name: r1, hosts: [example.com], paths: [/my-route]}",
                    "{name: r2, hosts: [example.com], paths: [/my-route/hello]}",
                    "{name: r3, hosts: [example.net], paths: [/my-route/hello/world]}");
            assertEquals("r2", routeOf(r, "GET", "example.com", "/my-route/hello/world"));
            assertEquals("r2", routeOf(r, "GET", "example.com", "/my-route/hello/world/and/goodnight"));
        }

        @Test
        void onlyMatchesUriPrefixAsAPrefix() throws Exception {
            // it("only matches [uri prefix] as a prefix (anchored mode)")
            Router r = routes(
                    "{name: r1, paths: [/something/my-route]}", "{name: r2, hosts: [example.com], paths: [/my-route]}");
            assertEquals("r1", routeOf(r, "GET", "example.com", "/something/my-route"));
        }

        @Test
        void matchesWithUriRegex() throws Exception {
            Router r = routes("{name: r1, paths: ['~/users/\\d+/profile']}");
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/users/123/profile"));
        }

        @Test
        void matchesTheRightRouteWhenSeveralOnesHaveAUriRegex() throws Exception {
            Router r = routes(
                    "{name: r1, paths: ['~/route/persons/\\d{3}']}",
                    "{name: r2, paths: ['~/route/persons/\\d{3}/following']}",
                    "{name: r3, paths: ['~/route/persons/\\d{3}/[a-z]+']}");
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/route/persons/456"));
        }

        @Test
        void matchesAUriRegexEvenIfAPrefixUriGotAMatch() throws Exception {
            Router r = routes(
                    "{name: r1, paths: [/route/persons]}", "{name: r2, paths: ['~/route/persons/\\d+/profile']}");
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/route/persons/123/profile"));
        }

        @Test
        void matchesAUriRegexEvenIfAUriGotAnExactMatch() throws Exception {
            Router r = routes("{name: r1, paths: [/route/fixture]}", "{name: r2, paths: ['~/route/(fixture)']}");
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/route/fixture"));
        }

        @Test
        void matchesAUriRegexAndHostEvenIfAPrefixUriGotAMatch() throws Exception {
            Router r = routes(
                    "{name: r1, hosts: [route.com], paths: [/pat]}",
                    "{name: r2, hosts: [route.com], paths: [/path], methods: [POST]}",
                    "{name: r3, hosts: [route.com], paths: ['~/(path)']}");
            assertEquals("r3", routeOf(r, "GET", "route.com", "/path"));
        }

        @Test
        void matchesFromTheBeginningOfTheRequestUri() throws Exception {
            Router r = routes("{name: r1, paths: ['~/prefix/[0-9]+']}");
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/prefix/123"));
            assertNull(routeOf(r, "GET", "domain.org", "/extra/prefix/123"));
        }

        @Test
        void prefixMatchingIgnoresRegexPriority() throws Exception {
            // describe("[both regex and prefix with regex_priority]") it("[prefix matching ignore regex_priority]")
            Router r = routes(
                    "{name: r1, paths: [/.*], hosts: [domain-1.org]}",
                    "{name: r2, paths: [/], hosts: [domain-2.org], regex_priority: 5}",
                    "{name: r3, paths: [/v1], hosts: [domain-2.org]}");
            assertEquals("r3", routeOf(r, "GET", "domain-2.org", "/v1"));
        }

        @Test
        void assignsDifferentPrioritiesToRegexAndNonRegexPaths() throws Exception {
            // describe("[both regex and prefix]")
            Router r = routes(
                    "{name: r1, paths: ['~/some/thing/else', /foo], hosts: [domain-1.org]}",
                    "{name: r2, paths: [/foo/bar], hosts: [domain-1.org]}");
            assertEquals("r1", routeOf(r, "GET", "domain-1.org", "/some/thing/else"));
            assertEquals("r2", routeOf(r, "GET", "domain-1.org", "/foo/bar"));
        }

        @Test
        void assignsDifferentPrioritiesToEachPath() throws Exception {
            // describe("[overlapping prefixes]")
            Router r = routes(
                    "{name: r1, paths: [/foo, /foo/bar/baz], hosts: [domain-1.org]}",
                    "{name: r2, paths: [/foo/bar], hosts: [domain-1.org]}");
            assertEquals("r1", routeOf(r, "GET", "domain-1.org", "/foo"));
            assertEquals("r2", routeOf(r, "GET", "domain-1.org", "/foo/bar"));
            assertEquals("r1", routeOf(r, "GET", "domain-1.org", "/foo/bar/baz/x"));
        }

        @Test
        void doesNotSupersedeAnotherRouteWithALongerUriPrefix() throws Exception {
            // describe("edge-cases") it("does not supersede another route with a longer [uri prefix]")
            // (traditional only in Kong's spec; per-path priorities give the same answer)
            Router r = routes("{name: r1, paths: [/a, /bbbbbbb]}", "{name: r2, paths: [/a/bb]}");
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/a/bb/foobar"));
        }

        @Test
        void halfUriRegexAndMethodMatchDoesNotSupersedeAnotherRoute() throws Exception {
            Router r = routes(
                    "{name: r1, methods: [GET], paths: ['~/users/\\d+/profile']}",
                    "{name: r2, methods: [POST], paths: ['~/users/\\d*/profile']}");
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/users/123/profile"));
            assertEquals("r2", routeOf(r, "POST", "domain.org", "/users/123/profile"));
        }

        @Test
        void methodDoesNotSupersedeUriPrefix() throws Exception {
            Router r = routes("{name: r1, methods: [GET]}", "{name: r2, paths: [/example]}");
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/example"));
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/example/status/200"));
        }

        @Test
        void halfUriAndHostMatchDoesNotSupersedeAnotherRoute() throws Exception {
            Router r = routes(
                    "{name: r1, hosts: [host1.com], paths: [/v1/path]}", "{name: r2, hosts: [host2.com], paths: [/]}");
            assertEquals("r1", routeOf(r, "GET", "host1.com", "/v1/path"));
            assertEquals("r2", routeOf(r, "GET", "host2.com", "/v1/path"));
        }

        @Test
        void moreHeadersHavePriorityOverLongerPaths() throws Exception {
            // it("more [headers] has priority over longer [paths]")
            Router r = routes(
                    "{name: r1, headers: {version: [v1]}, paths: [/my-route/hello]}",
                    "{name: r2, headers: {version: [v1], location: [us-east]}, paths: [/my-route]}");
            Map<String, List<String>> h = headers("version", "v1", "location", "us-east");
            assertEquals("r2", routeOf(r, new Req("GET", "domain.org", "/my-route/hello", h)));
            assertEquals("r2", routeOf(r, new Req("GET", "domain.org", "/my-route/hello/world", h)));
        }
    }

    /** Kong spec: {@code describe("[wildcard host]")}, host edge cases, and the rule-4 host rules. */
    @Nested
    class KongHosts {
        private static final String LEFT = "{name: r1, hosts: [\"*.route.com\"]}";
        private static final String RIGHT = "{name: r2, hosts: [\"route.*\"]}";

        @Test
        void matchesLeftmostAndRightmostWildcards() throws Exception {
            Router r = routes(LEFT, RIGHT);
            assertEquals("r1", routeOf(r, "GET", "foo.route.com", "/"), "matches leftmost wildcards");
            assertEquals("r2", routeOf(r, "GET", "route.org", "/"), "matches rightmost wildcards");
            // it("matches any port in request")
            assertEquals("r2", routeOf(r, "GET", "route.org:123", "/"));
            assertEquals("r1", routeOf(r, "GET", "foo.route.com:123", "/"));
        }

        @Test
        void matchesPortSpecificRoutes() throws Exception {
            Router r = routes(
                    LEFT, RIGHT, "{name: r3, hosts: [\"*.route.net:123\"]}", "{name: r4, hosts: [\"route.*:123\"]}");
            assertEquals("r3", routeOf(r, "GET", "foo.route.net:123", "/"), "match the right port");
            assertNull(routeOf(r, "GET", "foo.route.net:456", "/"), "fail different port");
            assertEquals("r4", routeOf(r, "GET", "route.org:123", "/"), "port-specific is higher priority");
        }

        @Test
        void prefersPortSpecificEvenForDefaultPorts() throws Exception {
            // it("prefers port-specific even for http default port"), ("... https default port")
            Router http = routes(LEFT, RIGHT, "{name: r3, hosts: [\"route.*:80\"]}");
            assertEquals("r2", routeOf(http, "GET", "route.org:123", "/"), "non-port matches any");
            assertEquals("r3", routeOf(http, "GET", "route.org:80", "/"));
            Router https = routes(LEFT, RIGHT, "{name: r3, hosts: [\"route.*:443\"]}");
            assertEquals("r2", routeOf(https, "GET", "route.org:123", "/"));
            assertEquals("r3", routeOf(https, "GET", "route.org:443", "/"));
        }

        @Test
        void aHostWithoutPortUsesThePortTheRequestArrivedOn() throws Exception {
            // Kong 3 (net.dst.port): describe("Router (flavor = expressions) [http]")
            // it("exec() should use var.server_port if host has no port"); the traditional router's
            // "even if it's implicit port 80" cases assumed the scheme's port instead.
            Router r = routes(
                    LEFT,
                    RIGHT,
                    "{name: r3, hosts: [\"route.*:80\"]}",
                    "{name: r4, hosts: [\"www.example.com:8000\"]}");
            assertEquals("r3", routeOf(r, new Req("GET", "route.org", "/", Map.of(), 80)));
            assertEquals("r2", routeOf(r, new Req("GET", "route.org", "/", Map.of(), 8080)));
            assertEquals("r2", routeOf(r, new Req("GET", "route.org", "/", Map.of(), -1)));
            assertNull(routeOf(r, new Req("GET", "www.example.com", "/foo", Map.of(), -1)), "no port provided");
            assertEquals("r4", routeOf(r, new Req("GET", "www.example.com", "/foo", Map.of(), 8000)));
            assertNull(routeOf(r, new Req("GET", "www.example.com:80", "/", Map.of(), 8000)), "the Host's port wins");
            assertEquals("r4", routeOf(r, new Req("GET", "www.example.com:8000", "/", Map.of(), 80)));
        }

        @Test
        void doesNotTakePrecedenceOverAPlainHost() throws Exception {
            Router r = routes("{name: plain, hosts: [plain.route.com]}", LEFT, RIGHT, "{name: r4, hosts: [route.com]}");
            assertEquals("r4", routeOf(r, "GET", "route.com", "/"));
            assertEquals("r2", routeOf(r, "GET", "route.org", "/"));
            assertEquals("plain", routeOf(r, "GET", "plain.route.com", "/"));
            assertEquals("r1", routeOf(r, "GET", "foo.route.com", "/"));
        }

        @Test
        void wildcardAndPlainHostsWithPaths() throws Exception {
            Router r = routes(
                    "{name: r1, hosts: [\"*.route.com\"], paths: [/path1]}",
                    "{name: r2, hosts: [plain.route.com], paths: [/path2]}");
            assertEquals(
                    "r1",
                    routeOf(r, "GET", "plain.route.com", "/path1"),
                    "matches [wildcard host + path] even if a similar [plain host] exists");
            assertEquals(
                    "r2",
                    routeOf(r, "GET", "plain.route.com", "/path2"),
                    "matches [plain host + path] even if a matching [wildcard host] exists");
        }

        @Test
        void wildcardHostPortBeforeWildcardHost() throws Exception {
            // it("submatch_weight [wildcard host port] > [wildcard host] ")
            Router r =
                    routes("{name: r1, hosts: [\"route.*\"]}", "{name: r2, hosts: [\"route.*:80\", \"route.com.*\"]}");
            assertEquals("r2", routeOf(r, "GET", "route.org:80", "/"));
            // it("matches a [wildcard host + port] even if a [wildcard host] matched")
            Router three = routes(
                    "{name: r1, hosts: [\"route.*\"]}",
                    "{name: r2, hosts: [\"route.*:123\"]}",
                    "{name: r3, hosts: [\"route.*:80\"]}");
            assertEquals("r2", routeOf(three, "GET", "route.org:123", "/"));
        }

        @Test
        void wildcardOrPlainWithUriAndMethod() throws Exception {
            // it("matches [wildcard/plain + uri + method]")
            Router r = routes(
                    LEFT,
                    RIGHT,
                    "{name: r3, hosts: [\"*.domain.com\", example.com], paths: [/path], methods: [GET, TRACE]}");
            assertNull(routeOf(r, "POST", "foo.domain.com", "/path"));
            assertEquals("r3", routeOf(r, "GET", "foo.domain.com", "/path"));
            assertEquals("r3", routeOf(r, "TRACE", "example.com", "/path"));
        }

        @Test
        void wildcardHostWithUriRegex() throws Exception {
            // describe("[wildcard host] + [uri regex]") it("matches")
            Router r = routes(
                    "{name: r1, hosts: [\"*.example.com\"], paths: ['~/users/\\d+/profile']}",
                    "{name: r2, hosts: [\"*.example.com\"], paths: [/users]}");
            assertEquals("r1", routeOf(r, "GET", "test.example.com", "/users/123/profile"));
            assertEquals("r2", routeOf(r, "GET", "test.example.com", "/users"));
        }

        @Test
        void halfWildcardHostAndMethodMatchDoesNotSupersedeAnotherRoute() throws Exception {
            Router r = routes(
                    "{name: r1, hosts: [\"host.*\"], methods: [GET]}",
                    "{name: r2, hosts: [\"host.*\"], methods: [POST]}");
            assertEquals("r1", routeOf(r, "GET", "host.com", "/"));
            assertEquals("r2", routeOf(r, "POST", "host.com", "/"));
        }

        @Test
        void methodDoesNotSupersedeWildcardHost() throws Exception {
            Router r = routes("{name: r1, methods: [GET]}", "{name: r2, hosts: [\"domain.*\"]}");
            assertEquals("r1", routeOf(r, "GET", "nothing.com", "/"));
            assertEquals("r2", routeOf(r, "GET", "domain.com", "/"));
        }

        @Test
        void wildcardsCoverAnyNumberOfLabelsAndHostsAnyCase() throws Exception {
            // transform.lua: "*.x" is http.host =^ ".x" (ends with), "x.*" is http.host ^= "x." (starts
            // with). Not in Kong's spec: case. Kong compares the Host header as sent; the gateway
            // compares hosts case-insensitively (RFC 3986 3.2.2) and lower-cases route hosts at load.
            Router r = routes(LEFT, RIGHT, "{name: r3, hosts: [Exact.Example.COM]}");
            assertEquals("r1", routeOf(r, "GET", "a.b.c.route.com", "/"));
            assertEquals("r1", routeOf(r, "GET", "FOO.Route.Com", "/"));
            assertEquals("r2", routeOf(r, "GET", "ROUTE.example.org:8443", "/"));
            assertEquals("r3", routeOf(r, "GET", "exact.example.com", "/"));
            assertEquals("r3", routeOf(r, "GET", "EXACT.EXAMPLE.COM:1", "/"));
            assertNull(routeOf(routes(LEFT), "GET", "route.com", "/"), "*.route.com needs something before .route.com");
            assertNull(routeOf(r, "GET", "myroute.org", "/"), "route.* needs route. at the start");
            assertNull(routeOf(r, "GET", "exact.example.com:", "/"), "Kong's split: no digits, no port");
            assertNull(routeOf(r, "GET", "exact.example.com.evil", "/"));
        }
    }

    /** Kong spec: {@code describe("[headers]")}, and it("[cache hit should be case sensitive]"). */
    @Nested
    class KongHeaders {

        @Test
        void evaluatesRoutesWithMoreHeadersFirst() throws Exception {
            Router r = routes(
                    "{name: r1, headers: {version: [v1, v2], user-agent: [foo, bar]}}",
                    "{name: r2, headers: {version: [v1, v2], user-agent: [foo, bar], location: [east, west]}}");
            assertEquals(
                    "r2",
                    routeOf(
                            r,
                            new Req(
                                    "GET",
                                    null,
                                    "/",
                                    headers(
                                            "version",
                                            "v1",
                                            "user-agent",
                                            "foo",
                                            "location",
                                            "north",
                                            "location",
                                            "west"))));
        }

        @Test
        void namesAreCaseInsensitive() throws Exception {
            Router r =
                    routes("{name: r1, headers: {USER-AGENT: [foo, bar]}}", "{name: r2, headers: {user-agent: [baz]}}");
            assertEquals("r1", routeOf(r, new Req("GET", null, "/", headers("user-agent", "foo"))));
            assertEquals("r2", routeOf(r, new Req("GET", null, "/", headers("user-agent", "baz"))));
        }

        @Test
        void matchesValuesInACaseInsensitiveWay() throws Exception {
            Router r =
                    routes("{name: r1, headers: {user-agent: [foo, bar]}}", "{name: r2, headers: {user-agent: [BAZ]}}");
            assertEquals("r1", routeOf(r, new Req("GET", null, "/", headers("user-agent", "FOO"))));
            assertEquals("r2", routeOf(r, new Req("GET", null, "/", headers("user-agent", "baz"))));
            Router quote = routes("{name: r1, paths: [/foo], headers: {test1: [Quote]}}");
            assertEquals("r1", routeOf(quote, new Req("GET", null, "/foo", headers("test1", "QUOTE"))));
            assertEquals("r1", routeOf(quote, new Req("GET", null, "/foo", headers("test1", "QuoTe"))));
        }
    }

    /** Kong spec: {@code describe("exec()")}: upstream paths, stripping, captures. */
    @Nested
    class KongExec {

        @Test
        void returnsTheUpstreamUri() throws Exception {
            // it("returns parsed upstream_url + upstream_uri"): Kong's spec routes leave strip_path unset (false)
            Router r = routes(
                    "{name: r1, paths: [/my-route], strip_path: false}",
                    "{name: r2, paths: [/my-route-2], strip_path: false}");
            assertEquals("/my-route", upstream(r, "GET", "/my-route"));
            assertEquals("/my-route-2", upstream(r, "GET", "/my-route-2"));
        }

        @Test
        void returnsMatchedHostUriMethodAndHeaders() throws Exception {
            Router r = routes(
                    "{name: r1, hosts: [host.com], methods: [GET], paths: [/my-route]}",
                    "{name: r2, hosts: [host.com], paths: [/my-route]}",
                    "{name: r3, hosts: [\"*.host.com\"], headers: {location: [my-location-1, my-location-2]}}",
                    "{name: r4, paths: ['~/users/\\d+/profile']}");
            assertEquals("r1", routeOf(r, "GET", "host.com", "/my-route"));
            assertEquals("r1", routeOf(r, "GET", "host.com", "/my-route/prefix/match"));
            assertEquals("r2", routeOf(r, "POST", "host.com", "/my-route"));
            assertEquals("r3", routeOf(r, new Req("GET", "test.host.com", "/", headers("location", "my-location-1"))));
            assertEquals("r4", routeOf(r, "GET", "domain.org", "/users/123/profile"));
        }

        @Test
        void namedCapturesInKongsSpellingsLoadAndMatch() throws Exception {
            // it("returns uri_captures from a [uri regex]"), it("returns uri_captures normalized, fix #7913"):
            // the gateway exposes no captures, but Kong's (?P<name>) and names with '_' must load.
            Router r = routes(
                    "{name: r1, paths: ['~/users/(?P<user_id>\\d+)/profile/?(?P<scope>[a-z]*)']}",
                    "{name: r2, paths: ['~/people/(?<full_name>[a-zA-Z\\s\\d%]+)/profile/?(?P<scope>[a-z]*)']}");
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/users/1984/profile"));
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/users/1984/profile/email"));
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/people/john%20doe/profile"));
            assertEquals("/", upstream(r, "GET", "/users/1984/profile/email"), "the regex matched it all");
            assertEquals(
                    "(?<user>a)(?<kong1userid>b)\\(?P<x>(?<kong2a>c)[(?P<y>]",
                    RoutePaths.javaRegex("(?P<user>a)(?<user_id>b)\\(?P<x>(?P<_a>c)[(?P<y>]"));
        }

        @Test
        void returnsNoUriCapturesFromAUriPrefixMatch() throws Exception {
            Router r = routes("{name: r1, paths: [/hello], strip_path: true}");
            assertEquals("/world", upstream(r, "GET", "/hello/world"));
        }

        @Test
        void allowsUrlEncodedPathsIfTheyAreReservedCharacters() throws Exception {
            Router r = routes("{name: r1, paths: [/endel%2Fst], strip_path: false}");
            assertEquals("/endel%2Fst", upstream(r, "GET", "/endel%2Fst"));
            Router strip = routes("{name: r1, paths: [/endel%2Fst], strip_path: true}");
            assertEquals("/", upstream(strip, "GET", "/endel%2Fst"), "strips url encoded paths");
        }

        @Test
        void strippedPaths() throws Exception {
            // describe("stripped paths #strip")
            Router r = routes(
                    "{name: r1, paths: [/my-route, /xx-route], strip_path: true}",
                    "{name: r2, methods: [POST], paths: [/my-route, /xx-route], strip_path: false}");
            assertEquals(
                    "/hello/world",
                    upstream(r, "GET", "/my-route/hello/world"),
                    "strips the specified paths from the given uri if matching");
            assertEquals("/", upstream(r, "GET", "/my-route"), "strips if matched URI is plain (not a prefix)");
            assertEquals("r2", routeOf(r, new Req("POST", "/my-route/hello/world")));
            assertEquals(
                    "/my-route/hello/world",
                    upstream(r, "POST", "/my-route/hello/world"),
                    "doesn't strip if 'strip_uri' is not enabled");
            // it("can find an route with stripped URI several times in a row"), ("... different URIs in a row")
            for (String p : List.of("/my-route", "/xx-route", "/my-route", "/xx-route")) {
                assertEquals("/", upstream(r, "GET", p), p);
            }
            Router root = routes("{name: r1, paths: [/], strip_path: true}");
            assertEquals(
                    "/my-route/hello/world",
                    upstream(root, "POST", "/my-route/hello/world"),
                    "does not strips root / URI");
        }

        @Test
        void stripsAUriRegex() throws Exception {
            Router r = routes("{name: r1, paths: ['~/users/\\d+/profile'], strip_path: true}");
            assertEquals("/hello/world", upstream(r, "GET", "/users/123/profile/hello/world"));
            Router capture = routes("{name: r1, paths: ['~/users/(\\d+)/profile'], strip_path: true}");
            assertEquals(
                    "/hello/world",
                    upstream(capture, "GET", "/users/123/profile/hello/world"),
                    "strips a [uri regex] with a capture group");
        }

        @Test
        void worksWithSpecialCharacters() throws Exception {
            // it("works with special characters('\"','\\')")
            Router r = routes(
                    "{name: r1, paths: ['/\\d'], strip_path: false}",
                    "{name: r2, paths: ['~/\\d+\"'], strip_path: false}");
            assertEquals("r1", routeOf(r, "GET", "domain.org", "/\\d"));
            assertEquals("/\\d", upstream(r, "GET", "/\\d"));
            assertEquals("r2", routeOf(r, "GET", "domain.org", "/123\""));
            assertEquals("/123\"", upstream(r, "GET", "/123\""));
        }

        @Test
        void aHostOnlyRouteKeepsTheWholePath() throws Exception {
            // it("[cache hit should have correct match_t.upstream_uri]")
            Router r = routes("{name: r1, hosts: [example.com], preserve_host: true}");
            assertEquals("/foo", r.match(new Req("GET", "example.com", "/foo")).upstreamPath());
            assertEquals("/bar", r.match(new Req("GET", "example.com", "/bar")).upstreamPath());
        }

        @Test
        void aPlainRoutePathKongsRequestsNeverSayIsRefusedAndRegexPathsAreLeftAlone() throws Exception {
            // describe("normalization stopgap measurements"): Kong's router, given "/plain/a.b%58c"
            // directly, matches only a request that still says %58, which its request
            // normalisation never leaves. Kong's routes schema refuses such a path in a file
            // ("non-normalized path"), and so does the gateway.
            ConfigException e =
                    assertThrows(ConfigException.class, () -> routes("{name: r2, paths: [/plain/a.b%58c]}"));
            assertTrue(
                    e.getMessage().contains("non-normalized path, consider use '/plain/a.bXc' instead"),
                    e.getMessage());
            Router r = routes(
                    "{name: r1, paths: [/plain/a.b.c]}",
                    "{name: r3, paths: ['~/reg%65x/\\d+']}",
                    "{name: r5, paths: ['~/regex-reserved%2Fabc']}");
            assertEquals("r1", routeOf(r, "GET", "example.com", "/plain/a.b.c"));
            assertNull(routeOf(r, "GET", "example.com", "/plain/aab.c"));
            // Regex paths are left as written, as in Kong: the normalised request never says %65.
            assertNull(routeOf(r, "GET", "example.com", "/regex/123"));
            assertNull(routeOf(r, "GET", "example.com", "/regex-reserved/abc"));
            assertEquals("r5", routeOf(r, "GET", "example.com", "/regex-reserved%2Fabc"));
        }
    }

    /**
     * Rule 2, Kong spec: {@code describe("#slash handling")} over every line of
     * {@code spec/fixtures/router_path_handling_tests.lua} (Kong commit 34c7dfdc, the version that
     * agrees with Kong 3's {@code get_upstream_uri_v0}), expanded as Kong expands it, once with the
     * route path as a plain path ("plain") and once as the regex {@code ~/[0]?...} ("regex"). Kong
     * runs the v1 cases only under the traditional router (traditional_compatible ignores v1); the
     * gateway implements v1 as the traditional router does, so both values run here.
     */
    @Nested
    class KongPathHandling {
        private static final String BOTH = "both";
        private static final String ON = "on";
        private static final String OFF = "off";

        /** service_path, route_path (null: the route matches on host), strip_path, path_handling, request, expected. */
        private static final String[][] TESTS = {
            {"/", "/", BOTH, "v0 v1", "/", "/"},
            {"/", "/", BOTH, "v0 v1", "/route", "/route"},
            {"/", "/", BOTH, "v0 v1", "/route/", "/route/"},
            {"/", "/", BOTH, "v0 v1", "/routereq", "/routereq"},
            {"/", "/", BOTH, "v0 v1", "/route/req", "/route/req"},
            {"/", "/route", OFF, "v0 v1", "/route", "/route"},
            {"/", "/route", OFF, "v0 v1", "/route/", "/route/"},
            {"/", "/route", OFF, "v0 v1", "/routereq", "/routereq"},
            {"/", "/route", ON, "v0 v1", "/route", "/"},
            {"/", "/route", ON, "v0 v1", "/route/", "/"},
            {"/", "/route", ON, "v0 v1", "/routereq", "/req"},
            {"/", "/route/", OFF, "v0 v1", "/route/", "/route/"},
            {"/", "/route/", OFF, "v0 v1", "/route/req", "/route/req"},
            {"/", "/route/", ON, "v0 v1", "/route/", "/"},
            {"/", "/route/", ON, "v0 v1", "/route/req", "/req"},
            {"/srv", "/rou", OFF, "v0", "/roureq", "/srv/roureq"},
            {"/srv", "/rou", OFF, "v1", "/roureq", "/srvroureq"},
            {"/srv", "/rou", ON, "v0", "/roureq", "/srv/req"},
            {"/srv", "/rou", ON, "v1", "/roureq", "/srvreq"},
            {"/srv/", "/rou", OFF, "v0 v1", "/rou", "/srv/rou"},
            {"/srv/", "/rou", ON, "v0", "/rou", "/srv"},
            {"/srv/", "/rou", ON, "v1", "/rou", "/srv/"},
            {"/service", "/", BOTH, "v0 v1", "/", "/service"},
            {"/service", "/", BOTH, "v0", "/route", "/service/route"},
            {"/service", "/", BOTH, "v1", "/route", "/serviceroute"},
            {"/service", "/", BOTH, "v0", "/route/", "/service/route/"},
            {"/service", "/", BOTH, "v1", "/route/", "/serviceroute/"},
            {"/service", "/", BOTH, "v0", "/routereq", "/service/routereq"},
            {"/service", "/", BOTH, "v1", "/routereq", "/serviceroutereq"},
            {"/service", "/", BOTH, "v0", "/route/req", "/service/route/req"},
            {"/service", "/", BOTH, "v1", "/route/req", "/serviceroute/req"},
            {"/service", "/route", OFF, "v0", "/route", "/service/route"},
            {"/service", "/route", OFF, "v1", "/route", "/serviceroute"},
            {"/service", "/route", OFF, "v0", "/route/", "/service/route/"},
            {"/service", "/route", OFF, "v1", "/route/", "/serviceroute/"},
            {"/service", "/route", OFF, "v0", "/routereq", "/service/routereq"},
            {"/service", "/route", OFF, "v1", "/routereq", "/serviceroutereq"},
            {"/service", "/route", ON, "v0 v1", "/route", "/service"},
            {"/service", "/route", ON, "v0 v1", "/route/", "/service/"},
            {"/service", "/route", ON, "v0", "/routereq", "/service/req"},
            {"/service", "/route", ON, "v1", "/routereq", "/servicereq"},
            {"/service", "/route/", OFF, "v0", "/route/", "/service/route/"},
            {"/service", "/route/", OFF, "v1", "/route/", "/serviceroute/"},
            {"/service", "/route/", OFF, "v0", "/route/req", "/service/route/req"},
            {"/service", "/route/", OFF, "v1", "/route/req", "/serviceroute/req"},
            {"/service", "/route/", ON, "v0", "/route/", "/service/"},
            {"/service", "/route/", ON, "v1", "/route/", "/service"},
            {"/service", "/route/", ON, "v0", "/route/req", "/service/req"},
            {"/service", "/route/", ON, "v1", "/route/req", "/servicereq"},
            {"/service/", "/", BOTH, "v0", "/route/", "/service/route/"},
            {"/service/", "/", BOTH, "v1", "/route/", "/service/route/"},
            {"/service/", "/", BOTH, "v0 v1", "/", "/service/"},
            {"/service/", "/", BOTH, "v0 v1", "/route", "/service/route"},
            {"/service/", "/", BOTH, "v0 v1", "/routereq", "/service/routereq"},
            {"/service/", "/", BOTH, "v0 v1", "/route/req", "/service/route/req"},
            {"/service/", "/route", OFF, "v0 v1", "/route", "/service/route"},
            {"/service/", "/route", OFF, "v0 v1", "/route/", "/service/route/"},
            {"/service/", "/route", OFF, "v0 v1", "/routereq", "/service/routereq"},
            {"/service/", "/route", ON, "v0", "/route", "/service"},
            {"/service/", "/route", ON, "v1", "/route", "/service/"},
            {"/service/", "/route", ON, "v0 v1", "/route/", "/service/"},
            {"/service/", "/route", ON, "v0 v1", "/routereq", "/service/req"},
            {"/service/", "/route/", OFF, "v0 v1", "/route/", "/service/route/"},
            {"/service/", "/route/", OFF, "v0 v1", "/route/req", "/service/route/req"},
            {"/service/", "/route/", ON, "v0 v1", "/route/", "/service/"},
            {"/service/", "/route/", ON, "v0 v1", "/route/req", "/service/req"},
            {"/", null, BOTH, "v0 v1", "/", "/"},
            {"/", null, BOTH, "v0 v1", "/route", "/route"},
            {"/", null, BOTH, "v0 v1", "/route/", "/route/"},
            {"/service", null, BOTH, "v0 v1", "/", "/service"},
            {"/service", null, BOTH, "v0", "/route", "/service/route"},
            {"/service", null, BOTH, "v1", "/route", "/serviceroute"},
            {"/service", null, BOTH, "v0", "/route/", "/service/route/"},
            {"/service", null, BOTH, "v1", "/route/", "/serviceroute/"},
            {"/service/", null, BOTH, "v0 v1", "/", "/service/"},
            {"/service/", null, BOTH, "v0 v1", "/route", "/service/route"},
            {"/service/", null, BOTH, "v0 v1", "/route/", "/service/route/"},
        };

        private static List<String[]> expand(String[] line) {
            List<String[]> out = new ArrayList<>();
            for (String strip : line[2].equals(BOTH) ? List.of(OFF, ON) : List.of(line[2])) {
                for (String handling : line[3].split(" ")) {
                    out.add(new String[] {line[0], line[1], strip, handling, line[4], line[5]});
                }
            }
            return out;
        }

        private static DynamicTest test(int i, int j, String kind, String[] t, String routePath) {
            String host = "localbin-" + i + "-" + j + ".com";
            String description = String.format(
                    "(%d-%d) %s, %s with %s, strip = %s, %s. req: %s",
                    i, j, kind, t[0], routePath == null ? "host " + host : "uri " + routePath, t[2], t[3], t[4]);
            return DynamicTest.dynamicTest(description, () -> {
                Router r = router("services: [{name: s, url: \"http://s" + t[0] + "\"}]\n"
                        + "routes:\n  - name: r\n    service: s\n    strip_path: " + t[2].equals(ON) + "\n"
                        + "    path_handling: " + t[3] + "\n    hosts: [" + host + "]\n"
                        + (routePath == null ? "" : "    paths: ['" + routePath + "']\n"));
                RouteMatch m = r.match(new Req("GET", host, t[4]));
                assertNotNull(m, description);
                assertEquals(t[5], m.upstreamPath(), description);
            });
        }

        @TestFactory
        Stream<DynamicTest> plain() {
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = 0; i < TESTS.length; i++) {
                List<String[]> expanded = expand(TESTS[i]);
                for (int j = 0; j < expanded.size(); j++) {
                    tests.add(test(i + 1, j + 1, "plain", expanded.get(j), expanded.get(j)[1]));
                }
            }
            assertEquals(164, tests.size(), "every expanded line of the table");
            return tests.stream();
        }

        @TestFactory
        Stream<DynamicTest> regex() {
            // "this is identical to the tests above, except that for the path we match with an
            // injected regex sequence, effectively transforming the path match into a regex match"
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = 0; i < TESTS.length; i++) {
                if (TESTS[i][1] == null) {
                    continue; // skip test cases which match on host
                }
                List<String[]> expanded = expand(TESTS[i]);
                for (int j = 0; j < expanded.size(); j++) {
                    String[] t = expanded.get(j);
                    tests.add(test(i + 1, j + 1, "regex", t, "~/[0]?" + t[1].substring(1)));
                }
            }
            assertEquals(128, tests.size(), "every expanded line that has a route path");
            return tests.stream();
        }

        @Test
        void theIssuesExamples() throws Exception {
            Router r = router("""
                    services:
                      - {name: srv, url: "http://s/srv"}
                      - {name: service, url: "http://s/service"}
                    routes:
                      - {name: a, service: srv, paths: [/a]}
                      - {name: b, service: service, paths: [/], strip_path: false}
                      - {name: c, service: srv, paths: [/c], path_handling: v1}
                    """);
            assertEquals("/srv/req", upstream(r, "GET", "/areq"), "service /srv + stripped req");
            assertEquals("/service", upstream(r, "GET", "/"), "request / to service path /service");
            assertEquals("/srvreq", upstream(r, "GET", "/creq"), "v1 concatenates");
        }

        @Test
        void kongsDefaultRouterJoinsAV1RouteAsV0() throws Exception {
            GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", """
                    _format_version: "3.0"
                    services: [{name: srv, url: "http://s/srv"}]
                    routes: [{name: c, service: srv, paths: [/c], path_handling: v1}]
                    """);
            // "path_handling='v1' is deprecated and will not work under traditional_compatible router_flavor"
            Router compatible = Router.build(config);
            assertEquals("/srv/req", compatible.match(new Req("GET", "/creq")).upstreamPath());
            assertEquals(
                    "/srvreq",
                    Router.build(config, Router.Flavor.TRADITIONAL)
                            .match(new Req("GET", "/creq"))
                            .upstreamPath());
            assertEquals(Router.Flavor.TRADITIONAL_COMPATIBLE, Router.Flavor.of("traditional_compatible"));
            assertThrows(IllegalArgumentException.class, () -> Router.Flavor.of("expressions"));
        }

        @Test
        void aStrippedRestThatStartsWithADotSegmentKeepsIt() throws Exception {
            // Not copied: Kong drops a leading "./" or "../" (and a rest of "." or "..") from what
            // strip_path leaves (utils.lua sanitize_uri_postfix). The gateway keeps it, so the
            // upstream path has a dot segment and the request is refused (CurrentRequestFilter: 400).
            Router r = router("""
                    services: [{name: pub, url: "http://s/n/public/"}]
                    routes: [{name: pub, service: pub, paths: [/pub]}]
                    """);
            for (String p : List.of("/pub../admin/secret", "/pub./x", "/pub..", "/pub.")) {
                assertTrue(RequestPath.hasDotSegment(upstream(r, "GET", p)), p + " -> " + upstream(r, "GET", p));
            }
            assertEquals("/n/public/page", upstream(r, "GET", "/pub/page"));
        }

        @Test
        void pathHandlingIsV0OrV1() {
            ConfigException e = assertThrows(ConfigException.class, () -> router("""
                    services: [{name: s, url: "http://s"}]
                    routes: [{name: r, service: s, paths: [/], path_handling: v2}]
                    """));
            assertTrue(e.getMessage().contains("expected one of: v0, v1"), e.getMessage());
        }
    }

    /**
     * Rule 3: {@code _format_version} 1.1 and 2.1 files, whose paths Kong migrates as it loads them
     * ({@code kong/db/declarative/migrations/route_path.lua}, {@code kong/db/migrations/
     * migrate_path_280_300.lua}: {@code is_not_regex}, {@code normalize_regex}); Kong's spec has no
     * table for it, so these cases follow that code.
     */
    @Nested
    class KongLegacyPaths {

        @Test
        void onlyLettersDigitsAndDotDashUnderscoreTildeSlashPercentStayPlain() {
            for (String plain : List.of("/api/v1", "/a.b-c_d~e/~", "/", "/x\n", "~/already-regex")) {
                assertEquals(plain, RoutePaths.migrateLegacy(plain), plain);
            }
            assertEquals("/a.b-c_d~e/~", RoutePaths.migrateLegacy("/a.b-c_d~e/%7E"), "normalized as Kong migrates it");
            for (char c : "()[]{}*+?^$|\\ :;@!&'=,#<>\"".toCharArray()) {
                assertEquals("~/a" + c, RoutePaths.migrateLegacy("/a" + c), "with " + c);
            }
            assertEquals("~/x\n\n", RoutePaths.migrateLegacy("/x\n\n"), "only one final newline passes");
        }

        @Test
        void escapesInARegexAreDecodedOnce() {
            // reserved: kept, upper-cased; regex metacharacters: decoded and escaped; others: decoded
            assertEquals("~/users/(\\d+)%2F%3Ax", RoutePaths.migrateLegacy("/users/(\\d+)%2f%3ax"));
            assertEquals("~/a\\.b\\-c\\^\\{\\}\\\\\\|(x)", RoutePaths.migrateLegacy("/a%2Eb%2dc%5E%7b%7D%5C%7C(x)"));
            assertEquals("~/~user/A(x)%25", RoutePaths.migrateLegacy("/%7Euser/%41(x)%25"));
            assertEquals("~/a%zz(x)%4", RoutePaths.migrateLegacy("/a%zz(x)%4"), "not an escape: left alone");
            assertEquals(
                    "/plainA", RoutePaths.migrateLegacy("/plain%41"), "plain paths normalized, as Kong migrates them");
        }

        @Test
        void aLegacyFileRoutesRegexLookingPathsAsRegexes() throws Exception {
            String yaml = """
                    services:
                      - name: s
                        url: http://s/base
                        routes:
                          - {name: users, paths: ['/users/\\d+']}
                          - {name: plain, paths: [/users]}
                    routes:
                      - {name: top, service: s, paths: ['/files/(a|b)'], strip_path: false}
                    """;
            for (String version : List.of("1.1", "2.1")) {
                Router r = routerOfVersion(version, yaml);
                assertEquals("users", routeOf(r, "GET", "h", "/users/42/x"), version);
                assertEquals("/base/x", upstream(r, "GET", "/users/42/x"), version);
                assertEquals("plain", routeOf(r, "GET", "h", "/users/me"), version);
                assertEquals("top", routeOf(r, "GET", "h", "/files/b"), version + ": top-level routes too");
            }
            Router v3 = router(yaml);
            assertEquals("plain", routeOf(v3, "GET", "h", "/users/42/x"), "3.0: a plain prefix");
            assertEquals("users", routeOf(v3, "GET", "h", "/users/\\d+/x"));
            assertNull(routeOf(v3, "GET", "h", "/files/b"));
        }

        @Test
        void aLegacyPathThatIsNoRegexIsNamedInTheError() {
            ConfigException e = assertThrows(ConfigException.class, () -> routerOfVersion("2.1", """
                    services: [{name: s, url: "http://s", routes: [{name: r, paths: ['/a(b']}]}]
                    """));
            assertTrue(e.getMessage().contains("1.1/2.1 file"), e.getMessage());
        }
    }
}
