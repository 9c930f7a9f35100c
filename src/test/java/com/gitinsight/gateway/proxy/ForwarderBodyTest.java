package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

/**
 * Whether the client's body goes upstream. Helper review 104: over HTTP/2 a body needs no
 * Content-Length, and such a body was dropped (the request went as if it had none).
 */
class ForwarderBodyTest {

    @Test
    void anHttp2BodyTakingRequestWithoutALengthIsSentItsBody() {
        assertTrue(Forwarder.hasBody(FakeHttp.Request.of("POST", "/x").protocol("HTTP/2.0").request));
    }

    @Test
    void anHttp2GetHasNoBody() {
        assertFalse(Forwarder.hasBody(FakeHttp.Request.get("/x").protocol("HTTP/2.0").request));
    }

    @Test
    void overHttp1ABodyIsKnownByItsFramingOnly() {
        assertFalse(Forwarder.hasBody(FakeHttp.Request.of("POST", "/x").request), "no length, no chunks: none");
        assertTrue(Forwarder.hasBody(FakeHttp.Request.of("POST", "/x", "Transfer-Encoding", "chunked").request));
        assertTrue(Forwarder.hasBody(FakeHttp.Request.of("POST", "/x", "Content-Length", "3").request));
    }

    @Test
    void theBalancersCookieReplacesTheBackendsFirstOfTheSameName() {
        org.apache.hc.core5.http.Header[] headers = {
            new org.apache.hc.core5.http.message.BasicHeader("Set-Cookie", "other=1"),
            new org.apache.hc.core5.http.message.BasicHeader("X-Sticky", "sticky=2"),
            new org.apache.hc.core5.http.message.BasicHeader("set-cookie", "sticky=backend; Path=/"),
            new org.apache.hc.core5.http.message.BasicHeader("Set-Cookie", "sticky=again")
        };
        String ours = "sticky=0f0e; Path=/; Same-Site=Lax; HttpOnly";
        org.junit.jupiter.api.Assertions.assertEquals(2, Forwarder.replacedCookie(headers, ours));
        org.junit.jupiter.api.Assertions.assertEquals(-1, Forwarder.replacedCookie(headers, null), "no cookie made");
        org.junit.jupiter.api.Assertions.assertEquals(
                -1, Forwarder.replacedCookie(headers, "stick=1; Path=/"), "a name that only starts the same");
    }
}
