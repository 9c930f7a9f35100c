package com.gitinsight.gateway.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.http.ClientTooSlow;
import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The mechanism: marks, the sweep, and what a cut client's read or write ends with. */
class ClientPaceTest {

    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private final List<ServletRequest> closed = new CopyOnWriteArrayList<>();
    /** Released by the closer: what a container's blocked read or write does when its connection closes. */
    private final CountDownLatch connection = new CountDownLatch(1);

    /** Every slow client is over a budget of none. */
    private final ClientPace pace =
            ClientPace.of(new SlowClientPolicy.Limits(0, 0, 60 * S, 2 * S, 10 * S, 64 << 10), r -> {
                closed.add(r);
                connection.countDown();
            });

    /** A container stream that blocks until the connection is closed, then fails as Grizzly's does. */
    private final class Stalled extends ServletInputStream {
        @Override
        public int read() throws IOException {
            return read(new byte[1], 0, 1);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                connection.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.nio.channels.CancelledKeyException();
        }

        @Override
        public boolean isFinished() {
            return false;
        }

        @Override
        public boolean isReady() {
            return false;
        }

        @Override
        public void setReadListener(ReadListener listener) {}
    }

    private final class StalledOutput extends ServletOutputStream {
        @Override
        public void write(int b) throws IOException {
            try {
                connection.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("Connection is closed");
        }

        @Override
        public boolean isReady() {
            return false;
        }

        @Override
        public void setWriteListener(WriteListener listener) {}
    }

    @Test
    void aClientBlockingAReadIsCutAndTheReadEndsAsTooSlow() throws Exception {
        ServletRequest request = FakeHttp.Request.of("POST", "/upload").request;
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            ClientPace.Slot slot = pace.begin(request, "203.0.113.9");
            try {
                slot.input(new Stalled(), null).read(new byte[16]);
                return null;
            } catch (Throwable e) {
                return e;
            } finally {
                slot.end();
            }
        });
        // Blocked, but not for 2 s yet: kept.
        await().atMost(Duration.ofSeconds(5)).until(this::closedNothingYet);
        assertEquals(0, pace.sweep(System.nanoTime()));
        assertEquals(List.of(), closed);
        assertEquals(1, pace.sweep(System.nanoTime() + 3 * S));
        Throwable failure = reader.get(5, TimeUnit.SECONDS);
        assertInstanceOf(ClientTooSlow.class, failure);
        assertEquals(List.of(request), closed);
        assertEquals(408, ClientTooSlow.status((IOException) failure));
    }

    private boolean closedNothingYet() {
        return closed.isEmpty() && Thread.getAllStackTraces().keySet().stream().anyMatch(ClientPaceTest::stalled);
    }

    private static boolean stalled(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith(ClientPaceTest.class.getName() + "$Stalled")
                    && e.getMethodName().equals("read")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aClientTooSlowToReadTheAnswerIsCutAndTheWriteEndsAsTooSlow() throws Exception {
        ServletRequest request = FakeHttp.Request.get("/big").request;
        CountDownLatch writing = new CountDownLatch(1);
        CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
            ClientPace.Slot slot = pace.begin(request, "203.0.113.9");
            try {
                ServletOutputStream out = slot.output(new StalledOutput());
                writing.countDown();
                out.write(new byte[] {1, 2, 3});
                return null;
            } catch (Throwable e) {
                return e;
            } finally {
                slot.end();
            }
        });
        writing.await(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> pace.sweep(System.nanoTime() + 3 * S) == 1);
        Throwable failure = writer.get(5, TimeUnit.SECONDS);
        assertInstanceOf(ClientTooSlow.class, failure);
        assertEquals(List.of(request), closed);
    }

    @Test
    void aRequestOverIsNeverCutEvenIfItsLastMarkLooksBlocked() throws Exception {
        ServletRequest request = FakeHttp.Request.get("/x").request;
        ClientPace.Slot slot = pace.begin(request, "a");
        // A read that failed with an Error (nothing marked it as left), then the request ended.
        ServletInputStream in = slot.input(
                new ServletInputStream() {
                    @Override
                    public int read() {
                        throw new StackOverflowError();
                    }

                    @Override
                    public boolean isFinished() {
                        return false;
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {}
                },
                null);
        assertThrows(StackOverflowError.class, in::read);
        slot.end();
        assertEquals(0, pace.sweep(System.nanoTime() + 100 * S));
        assertEquals(List.of(), closed);
    }

    @Test
    void promptReadsAndWritesAreNeverCut() throws IOException {
        ServletRequest request = FakeHttp.Request.of("POST", "/x").request;
        ClientPace.Slot slot = pace.begin(request, "a");
        assertEquals(
                5, slot.input(FakeHttp.servletInput("hello".getBytes()), null).read(new byte[8]));
        assertEquals(0, pace.sweep(System.nanoTime() + 100 * S));
        slot.end();
        assertEquals(List.of(), closed);
    }

    @Test
    void anHttp2StreamIsNeverCutItsConnectionCarriesOthers() throws Exception {
        ServletRequest request = FakeHttp.Request.of("POST", "/x").protocol("HTTP/2.0").request;
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            ClientPace.Slot slot = pace.begin(request, "a");
            try {
                slot.input(new Stalled(), null).read(new byte[4]);
            } catch (IOException | RuntimeException e) {
                // released at the end of the test
            } finally {
                slot.end();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(this::closedNothingYet);
        assertEquals(0, pace.sweep(System.nanoTime() + 100 * S));
        assertEquals(List.of(), closed);
        connection.countDown();
        reader.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aNegativeBoundStopsTheStartNamingItsSetting() {
        ClientPace bad = new ClientPace();
        bad.timeoutMs = 60_000;
        bad.maxSlow = -1;
        bad.maxSlowPerAddress = 8;
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, bad::start);
        assertEquals("gateway.client.max-slow: expected at least 0, got -1", e.getMessage());
        WebSocketRelays relays = new WebSocketRelays();
        relays.sendTimeoutMs = 0;
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, relays::checkSettings);
        assertEquals("gateway.websocket.send-timeout-ms: expected at least 1, got 0", e.getMessage());
    }

    @Test
    void jerseysReportOfAnAnswerTheClientDidNotTakeIsDropped() {
        LogRecord gone = new LogRecord(Level.SEVERE, "An I/O error has occurred while writing a response");
        gone.setThrown(new RuntimeException(new ClientPace.ClientGone(new IOException("Connection is closed"))));
        LogRecord cut = new LogRecord(Level.SEVERE, "An I/O error has occurred while writing a response");
        cut.setThrown(new ClientTooSlow("cut"));
        LogRecord other = new LogRecord(Level.SEVERE, "An I/O error has occurred while writing a response");
        other.setThrown(new IOException("the backend failed"));
        assertFalse(ClientPace.QUIET.isLoggable(gone));
        assertFalse(ClientPace.QUIET.isLoggable(cut));
        assertTrue(ClientPace.QUIET.isLoggable(other));
    }

    @Test
    void aWriteTheClientFailedIsMarkedAsTheClients() throws ExecutionException, InterruptedException {
        ServletRequest request = FakeHttp.Request.get("/x").request;
        ClientPace.Slot slot = pace.begin(request, "a");
        connection.countDown(); // the client has gone: the write fails at once
        IOException e = assertThrows(
                IOException.class, () -> slot.output(new StalledOutput()).write(1));
        assertInstanceOf(ClientPace.ClientGone.class, e);
        slot.end();
    }
}
