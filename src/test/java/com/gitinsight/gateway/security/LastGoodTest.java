package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LastGoodTest {

    private final AtomicLong now = new AtomicLong();
    private final LastGood<String> last = new LastGood<>(now::get);

    @Test
    void theLastGoodAnswerServesWhileTheAddressFails() throws Exception {
        last.remember("https://idp/jwks", "keys-1");
        last.remember("https://idp/jwks", "keys-2");
        now.addAndGet(TimeUnit.SECONDS.toNanos(90));
        last.failed("https://idp/jwks", new ConnectException("Connection refused"));

        assertEquals("keys-2", last.recall("https://idp/jwks"), "the latest good answer, not the first");
        assertEquals(90, last.ageSeconds("https://idp/jwks"));
        assertEquals("ConnectException: Connection refused", last.failure("https://idp/jwks"));
    }

    @Test
    void anAddressThatNeverAnsweredHasNothingToFallBackTo() {
        last.failed("https://idp/jwks", new ConnectException("Connection refused"));
        IOException e = assertThrows(IOException.class, () -> last.recall("https://idp/jwks"));
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertTrue(e.getMessage().contains("never answered"), e.getMessage());
        assertEquals(-1, last.ageSeconds("https://idp/jwks"));

        IOException unknown = assertThrows(IOException.class, () -> last.recall("https://other/jwks"));
        assertTrue(unknown.getMessage().startsWith("https://other/jwks failed"), unknown.getMessage());
    }

    @Test
    void answersAreKeptPerAddressAndASuccessClearsTheFailure() throws Exception {
        last.remember("https://a/jwks", "a-keys");
        last.failed("https://b/jwks", new IOException("HTTP 503 from https://b/jwks"));
        assertEquals("a-keys", last.recall("https://a/jwks"));
        assertThrows(IOException.class, () -> last.recall("https://b/jwks"), "one provider's keys never serve another");

        last.failed("https://a/jwks", new IOException("timed out"));
        last.remember("https://a/jwks", "a-keys-2");
        assertNull(last.failure("https://a/jwks"));
        assertEquals("a-keys-2", last.recall("https://a/jwks"));
    }
}
