package com.gitinsight.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestPathTest {

    private static String n(String raw) throws RequestPath.BadPath {
        return RequestPath.normalize(raw);
    }

    @Test
    void decodesUnreservedAndKeepsReservedEscapesUpperCased() throws Exception {
        assertEquals("/route/x", n("/ro%75te/x"));
        assertEquals("/n/admin/secret", n("/n/%61dmin/secret"));
        assertEquals("/n/internal", n("/n/%69nternal"));
        assertEquals("/a%2Fb", n("/a%2fb"));
        assertEquals("/a%3Bb%25", n("/a%3bb%25"));
        // As Kong: space and the other non-reserved characters decoded, escaped UTF-8 read as
        // characters; controls stay escaped (a capture never holds a raw line break).
        assertEquals("/a b/é/\"<>{}|^`", n("/a%20b/%c3%a9/%22%3C%3E%7B%7D%7C%5E%60"));
        assertEquals("/a%0A%0D%7F%1F", n("/a%0a%0d%7f%1f"));
        assertEquals("/t/Abc 123ø%2F/test/", n("/t/Abc%20123%C3%B8%2f/parent/..//test/./"), "Kong's get_path example");
        assertEquals("/😀x", n("/%F0%9F%98%80x"));
        // Raw bytes beyond ASCII, as Payara hands them over (one character per byte): read as escapes are.
        assertEquals("/café/x", n("/caf\u00c3\u00a9/x"));
        assertEquals("/caf%C3%A9", RequestPath.escape(n("/caf\u00c3\u00a9")));
        assertEquals(
                404,
                assertThrows(RequestPath.BadPath.class, () -> n("/caf\u00e9")).status(),
                "a lone byte");
        assertEquals("/caf\u00e9\u4e2d", RequestPath.asSent("/caf\u00e9\u4e2d"), "decoded by its container: kept");
        // Helper review 96: line breaks beyond ASCII stay escaped (Java's regex ends a line at them).
        assertEquals("/internal/%C2%85x%E2%80%A8%E2%80%A9", n("/internal/%c2%85x%E2%80%A8%E2%80%a9"));
        // Back on the wire as Kong's escape writes it.
        assertEquals("/a%20b/%C3%A9/%0A", RequestPath.escape(n("/a%20b/%c3%a9/%0a")));
        assertEquals("/~user/-_.", n("/%7Euser/%2D%5F%2E"));
    }

    @Test
    void removesDotSegmentsAndMergesSlashes() throws Exception {
        assertEquals("/n/admin/secret", n("/n//admin/secret"));
        assertEquals("/n/admin/secret", n("/n/./admin/secret"));
        assertEquals("/n/admin/secret", n("/n/x/../admin/secret"));
        assertEquals("/n/admin/secret", n("/n/%2e%2e/n/admin/secret"));
        assertEquals("/n/admin/secret", n("/n/%2E./n/admin/secret"));
        assertEquals("/n/admin/", n("/n/admin/."));
        assertEquals("/n/", n("/n/admin/.."));
        assertEquals("/a/", n("/a//"));
        assertEquals("/", n("/"));
        assertEquals("/", n("//"));
        assertEquals("/a/b/", n("/a/b/"));
        assertEquals("/a/.b/..c/b.", n("/a/.b/..c/b."));
    }

    @Test
    void anOrdinaryPathIsReturnedAsItIsWithoutAWalk() throws Exception {
        // The hot path: no escape, no dot segment, no doubled slash: the same instance back.
        for (String plain : new String[] {"/api/big.json", "/a.b/c.d/", "/v1.2/x"}) {
            assertTrue(plain == RequestPath.normalize(plain), plain);
        }
        assertEquals("/.well-known/x", RequestPath.normalize("/.well-known/x"), "a dot-leading name is no dot segment");
        assertEquals("/a/b.", RequestPath.normalize("/a/./b."));
    }

    @Test
    void bytesThatSpellNoCharacterMatchNoRouteAndNulIsRefused() {
        // Kong's router (08-router_spec "gracefully handles invalid utf-8 sequences"): 404; nginx: 400 for %00.
        for (String raw : new String[] {"/%ff", "/%C0%AE%C0%AE/x", "/%e2%82", "/a%80b", "/%ED%A0%80"}) {
            RequestPath.BadPath e = assertThrows(RequestPath.BadPath.class, () -> n(raw), raw);
            assertEquals(404, e.status(), raw);
        }
        assertEquals(
                400, assertThrows(RequestPath.BadPath.class, () -> n("/a%00b")).status());
    }

    @Test
    void theGatewaysOwnPathsAreCanonicalWhenSpelledAsTheWireSpellsThem() {
        assertTrue(RequestPath.isCanonical("/_gateway/admin/consumers/jos%C3%A9%20m"));
        assertFalse(RequestPath.isCanonical("/_gateway/admin/consumers/jos%c3%a9"));
        assertFalse(RequestPath.isCanonical("/_gateway/admin/%61"));
        assertFalse(RequestPath.isCanonical("/_gateway/admin/a%2Fb"));
    }

    @Test
    void refusesWhatCannotBeReadOneWay() {
        assertThrows(RequestPath.BadPath.class, () -> n("/.."));
        assertThrows(RequestPath.BadPath.class, () -> n("/a/../../etc"));
        assertThrows(RequestPath.BadPath.class, () -> n("/%2e%2e/x"));
        assertThrows(RequestPath.BadPath.class, () -> n("/anything/%zz"));
        assertThrows(RequestPath.BadPath.class, () -> n("/a%2"));
        assertThrows(RequestPath.BadPath.class, () -> n("/a/..;/admin"));
        assertThrows(RequestPath.BadPath.class, () -> n("/a/.;x/admin"));
        assertThrows(RequestPath.BadPath.class, () -> n("a/b"));
    }

    @Test
    void escapesForTheWireWhatWasDecoded() throws Exception {
        assertEquals("/a%22b%7Bc%7D%5C", RequestPath.escape(n("/a%22b%7bc%7d%5c")));
        assertEquals("/plain/path;x=1", RequestPath.escape("/plain/path;x=1"));
    }

    // Helper review 241: a dot segment an escaped slash spells is refused only where a lenient
    // backend's reading climbs out of the service's path; within it, Kong forwards it as sent.
    @Test
    void aLenientReadingLeavesTheServicePathOnlyWhenItClimbsOutOfIt() {
        assertFalse(RequestPath.lenientlyLeaves("/api/v1%2F..%2Fv2", null));
        assertFalse(RequestPath.lenientlyLeaves("/a/b%2F.%2Fc", "/"));
        assertFalse(RequestPath.lenientlyLeaves("/svc/a%2F..%2Fb", "/svc"));
        assertFalse(RequestPath.lenientlyLeaves("/n/public/a%2F..%2Fpage", "/n/public/"));
        assertFalse(RequestPath.lenientlyLeaves("/svc/plain%2Fslash", "/svc"), "no dot segment");
        assertTrue(RequestPath.lenientlyLeaves("/svc/..%2Fadmin", "/svc"));
        assertTrue(RequestPath.lenientlyLeaves("/svc/..%2Fsvcother", "/svc"), "a sibling sharing its letters");
        assertTrue(RequestPath.lenientlyLeaves("/n/public/..%2Fadmin%2Fsecret", "/n/public/"));
        assertTrue(RequestPath.lenientlyLeaves("/svc/a/..%2F..%2Fb", "/svc"));
        assertTrue(RequestPath.lenientlyLeaves("/a/..%2F..%2Fb", null), "above the root");
        assertTrue(RequestPath.lenientlyLeaves("/svc/x/..;/..;/admin", "/svc"), "parameters dropped");
        assertTrue(RequestPath.lenientlyLeaves("/svc/x\\..\\..\\admin", "/svc"), "backslashes as separators");
    }

    @Test
    void theGatewaysOwnPathsHaveOneSpelling() {
        assertTrue(RequestPath.isCanonical("/_gateway/admin/consumers/alice"));
        assertFalse(RequestPath.isCanonical("/_gateway/admin/consumers/..%2F..%2Fmallory"));
        assertFalse(RequestPath.isCanonical("/_gateway/admin/consumers/%2e%2e"));
        assertFalse(RequestPath.isCanonical("/_gateway/admin/consumers/a%5Cb"));
        assertFalse(RequestPath.isCanonical("/_gateway//admin"));
        assertFalse(RequestPath.isCanonical("/_gateway/./admin"));
        assertFalse(RequestPath.isCanonical("/_gateway/admin/%61"));
    }

    @Test
    void parametersAreDroppedAsServletBackendsDo() {
        assertEquals("/n/admin/secret", RequestPath.asLenientBackendsRead("/n;x=1/admin;jsessionid=2/secret"));
        assertEquals("/n/admin/secret", RequestPath.asLenientBackendsRead("/n%2Fadmin\\secret"));
        String plain = "/n/admin";
        assertTrue(plain == RequestPath.asLenientBackendsRead(plain));
    }
}
