package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    @Test
    void anUntrustedPeerThatForwardedTheRequestIsOnNoAllowList() {
        TrustedProxies none = TrustedProxies.of("");
        assertEquals(
                "127.0.0.1",
                none.listedClient(FakeHttp.Request.get("/x").request).getHostAddress());
        for (String header : new String[] {"X-Forwarded-For", "Forwarded", "X-Real-IP"}) {
            assertNull(none.listedClient(FakeHttp.Request.get("/x", header, "10.0.0.1").request), header);
        }
        TrustedProxies loopback = TrustedProxies.of("127.0.0.1");
        assertEquals(
                "10.0.0.1",
                loopback.listedClient(FakeHttp.Request.get("/x", "X-Forwarded-For", "10.0.0.1").request)
                        .getHostAddress(),
                "a trusted proxy names the client");
    }
}
