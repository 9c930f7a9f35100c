package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.gitinsight.gateway.config.UpstreamSpec.HashOn;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

/** The values a consistent-hashing upstream hashes, as Kong's balancer reads them. */
class ServletPickRequestTest {

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services: [{name: s, url: "http://127.0.0.1:9", routes: [{name: r, paths: [/]}]}]
            """);

    private static String arg(String uri, String name) {
        return new ServletPickRequest(FakeHttp.Request.get(uri).request, null).hashValue(HashOn.QUERY_ARG, name);
    }

    @Test
    void queryArgumentsAsKongReadsThemAndAMalformedEscapeIsNoError() {
        assertEquals("a b", arg("/x?user=a%20b", "user"));
        assertEquals("%zz", arg("/x?%zz=1&user=%zz", "user"), "kept as written, as nginx does (it was a 500)");
        assertEquals("true", arg("/x?user", "user"), "a bare argument");
        assertEquals("a,b", arg("/x?user=b&user=a", "user"), "several values sorted and joined");
        assertNull(arg("/x?other=1", "user"));
        assertNull(arg("/x", "user"));
        // Kong's "escaped arg names": a name of a space or of CRLF is a name like any other.
        assertEquals("v", arg("/x?%20=v", " "));
        assertEquals("w", arg("/x?%0D%0A=w", "\r\n"));
        TestSnapshots.of("""
                _format_version: "3.0"
                upstreams:
                  - {name: u, algorithm: consistent-hashing, hash_on: query_arg, hash_on_query_arg: " "}
                """);
    }

    @Test
    void theIpIsTheClientTheGatewayReadNotTheProxyInFront() {
        FakeHttp.Request r = FakeHttp.Request.get("/x");
        r.on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "r"));
        r.context().clientAddress("203.0.113.9");
        assertEquals("203.0.113.9", new ServletPickRequest(r.request, null).hashValue(HashOn.IP, null));
    }

    @Test
    void aHeaderIsHashedAsTheBackendGetsItNotAsTheClientForgedIt() {
        FakeHttp.Request r = FakeHttp.Request.get("/x?user=client", "X-Consumer-ID", "forged", "X-Tenant", "a");
        r.header("X-Tenant", "b");
        r.on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "r"));
        ServletPickRequest pick = new ServletPickRequest(r.request, null);
        assertNull(
                pick.hashValue(HashOn.HEADER, "X-Consumer-ID"), "a client's identity header never reaches the backend");
        assertEquals("a, b", pick.hashValue(HashOn.HEADER, "x-tenant"), "two lines, as nginx's $http_ joins them");
        // Helper review 263: Kong reads $http_x_tenant, the X-Tenant header.
        assertEquals("a, b", pick.hashValue(HashOn.HEADER, "x_tenant"), "an underscore reads the dashed header");
        r.context().upstreamHeader("X-Consumer-ID", "c-123");
        r.context().upstreamHeader("X-Tenant", null);
        r.context().upstreamQuery("user=plugin");
        assertEquals("c-123", pick.hashValue(HashOn.HEADER, "x-consumer-id"), "what key-auth set");
        assertNull(pick.hashValue(HashOn.HEADER, "X-Tenant"), "removed by a plugin");
        assertEquals("plugin", pick.hashValue(HashOn.QUERY_ARG, "user"), "the query request-transformer made");
        // Helper review 210 #6: request-transformer's replace host is the Host Kong's balancer hashes.
        r.header("Host", "public.test");
        assertEquals("public.test", pick.hashValue(HashOn.HEADER, "host"));
        r.context().upstreamHost("api.internal");
        assertEquals("api.internal", pick.hashValue(HashOn.HEADER, "Host"));
    }

    private static String path(String uri) throws Exception {
        FakeHttp.Request r = FakeHttp.Request.get(uri);
        r.on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "r"));
        return new ServletPickRequest(r.request, null).hashValue(HashOn.PATH, null);
    }

    @Test
    void aPathIsHashedAsNginxsUriEveryEscapeDecoded() throws Exception {
        // Kong's 03-consistent-hashing spec "uses the normalized path".
        assertEquals("/root/.subdir/()", path("/root/../%2e/root///././%2F.subdir/../.subdir/./%28%29"));
        assertEquals(path("/x("), path("/x%28"));
        assertEquals(path("/a/b"), path("/a%2Fb"), "nginx's $uri decodes an escaped slash too");
        assertEquals("/b", path("/a%2F..%2Fb"), "the slashes it spelled resolved in the same pass");
        assertEquals("/50%", path("/50%25"), "decoded once");
    }

    @Test
    void aCookieIsNginxsFirstOfItsNameInAnyCase() {
        FakeHttp.Request r = FakeHttp.Request.get("/x", "Cookie", "HASHME=v; hashme=w");
        ServletPickRequest pick = new ServletPickRequest(r.request, null);
        assertEquals("v", pick.hashValue(HashOn.COOKIE, "hashme"));
        assertNull(pick.newCookie(), "the client has the cookie: none is made");
    }

    @Test
    void aCookieMadeForAClientIsAVersion4UuidAsKongs() {
        // Helper review 239: Kong's balancer makes it with kong.tools.uuid (version 4).
        for (int i = 0; i < 50; i++) {
            ServletPickRequest pick = new ServletPickRequest(FakeHttp.Request.get("/x").request, null);
            String value = pick.hashValue(HashOn.COOKIE, "sess");
            java.util.UUID uuid = java.util.UUID.fromString(value);
            assertEquals(4, uuid.version(), value);
            assertEquals(2, uuid.variant(), value);
            assertEquals("sess=" + value, pick.newCookie());
        }
    }
}
