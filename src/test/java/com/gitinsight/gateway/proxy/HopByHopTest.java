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

    // Helper review 127: the options of every Connection line count (RFC 9110 7.6.1), so a
    // backend's second line cannot pass a header it names on to the client.
    @Test
    void everyConnectionLineNamesHopByHopHeaders() {
        String answer = HopByHop.connectionOptions(new org.apache.hc.core5.http.Header[] {
            new org.apache.hc.core5.http.message.BasicHeader("Connection", "keep-alive"),
            new org.apache.hc.core5.http.message.BasicHeader("Connection", "X-Internal")
        });
        assertTrue(HopByHop.isHopByHop("X-Internal", answer));
        assertTrue(HopByHop.isHopByHop(
                "x-hop",
                HopByHop.connectionOptions(java.util.Collections.enumeration(java.util.List.of("close", "x-hop")))));
        org.junit.jupiter.api.Assertions.assertNull(HopByHop.connectionOptions(new org.apache.hc.core5.http.Header[0]));
        org.junit.jupiter.api.Assertions.assertNull(
                HopByHop.connectionOptions(java.util.Collections.emptyEnumeration()));
    }

    @Test
    void errorBodiesAreJsonWithEscaping() {
        org.junit.jupiter.api.Assertions.assertEquals(
                "{\"message\":\"a \\\"quoted\\\" word\",\"request_id\":\"r1\"}",
                ErrorResponses.body("a \"quoted\" word", "r1"));
    }
}
