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
}
