package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.FakeHttp;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Whether the client's body goes upstream. Helper review 104: over HTTP/2 a body needs no
 * Content-Length, and such a body was dropped (the request went as if it had none).
 */
class ForwarderBodyTest {

    private static ByteArrayInputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anHttp2BodyWithoutALengthIsSentWhole() throws Exception {
        FakeHttp.Request h2 = FakeHttp.Request.of("POST", "/x").protocol("HTTP/2.0"); // no Content-Length
        Forwarder.ClientBody body = Forwarder.clientBody(h2.request, bytes("payload"));
        assertTrue(body.present());
        assertArrayEquals(
                "payload".getBytes(StandardCharsets.UTF_8), body.stream().readAllBytes());
    }

    @Test
    void anHttp2GetHasNoBody() {
        FakeHttp.Request get = FakeHttp.Request.get("/x").protocol("HTTP/2.0");
        assertFalse(Forwarder.clientBody(get.request, bytes("")).present());
    }

    @Test
    void overHttp1ABodyIsKnownByItsFramingOnly() {
        FakeHttp.Request get = FakeHttp.Request.get("/x");
        assertFalse(Forwarder.clientBody(get.request, bytes("ignored")).present(), "no length, no chunks: none");
    }
}
