package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class PacedRequestTest {

    private final ClientPace pace = new ClientPace();

    private static FakeHttp.Request upload(boolean chunked) {
        return FakeHttp.Request.of("POST", "/x")
                .body("application/json", "x".repeat(10_000), chunked)
                .on(TestSnapshots.of("_format_version: \"3.0\"\n"), null);
    }

    // Whoever reads the body through the request (a plugin such as key-auth's key_in_body first,
    // then the proxy the rest) has its bytes counted once, however it reads them (attacker review
    // 302: counted in the proxy alone, a body a plugin had read was not).
    @Test
    void aChunkedBodyIsCountedWhoeverReadsItAndHoweverItIsRead() throws Exception {
        FakeHttp.Request request = upload(true);
        RequestContext context = request.context();
        ClientPace.Slot slot = pace.begin(request.request, "203.0.113.9");
        try {
            PacedRequest paced = new PacedRequest(request.request, slot);
            assertEquals(-1, context.chunkedBodyBytes(), "nothing read: none counted");
            InputStream plugin = paced.getInputStream();
            plugin.read();
            plugin.read(new byte[999]);
            plugin.skip(1_000);
            InputStream proxy = paced.getInputStream(); // (the same stream, where the plugin left it)
            proxy.readAllBytes();
            assertEquals(-1, proxy.read(), "the end is no byte");
        } finally {
            slot.end();
        }
        assertEquals(10_000, context.chunkedBodyBytes());
    }

    @Test
    void aBodyWithALengthIsNotCounted() throws Exception {
        FakeHttp.Request request = upload(false);
        ClientPace.Slot slot = pace.begin(request.request, "203.0.113.9");
        try {
            new PacedRequest(request.request, slot).getInputStream().readAllBytes();
        } finally {
            slot.end();
        }
        assertEquals(-1, request.context().chunkedBodyBytes(), "its Content-Length is what is logged");
    }
}
