package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Kong's request_buffering for a body of unknown length, within its bounds. */
class RequestBufferingTest {

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void aBodyWithinTheBoundGoesWithItsLength() throws IOException {
        RequestBuffering buffering = new RequestBuffering(100_000, 1_000_000);
        byte[] body = bytes(70_000);
        RequestBuffering.Held held = buffering.hold(new ByteArrayInputStream(body));
        assertEquals(70_000, held.length());
        assertArrayEquals(body, held.body().readAllBytes());
        held.release().run();
        RequestBuffering.Held empty = buffering.hold(InputStream.nullInputStream());
        assertEquals(0, empty.length(), "an HTTP/2 body that never came: Content-Length: 0");
    }

    @Test
    void aLongerBodyGoesOnWholeOfUnknownLength() throws IOException {
        RequestBuffering buffering = new RequestBuffering(1000, 1_000_000);
        byte[] body = bytes(5000);
        RequestBuffering.Held held = buffering.hold(new ByteArrayInputStream(body));
        assertEquals(-1, held.length());
        assertArrayEquals(body, held.body().readAllBytes());
        byte[] exact = bytes(1000);
        assertEquals(1000, buffering.hold(new ByteArrayInputStream(exact)).length(), "exactly the bound is held");
    }

    @Test
    void bodiesInFlightTogetherStayWithinTheBudget() throws IOException {
        RequestBuffering buffering = new RequestBuffering(1000, 2500);
        RequestBuffering.Held first = buffering.hold(new ByteArrayInputStream(bytes(10)));
        RequestBuffering.Held second = buffering.hold(new ByteArrayInputStream(bytes(10)));
        RequestBuffering.Held unheld = buffering.hold(new ByteArrayInputStream(bytes(10)));
        assertEquals(-1, unheld.length(), "no budget left: streamed as it comes");
        assertArrayEquals(bytes(10), unheld.body().readAllBytes());
        first.release().run();
        assertEquals(10, buffering.hold(new ByteArrayInputStream(bytes(10))).length());
        second.release().run();
    }

    @Test
    void aClientThatFailsMidBodyGivesItsBudgetBack() throws IOException {
        RequestBuffering buffering = new RequestBuffering(1000, 1001);
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("reset");
            }
        };
        assertThrows(IOException.class, () -> buffering.hold(failing));
        assertEquals(10, buffering.hold(new ByteArrayInputStream(bytes(10))).length());
    }

    // Attacker review 149: the sent request keeps its entity while the answer streams, so the
    // bytes must go with the budget; and a client that trickles holds only what it sent.
    @Test
    void releasingLetsGoOfTheBytesAndTheBudgetIsTakenAsBytesArrive() throws IOException {
        RequestBuffering buffering = new RequestBuffering(1 << 20, 64 * 1024);
        RequestBuffering.Held small = buffering.hold(new ByteArrayInputStream(bytes(100)));
        InputStream kept = small.body();
        small.release().run();
        assertEquals(0, kept.available(), "nothing held after release");
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    100,
                    buffering.hold(new ByteArrayInputStream(bytes(100))).length(),
                    "16 KiB each for a small body, not the whole 1 MiB bound");
        }
    }
}
