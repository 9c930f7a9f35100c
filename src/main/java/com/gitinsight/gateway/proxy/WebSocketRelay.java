package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.RouteSpec;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One proxied WebSocket: the client's session (Jakarta WebSocket, the container's) and the
 * backend's (the JDK client), relayed frame by frame, fragments as fragments, so no message is
 * held whole. Backpressure both ways: a client frame is written to the backend before the next is
 * read (the container stops reading the client's socket meanwhile), and the backend is asked for
 * its next frame only once the previous one was written to the client.
 */
final class WebSocketRelay implements java.net.http.WebSocket.Listener {

    private static final Logger LOG = Logger.getLogger(WebSocketRelay.class.getName());
    /**
     * A ping to the backend this often: a backend that vanished without closing (or whose end of
     * the connection the JDK client missed, seen rarely in tests) is found by the failed write.
     */
    private static final long BACKEND_CHECK_MILLIS = 1000;
    /** How long a write to one side may take before the connection is given up (a reader that stopped). */
    private static final long WRITE_TIMEOUT_SECONDS = 60;

    private final String route;
    private final String clientAddress;
    private final RouteSpec.Streaming settings;
    private final WebSocketRelays relays;
    private final CompletableFuture<java.net.http.WebSocket> backend = new CompletableFuture<>();
    /** One writer at a time towards the client: relayed frames and keep-alive pings. */
    private final ReentrantLock clientWrites = new ReentrantLock();

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Session client;
    private volatile ScheduledFuture<?> pings;
    private volatile ScheduledFuture<?> backendChecks;
    /** System.nanoTime() of the last data frame either way (for ws_idle_timeout). */
    private volatile long lastActivity;

    private volatile long lastBackendCheck;
    /** System.nanoTime() when the write to the client under way began; 0 when none is. */
    private volatile long clientWriteSince;

    WebSocketRelay(String route, RouteSpec.Streaming settings, WebSocketRelays relays, String clientAddress) {
        this.route = route;
        this.settings = settings;
        this.relays = relays;
        this.clientAddress = clientAddress;
    }

    /** The client's address as the gateway reads it (behind a trusted proxy, the forwarded one). */
    String clientAddress() {
        return clientAddress;
    }

    String route() {
        return route;
    }

    /** The backend's socket, once its handshake succeeded. */
    void backendConnected(java.net.http.WebSocket socket) {
        backend.complete(socket);
    }

    /** The subprotocol the backend chose (empty: none), which the client's handshake answers with. */
    String subprotocol() {
        java.net.http.WebSocket socket = backend.getNow(null);
        return socket == null || socket.getSubprotocol() == null ? "" : socket.getSubprotocol();
    }

    /** Gives up a backend whose client never completed its upgrade. */
    void abandon() {
        java.net.http.WebSocket socket = backend.getNow(null);
        if (socket != null) {
            socket.abort();
        }
    }

    // ---- the client side (container) ----

    /** The client's session is open (called by {@link RelayEndpoint}). */
    void clientOpened(Session session) {
        this.client = session;
        if (closed.get()) {
            // The backend failed (or the gateway stopped) before the client's upgrade completed: the
            // client learns it now, rather than holding a relay no timer would ever end (attacker
            // review 185).
            closeClient(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "backend connection lost");
            return;
        }
        // The idle timeout is the relay's own (see tick): with Tyrus's, an idle timer restarted from two
        // threads at once could survive and close a busy session ("closed by the container because of
        // the idle timeout") long before the route's limit, seen in about half the 200-connection runs.
        session.setMaxIdleTimeout(0);
        lastActivity = System.nanoTime();
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::fromClientText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::fromClientBinary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>)
                pong -> toBackend(backend.join().sendPong(pong.getApplicationData())));
        relays.opened(this);
        if (settings.pingIntervalMs() > 0) {
            pings = relays.pinger()
                    .scheduleAtFixedRate(
                            this::ping, settings.pingIntervalMs(), settings.pingIntervalMs(), TimeUnit.MILLISECONDS);
        }
        long tick = Math.max(50, Math.min(BACKEND_CHECK_MILLIS, settings.idleTimeoutMs() / 4));
        backendChecks = relays.pinger().scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        backend.join().request(1);
    }

    private void fromClientText(String part, boolean last) {
        lastActivity = System.nanoTime();
        relays.metrics().websocketFrame(route, true, part.length());
        toBackend(backend.join().sendText(part, last));
    }

    private void fromClientBinary(ByteBuffer part, boolean last) {
        lastActivity = System.nanoTime();
        relays.metrics().websocketFrame(route, true, part.remaining());
        toBackend(backend.join().sendBinary(part, last));
    }

    /** Waits for the write, so the container reads the client's next frame only after it. */
    private void toBackend(CompletableFuture<java.net.http.WebSocket> sent) {
        try {
            sent.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeBoth(CloseReason.CloseCodes.GOING_AWAY, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "write to the backend failed: {0}", e.toString());
            closeBoth(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "backend unavailable");
        }
    }

    void clientClosed(CloseReason reason) {
        int code = reason.getCloseCode().getCode();
        // 1005 (none given) and 1006 (abnormal) may not be sent in a close frame.
        int sent = code == 1005 || code == 1006 ? 1000 : code;
        if (closed.compareAndSet(false, true)) {
            java.net.http.WebSocket socket = backend.getNow(null);
            if (socket != null) {
                socket.sendClose(sent, reason.getReasonPhrase() == null ? "" : reason.getReasonPhrase())
                        .orTimeout(5, TimeUnit.SECONDS)
                        .whenComplete((ws, e) -> socket.abort());
            }
        }
        finish();
    }

    void clientFailed(Throwable error) {
        LOG.log(Level.FINE, "client WebSocket error on route {0}: {1}", new Object[] {route, error.toString()});
        java.net.http.WebSocket socket = backend.getNow(null);
        if (socket != null) {
            socket.abort();
        }
        finish();
    }

    // ---- the backend side (JDK client) ----

    @Override
    public void onOpen(java.net.http.WebSocket webSocket) {
        // No request(1) yet: frames wait in the backend's socket until the client's session is open.
    }

    @Override
    public CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
        lastActivity = System.nanoTime();
        relays.metrics().websocketFrame(route, false, data.length());
        toClient(() -> client.getBasicRemote().sendText(data.toString(), last));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(java.net.http.WebSocket webSocket, ByteBuffer data, boolean last) {
        lastActivity = System.nanoTime();
        relays.metrics().websocketFrame(route, false, data.remaining());
        toClient(() -> client.getBasicRemote().sendBinary(data, last));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(java.net.http.WebSocket webSocket, ByteBuffer message) {
        // The JDK answers the backend's ping itself; the client sees it too.
        toClient(() -> client.getBasicRemote().sendPing(message));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(java.net.http.WebSocket webSocket, ByteBuffer message) {
        toClient(() -> client.getBasicRemote().sendPong(message));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(java.net.http.WebSocket webSocket, int statusCode, String reason) {
        if (closed.compareAndSet(false, true)) {
            if (statusCode == 1006) {
                // The backend's connection ended without a close frame: it failed, as far as the client can know.
                closeClient(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "backend connection lost");
            } else {
                closeClient(statusCode == 1005 ? 1000 : statusCode, reason);
            }
        }
        return null;
    }

    @Override
    public void onError(java.net.http.WebSocket webSocket, Throwable error) {
        LOG.log(Level.FINE, "backend WebSocket error on route {0}: {1}", new Object[] {route, error.toString()});
        if (closed.compareAndSet(false, true)) {
            closeClient(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "backend connection lost");
        }
    }

    // ---- both ----

    private interface ClientWrite {
        void run() throws IOException;
    }

    private void toClient(ClientWrite write) {
        Session session = client;
        if (session == null || !session.isOpen()) {
            return;
        }
        clientWrites.lock();
        clientWriteSince = System.nanoTime();
        try {
            write.run();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "write to the client failed: {0}", e.toString());
            java.net.http.WebSocket socket = backend.getNow(null);
            if (socket != null) {
                socket.abort();
            }
        } finally {
            clientWriteSince = 0;
            clientWrites.unlock();
        }
    }

    /**
     * A keep-alive ping, from the one timer thread all relays share: skipped while a frame is being
     * written (the connection is not idle then), so a client that stopped reading cannot stall the
     * pings of every other connection.
     */
    private void ping() {
        Session session = client;
        if (session == null || !session.isOpen() || !clientWrites.tryLock()) {
            return;
        }
        try {
            // The asynchronous remote: a ping must not wait on a socket the client stopped reading.
            session.getAsyncRemote().sendPing(ByteBuffer.wrap("gateway".getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "keep-alive ping failed: {0}", e.toString());
        } finally {
            clientWrites.unlock();
        }
    }

    /** The relay's timer: closes an idle connection, and checks the backend every BACKEND_CHECK_MILLIS. */
    private void tick() {
        long now = System.nanoTime();
        long writing = clientWriteSince;
        if (writing != 0 && now - writing >= TimeUnit.MILLISECONDS.toNanos(relays.sendTimeoutMs())) {
            clientTooSlow();
            return;
        }
        if (TimeUnit.NANOSECONDS.toMillis(now - lastActivity) >= settings.idleTimeoutMs()) {
            if (closed.compareAndSet(false, true)) {
                closeClient(CloseReason.CloseCodes.NORMAL_CLOSURE.getCode(), "idle timeout");
                java.net.http.WebSocket socket = backend.getNow(null);
                if (socket != null) {
                    socket.sendClose(1000, "idle timeout")
                            .orTimeout(2, TimeUnit.SECONDS)
                            .whenComplete((ws, e) -> socket.abort());
                }
            }
            return;
        }
        if (TimeUnit.NANOSECONDS.toMillis(now - lastBackendCheck) >= BACKEND_CHECK_MILLIS) {
            lastBackendCheck = now;
            checkBackend();
        }
    }

    private void checkBackend() {
        java.net.http.WebSocket socket = backend.getNow(null);
        if (socket == null || closed.get()) {
            return;
        }
        if (socket.isInputClosed() && socket.isOutputClosed()) {
            lost();
            return;
        }
        socket.sendPing(ByteBuffer.allocate(0))
                .orTimeout(BACKEND_CHECK_MILLIS, TimeUnit.MILLISECONDS)
                .whenComplete((ws, error) -> {
                    if (error != null && !(error instanceof IllegalStateException)) {
                        lost();
                    }
                });
    }

    /**
     * The client has not taken a frame for the send timeout (nginx's send_timeout): it stopped
     * reading. Its connection is closed under the write (a close frame would queue behind it) and
     * the backend dropped, so neither the relay nor the thread writing to it stays for ever
     * (attacker review 179).
     */
    private void clientTooSlow() {
        if (closed.compareAndSet(false, true)) {
            LOG.log(Level.FINE, "a WebSocket client on route {0} stopped reading: cut off", route);
            java.net.http.WebSocket socket = backend.getNow(null);
            if (socket != null) {
                socket.abort();
            }
            Session session = client;
            // Counted until its connection is really closed: one that could not be (no Tyrus)
            // keeps its place in the caps rather than its thread going unseen.
            if (session == null || WebSocketConnections.abort(session)) {
                finish();
            }
        }
    }

    private void lost() {
        if (closed.compareAndSet(false, true)) {
            closeClient(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "backend connection lost");
        }
    }

    private void closeClient(int code, String reason) {
        Session session = client;
        if (session != null && session.isOpen()) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), truncate(reason)));
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the client failed: {0}", e.toString());
            }
        }
        finish();
    }

    /** Closes the client with {@code code} and drops the backend (shutdown, a failed write). */
    void closeBoth(CloseReason.CloseCode code, String reason) {
        if (closed.compareAndSet(false, true)) {
            closeClient(code.getCode(), reason);
            java.net.http.WebSocket socket = backend.getNow(null);
            if (socket != null) {
                socket.sendClose(code.getCode(), reason)
                        .orTimeout(2, TimeUnit.SECONDS)
                        .whenComplete((ws, e) -> socket.abort());
            }
        }
    }

    private void finish() {
        ScheduledFuture<?> p = pings;
        if (p != null) {
            p.cancel(false);
        }
        ScheduledFuture<?> c = backendChecks;
        if (c != null) {
            c.cancel(false);
        }
        relays.closed(this);
    }

    /** A close reason is at most 123 bytes of UTF-8. */
    private static String truncate(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 123 ? reason : new String(bytes, 0, 120, StandardCharsets.UTF_8);
    }
}
