package com.gitinsight.gateway.it;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.glassfish.tyrus.server.Server;

/**
 * A WebSocket backend (Tyrus standalone): {@code /echo} echoes text and binary whole, closes with a
 * code on {@code close:<code>:<reason>}, and records the close codes clients send; or {@code /who},
 * which names the backend in its first message (for balancing tests).
 */
final class WsBackend implements AutoCloseable {

    static final BlockingQueue<Integer> CLOSES_SEEN = new ArrayBlockingQueue<>(1000);
    /** Every close the backend saw, with its reason (to tell who closed). */
    static final java.util.Queue<String> CLOSE_REASONS = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** 64 KiB messages the flood has written so far. */
    static final java.util.concurrent.atomic.AtomicInteger FLOODED = new java.util.concurrent.atomic.AtomicInteger();

    private final Server server;
    final int port;

    WsBackend() throws Exception {
        this(Echo.class);
    }

    /** A backend with these endpoints (an {@link Echo}, or {@link WhoA} or {@link WhoB} to tell two apart). */
    WsBackend(Class<?>... endpoints) throws Exception {
        port = Backends.freePort();
        server = new Server("127.0.0.1", port, "/", Map.of(), endpoints);
        server.start();
    }

    /** {@code /who} on backend "a": its first message names it. */
    @ServerEndpoint("/who")
    public static final class WhoA {
        @jakarta.websocket.OnOpen
        public void open(Session session) throws IOException {
            session.getBasicRemote().sendText("a");
        }
    }

    /** {@code /who} on backend "b". */
    @ServerEndpoint("/who")
    public static final class WhoB {
        @jakarta.websocket.OnOpen
        public void open(Session session) throws IOException {
            session.getBasicRemote().sendText("b");
        }
    }

    @ServerEndpoint(
            value = "/echo",
            subprotocols = {"chat.v2", "chat.v1"})
    public static final class Echo {

        /** Never idle-closed by the test backend itself: closes under test come from the gateway or the test. */
        @jakarta.websocket.OnOpen
        public void open(Session session) {
            session.setMaxIdleTimeout(0);
        }

        @OnMessage(maxMessageSize = 4 * 1024 * 1024)
        public void text(Session session, String message) throws IOException {
            if (message.startsWith("flood:")) {
                // As fast as the connection takes them: blocks once the reader stops reading.
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                for (int i = 0; i < Integer.parseInt(message.substring(6)); i++) {
                    session.getBasicRemote().sendBinary(chunk.duplicate());
                    FLOODED.incrementAndGet();
                }
                return;
            }
            if (message.startsWith("close:")) {
                String[] parts = message.split(":", 3);
                session.close(
                        new CloseReason(CloseReason.CloseCodes.getCloseCode(Integer.parseInt(parts[1])), parts[2]));
                return;
            }
            session.getBasicRemote().sendText(message);
        }

        @OnMessage(maxMessageSize = 4 * 1024 * 1024)
        public void binary(Session session, ByteBuffer message) throws IOException {
            session.getBasicRemote().sendBinary(message);
        }

        @OnClose
        public void closed(Session session, CloseReason reason) {
            CLOSES_SEEN.offer(reason.getCloseCode().getCode());
            CLOSE_REASONS.add(reason.getCloseCode().getCode() + " " + reason.getReasonPhrase() + " idle="
                    + session.getMaxIdleTimeout());
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
