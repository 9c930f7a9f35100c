package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Attacker review 188: a body a backend that does not read it would take for the next request. */
class BodyStartTest {

    private static BodyStart.Peeked peek(String body) throws IOException {
        return BodyStart.peek(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aBodyStartingAsARequestLineGoesOnAConnectionOfItsOwn() throws IOException {
        assertTrue(peek("GET /admin HTTP/1.1\r\nHost: x\r\nX-Consumer-ID: admin\r\n\r\n")
                .looksLikeARequest());
        assertTrue(peek("\r\n\r\nPOST / HTTP/1.1\r\n").looksLikeARequest(), "blank lines first, as servers skip");
        assertTrue(peek("\r\n".repeat(40) + "GET / HTTP/1.1\r\n").looksLikeARequest(), "blank past the peek");
        assertTrue(peek("G".repeat(20) + " / HTTP/1.1\r\n").looksLikeARequest(), "a long method");
        assertTrue(peek("get\t/ HTTP/1.1\r\n").looksLikeARequest());
        // Helper review 192: Python's http.server splits a request line on any white space.
        assertTrue(peek(" GET /admin HTTP/1.1\r\n").looksLikeARequest(), "a leading space");
        assertTrue(peek("\fGET /admin HTTP/1.1\r\n").looksLikeARequest(), "a leading form feed");
        assertTrue(peek("GET\u000b/admin\u000bHTTP/1.1\r\n").looksLikeARequest(), "vertical tabs");
    }

    @Test
    void ordinaryBodiesKeepTheirConnection() throws IOException {
        for (String body : new String[] {
            "{\"a\": 1}",
            "a=1&b=2",
            "",
            "true",
            "12345",
            "\r\n",
            "<xml/>",
            "--boundary\r\n",
            "[1, 2]",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        }) {
            assertFalse(peek(body).looksLikeARequest(), body);
        }
    }

    @Test
    void thePeekedBytesAreSentAsTheyCame() throws IOException {
        String body = "GET / HTTP/1.1\r\n" + "x".repeat(500);
        assertArrayEquals(
                body.getBytes(StandardCharsets.ISO_8859_1), peek(body).body().readAllBytes());
        assertArrayEquals(new byte[] {'o', 'k'}, peek("ok").body().readAllBytes());
    }
}
