package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

class RequestFramingTest {

    @Test
    void aHeaderNameWithABlankOrASeparatorIsRefused() {
        for (String name : new String[] {"Transfer-Encoding ", "X-Real-IP\t", " Host", "X(a)", "a:b", "X-Ä"}) {
            FakeHttp.Request r = FakeHttp.Request.get("/x", name, "chunked");
            assertEquals(
                    "A header name must be a token (RFC 9110 5.1): no blanks or separators",
                    RequestFraming.problem(r.request),
                    name);
        }
        assertNull(RequestFraming.problem(FakeHttp.Request.get("/x", "X_Custom.Name~1", "v").request));
    }

    // Attacker review 234: Grizzly does not de-chunk an HTTP/1.0 request; its body was dropped and
    // the request forwarded whole. nginx answers 400 (RFC 9112 6.1).
    // Attacker review 236: trim() dropped control bytes too, and Grizzly does not de-chunk
    // "\u000bchunked": the body was lost and the request forwarded whole.
    @Test
    void aTransferEncodingWithAControlByteIsNotChunked() {
        for (String te :
                new String[] {"\u000bchunked", "\u0001chunked", "chunked\u000c", "\u001fchunked", "chunked\u0000"}) {
            assertEquals(
                    "Transfer-Encoding must be exactly chunked",
                    RequestFraming.problem(FakeHttp.Request.get("/x", "Transfer-Encoding", te).request),
                    te);
        }
        for (String te : new String[] {"chunked", " chunked\t", "CHUNKED"}) {
            assertNull(RequestFraming.problem(FakeHttp.Request.get("/x", "Transfer-Encoding", te).request), te);
        }
    }

    @Test
    void anHttp10RequestWithTransferEncodingIsRefused() {
        FakeHttp.Request old =
                FakeHttp.Request.get("/x", "Transfer-Encoding", "chunked").protocol("HTTP/1.0");
        assertEquals("An HTTP/1.0 request may not carry Transfer-Encoding", RequestFraming.problem(old.request));
        assertNull(RequestFraming.problem(FakeHttp.Request.get("/x", "Transfer-Encoding", "chunked").request));
        assertNull(RequestFraming.problem(FakeHttp.Request.get("/x").protocol("HTTP/1.0").request));
    }

    @Test
    void aHostNginxWouldRefuseIsRefused() {
        // ngx_http_validate_host (attacker review 119): *.example.com matched evil.com/.example.com.
        for (String host : new String[] {
            "evil.com/.example.com",
            "a..example.com",
            "a b.com",
            "a\\b.com",
            "x\u0001",
            "evil.com?.example.com",
            "evil.com#.example.com",
            "u@evil.com"
        }) {
            assertEquals(
                    "Invalid Host header",
                    RequestFraming.problem(FakeHttp.Request.get("/x", "Host", host).request),
                    host);
        }
        for (String host :
                new String[] {"api.example.com", "api.example.com.", "[::1]:8000", "[::1]", "h_1.test:80", "a.test:8443"
                }) {
            assertNull(RequestFraming.problem(FakeHttp.Request.get("/x", "Host", host).request), host);
        }
    }

    // Helper review 212: nginx takes these once ("client sent duplicate header line", 400 before
    // any plugin); two Authorization lines were checked by the first and both sent to the backend.
    @Test
    void aHeaderNginxTakesOnceIsRefusedTwice() {
        for (String name : new String[] {"Authorization", "authorization", "If-None-Match", "Expect", "If-Range"}) {
            FakeHttp.Request r = FakeHttp.Request.get("/x", name, "Basic YWxpY2U6cHc=");
            assertNull(RequestFraming.problem(r.request), name);
            r.header(name, "Basic YWRtaW46eA==");
            assertEquals("A request carries one " + name + " header", RequestFraming.problem(r.request), name);
        }
        FakeHttp.Request cookies = FakeHttp.Request.get("/x", "Cookie", "a=1");
        cookies.header("Cookie", "b=2");
        assertNull(RequestFraming.problem(cookies.request), "nginx joins Cookie lines");
    }

    @Test
    void tokensAreRfc9110s() {
        assertTrue(RequestFraming.isToken("!#$%&'*+-.^_`|~09azAZ"));
        assertFalse(RequestFraming.isToken(""));
        assertFalse(RequestFraming.isToken("a b"));
        assertFalse(RequestFraming.isToken("a\"b"));
        assertFalse(RequestFraming.isToken("a/b"));
    }
}
