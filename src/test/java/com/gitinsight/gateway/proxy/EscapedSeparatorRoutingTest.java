package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.routing.RequestPath;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the head of the chain routes a path with an escaped separator (CurrentRequestFilter.match). */
class EscapedSeparatorRoutingTest {

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: s
                url: http://127.0.0.1:9
                routes:
                  - {name: open, paths: [/n]}
                  - {name: admin, paths: [/n/admin]}
                  - {name: endel, paths: ["/endel%2Fst", "~/users/[^/]+$", "~/docs/.*[.]pdf$"]}
                  - {name: items, paths: ["~/items/[^/]+$"]}
                  - {name: reserved, paths: ["~/regex-reserved%2Fabc"]}
                  - {name: dl, paths: ["~/dl%2F", "~/dl%2F.*%2F.*%2F.*[.]zip$"]}
            """);

    private static RouteMatch route(String raw) throws Exception {
        return matchIn(com.gitinsight.gateway.routing.Router.build(SNAPSHOT.config()), raw);
    }

    /** What the head of the chain makes of {@code raw} with {@code router}'s routes. */
    private static RouteMatch matchIn(com.gitinsight.gateway.routing.Router router, String raw) {
        try {
            return CurrentRequestFilter.match(router, FakeHttp.Request.get(raw).request, RequestPath.normalize(raw));
        } catch (RequestPath.BadPath e) {
            throw new AssertionError(e);
        }
    }

    /** A router for one service at 127.0.0.1:9 with {@code routes} (YAML flow maps, one a line). */
    private static com.gitinsight.gateway.routing.Router routes(String... routes) {
        StringBuilder yaml = new StringBuilder(
                "_format_version: \"3.0\"\nservices:\n  - name: s\n    url: http://127.0.0.1:9\n    routes:\n");
        for (String r : routes) {
            yaml.append("      - ").append(r).append('\n');
        }
        return com.gitinsight.gateway.routing.Router.build(
                TestSnapshots.of(yaml.toString()).config());
    }

    // Helper review 264: a service path with its own dot segments ("/api/./v2", which Kong loads and
    // sends as written) is the operator's: only what strip_path's cut leaves after it is checked.
    @Test
    void aServicePathsOwnDotSegmentsAreNotTheClients() throws Exception {
        var router = com.gitinsight.gateway.routing.Router.build(
                TestSnapshots.of("""
                        _format_version: "3.0"
                        services:
                          - name: dotted
                            url: http://127.0.0.1:9/api/./v2/
                            routes: [{name: d, paths: [/pub]}]
                          - name: plain
                            url: http://127.0.0.1:9/api/v2/
                            routes: [{name: p, paths: [/open]}]
                        """).config());
        RouteMatch ok = matchIn(router, "/pub/x");
        assertEquals("/api/./v2/x", ok.upstreamPath());
        assertFalse(CurrentRequestFilter.leavesServicePath(ok), "the service's own dot segment");
        RouteMatch bare = matchIn(router, "/pub");
        assertEquals("/api/./v2", bare.upstreamPath(), "v0 drops the trailing slash");
        assertFalse(CurrentRequestFilter.leavesServicePath(bare), "helper review 265");
        RouteMatch climbing = matchIn(router, "/pub../x");
        assertEquals("/api/./v2/../x", climbing.upstreamPath());
        assertTrue(CurrentRequestFilter.leavesServicePath(climbing), "strip_path's cut climbs out");
        assertTrue(CurrentRequestFilter.leavesServicePath(matchIn(router, "/open../x")));
        assertFalse(CurrentRequestFilter.leavesServicePath(matchIn(router, "/open/x")));
    }

    // Helper review 264: Kong's router reads a Host without a port as the port clients reached
    // (port_maps' ctx.host_port), not the listener's.
    @Test
    void aHostsPortIsReadThroughPortMaps() throws Exception {
        var router = com.gitinsight.gateway.routing.Router.build(
                TestSnapshots.of("""
                        _format_version: "3.0"
                        services:
                          - name: s
                            url: http://127.0.0.1:9
                            routes: [{name: eighty, hosts: ["api.example.com:80"], paths: [/]}]
                        """).config());
        FakeHttp.Request r = FakeHttp.Request.get("/x", "Host", "api.example.com");
        int listener = r.request.getLocalPort();
        assertNull(CurrentRequestFilter.match(router, r.request, "/x"), "the listener's port " + listener);
        RouteMatch mapped = CurrentRequestFilter.match(
                router, r.request, "/x", com.gitinsight.gateway.http.PortMaps.parse("80:" + listener));
        assertEquals("eighty", mapped.route().name());
    }

    @Test
    void anEscapedSlashIsRefusedWhenItsDecodedReadingRoutesElsewhereOrNowhere() throws Exception {
        assertSame(CurrentRequestFilter.AMBIGUOUS, route("/n%2Fadmin"), "decoded: another route");
        assertSame(CurrentRequestFilter.AMBIGUOUS, route("/items/x%2Fdelete"), "decoded: no route");
        assertEquals("open", route("/n/x%2Fy").route().name(), "decoded: the same route");
    }

    @Test
    void aRouteWrittenWithTheEscapeTakesItAsKongsSpecAsks() throws Exception {
        assertEquals("endel", route("/endel%2Fst").route().name());
        assertEquals("endel", route("/endel%2fst").route().name(), "the escape in either case");
        assertNull(route("/other"));
        assertEquals("endel", route("/endel%2Fst/more").route().name());
        assertSame(CurrentRequestFilter.AMBIGUOUS, route("/endel%2Fst/x%2Fadmin"), "an escape the route did not write");
        assertSame(CurrentRequestFilter.AMBIGUOUS, route("/users/1%2Fadmin"), "another path of the same route");
        assertSame(CurrentRequestFilter.AMBIGUOUS, route("/docs/secret.xml;.pdf"), "a ';' parameter, not an escape");
        // Kong's 08-router_spec "leave reserved characters alone in regex paths" (helper review 130).
        assertEquals("reserved", route("/regex-reserved%2Fabc").route().name());
        assertEquals("reserved", route("/regex-reserved%2Fabc/x").route().name());
        assertSame(CurrentRequestFilter.AMBIGUOUS, route("/regex-reserved%2Fabc%2Fadmin"), "past what it matched");
    }

    @Test
    void aRouteWrittenWithABackslashTakesItAsKongsSpecAsks() {
        // Kong's 08-router_spec "works with special characters('\"','\\')" (helper review 180):
        // every request for /\d was a 400, the route unreachable.
        com.gitinsight.gateway.routing.Router router =
                routes("{name: bs, paths: [\"/\\\\d\", \"/share\\\\files\"]}", "{name: admin, paths: [/d/admin]}");
        assertEquals("bs", matchIn(router, "/\\d").route().name());
        assertEquals("bs", matchIn(router, "/%5Cd").route().name(), "escaped as Kong escapes it on the wire");
        assertEquals("bs", matchIn(router, "/share\\files/a").route().name());
        // A backslash the route did not write is still one a lenient backend reads as '/'.
        assertSame(CurrentRequestFilter.AMBIGUOUS, matchIn(router, "/\\d\\admin"));
        assertSame(CurrentRequestFilter.AMBIGUOUS, matchIn(router, "/\\d/x%2Fadmin"));
    }

    @Test
    void aCatchAllRouteDoesNotTakeAnEscapedRoutesPathAway() throws Exception {
        // Helper review 163 #1: with a '/' route in the file, the decoded reading (/endel/st) fell to
        // it and Kong's own escaped routes answered 400; a closer route for the decoded reading still wins.
        com.gitinsight.gateway.routing.Router router = routes(
                "{name: root, paths: [/]}",
                "{name: endel, paths: [\"/endel%2Fst\"]}",
                "{name: guarded, paths: [/endel/st/admin]}",
                "{name: pattern, paths: [\"~/endel/st/private$\"]}");
        java.util.function.Function<String, RouteMatch> at = raw -> matchIn(router, raw);
        assertEquals("endel", at.apply("/endel%2Fst").route().name());
        assertEquals("endel", at.apply("/endel%2Fst/x").route().name());
        assertSame(CurrentRequestFilter.AMBIGUOUS, at.apply("/endel%2Fst/admin"), "decoded: a closer route");
        assertSame(CurrentRequestFilter.AMBIGUOUS, at.apply("/endel%2Fst/private"), "decoded: a regex route");
        // Attacker review 167: a shorter prefix guards the decoded reading too (/api with key-auth,
        // /api%2Fv1 without: a backend that decodes reads /api/v1/...), and slashes the escape spells
        // are merged before the closer route is looked for.
        com.gitinsight.gateway.routing.Router strict = routes(
                "{name: root, paths: [/]}",
                "{name: api, paths: [/api]}",
                "{name: open, paths: [\"/api%2Fv1\", \"/files%2F\"]}",
                "{name: private, paths: [/files/private]}");
        for (String raw : List.of("/api%2Fv1/users/42", "/files%2F/private/x")) {
            assertSame(CurrentRequestFilter.AMBIGUOUS, matchIn(strict, raw), raw);
        }
        // A catch-all with other paths beside '/' is still one for a path none of them takes.
        com.gitinsight.gateway.routing.Router rootAndMore =
                routes("{name: root, paths: [/, /other]}", "{name: endel, paths: [\"/endel%2Fst\"]}");
        assertEquals("endel", matchIn(rootAndMore, "/endel%2Fst").route().name());
        assertEquals("root", at.apply("/a%2Fb").route().name(), "decoded: the same route");
    }

    // Attacker review 133: a later regex path of the matched route was searched with no bound of
    // work (15 s to a minute of one core for this path); it now has the router's bound, past which
    // the path is not the route's.
    @Test
    void theRouteOwnEscapeCheckHasTheRoutersBoundOfWork() {
        String path = "/dl" + "%2F".repeat(2000);
        RouteMatch m = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), () -> route(path));
        assertSame(CurrentRequestFilter.AMBIGUOUS, m);
    }

    // Attacker review 143: over HTTP/2 the container passes a :path with a raw LF as it came. A
    // route regex's '.' does not match it, so ~/internal/.+ was skipped for a broader route while
    // the backend got /internal/%0Asecret; a raw CR LF in the query would end the request line
    // sent upstream. nginx refuses both (400), before any route or plugin.
    @Test
    void aRawControlCharacterInTheTargetIsRefusedBeforeRouting() throws Exception {
        CurrentRequestFilter filter = new CurrentRequestFilter();
        filter.kongHeaders = com.gitinsight.gateway.http.KongHeaders.of("off", "off");
        for (String target :
                new String[] {"/internal/\nsecret", "/a\rb", "/a\tb", "/a b", "/a\u007fb", "/q?a=\r\nX: y"}) {
            FakeHttp.Response response = new FakeHttp.Response();
            boolean[] passed = {false};
            filter.doFilter(FakeHttp.Request.get(target).request, response.response, (rq, rs) -> passed[0] = true);
            assertEquals(400, response.status(), target);
            org.junit.jupiter.api.Assertions.assertFalse(passed[0], target);
        }
        org.junit.jupiter.api.Assertions.assertTrue(RequestPath.hasControlCharacter("/a\nb"));
        org.junit.jupiter.api.Assertions.assertFalse(RequestPath.hasControlCharacter("/a%0Ab"));
        org.junit.jupiter.api.Assertions.assertFalse(RequestPath.hasControlCharacter(null));
    }
}
