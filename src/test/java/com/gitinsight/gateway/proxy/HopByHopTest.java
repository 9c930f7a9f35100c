package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.http.ErrorResponses;
import org.junit.jupiter.api.Test;

class HopByHopTest {

    @Test
    void fixedHopByHopHeadersAreNeverForwarded() {
        for (String h : new String[] {
            "Connection",
            "Keep-Alive",
            "Proxy-Connection",
            "TE",
            "Trailer",
            "Transfer-Encoding",
            "Upgrade",
            "Proxy-Authorization",
            "Proxy-Authenticate"
        }) {
            assertTrue(HopByHop.isHopByHop(h, null), h);
        }
        assertFalse(HopByHop.isHopByHop("Content-Type", null));
        assertFalse(HopByHop.isHopByHop("Authorization", "close"));
    }

    @Test
    void headersNamedInConnectionAreHopByHop() {
        assertTrue(HopByHop.isHopByHop("X-Secret", "keep-alive, x-secret"));
        assertTrue(HopByHop.isHopByHop("x-secret", " X-Secret ,close"));
        assertFalse(HopByHop.isHopByHop("X-Secret-2", "x-secret"));
        assertFalse(HopByHop.isHopByHop("X-Sec", "x-secret"));
    }

    @Test
    void errorBodiesAreJsonWithEscaping() {
        org.junit.jupiter.api.Assertions.assertEquals(
                "{\"message\":\"a \\\"quoted\\\" word\",\"request_id\":\"r1\"}",
                ErrorResponses.body("a \"quoted\" word", "r1"));
    }
}
