package com.gitinsight.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    record Req(String method, String host, String path, Map<String, List<String>> headerMap) implements RequestFacts {
        Req(String method, String path) {
            this(method, "gateway.local", path, Map.of());
        }

        @Override
        public Enumeration<String> headers(String lowerName) {
            return Collections.enumeration(headerMap.getOrDefault(lowerName, List.of()));
        }
    }

    private static Router router(String yaml) throws Exception {
        GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn())
                .parse("t.yml", "_format_version: \"3.0\"\n" + yaml);
        return Router.build(config);
    }

    private static String routeOf(Router router, RequestFacts request) {
        RouteMatch m = router.match(request);
        return m == null ? null : m.route().name();
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
    void aPlainPathEqualToTheWholeRequestPathBeatsARegex() throws Exception {
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: regex, service: s, paths: ["~/api/.*"], regex_priority: 100}
                  - {name: exact, service: s, paths: [/api/account]}
                """);
        assertEquals("exact", routeOf(r, new Req("GET", "/api/account")));
        assertEquals("regex", routeOf(r, new Req("GET", "/api/account/x")));
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
    void stripPathAndServicePathFollowKongPathHandlingV0() throws Exception {
        Router r = router("""
                services:
                  - {name: plain, url: "http://s"}
                  - {name: based, url: "http://s/base"}
                  - {name: slashed, url: "http://s/base/"}
                routes:
                  - {name: strip, service: plain, paths: [/strip]}
                  - {name: keep, service: plain, paths: [/keep], strip_path: false}
                  - {name: based, service: based, paths: [/b]}
                  - {name: slashed, service: slashed, paths: [/c]}
                  - {name: regex, service: based, paths: ["~/r/\\\\d+"]}
                """);
        assertEquals("/x%2Fy", r.match(new Req("GET", "/strip/x%2Fy")).upstreamPath());
        assertEquals("/", r.match(new Req("GET", "/strip")).upstreamPath());
        assertEquals("/keep/a", r.match(new Req("GET", "/keep/a")).upstreamPath());
        assertEquals("/base/req", r.match(new Req("GET", "/b/req")).upstreamPath());
        assertEquals("/base", r.match(new Req("GET", "/b")).upstreamPath());
        assertEquals("/basereq", r.match(new Req("GET", "/breq")).upstreamPath());
        assertEquals("/base/req", r.match(new Req("GET", "/c/req")).upstreamPath());
        assertEquals("/base/", r.match(new Req("GET", "/c")).upstreamPath());
        assertEquals("/base/rest", r.match(new Req("GET", "/r/42/rest")).upstreamPath());
    }

    @Test
    void joinCollapsesOnlyTheDoubleSlash() {
        assertEquals("/", Router.join(null, ""));
        assertEquals("/a", Router.join(null, "a"));
        assertEquals("/s/a", Router.join("/s/", "/a"));
        assertEquals("/s//a", Router.join("/s/", "//a"));
    }

    @Test
    void routePathsAreNormalisedAsRequestsAre() throws Exception {
        Router r = router("""
                services: [{name: s, url: "http://s"}]
                routes:
                  - {name: open, service: s, paths: [/n]}
                  - {name: admin, service: s, paths: ["/n/./admin"]}
                  - {name: user, service: s, paths: ["/%7Euser"]}
                """);
        assertEquals("admin", routeOf(r, new Req("GET", "/n/admin/x")));
        assertEquals("user", routeOf(r, new Req("GET", "/~user/x")));
        assertEquals("/x", r.match(new Req("GET", "/n/admin/x")).upstreamPath());
    }
}
