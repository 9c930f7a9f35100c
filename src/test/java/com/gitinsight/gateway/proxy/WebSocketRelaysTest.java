package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.observability.GatewayMetrics;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The gateway stopping says goodbye to both sides of every relayed WebSocket with 1001 Going Away. */
class WebSocketRelaysTest {

    @Test
    void stoppingClosesEveryClientAndBackendWithGoingAway() throws Exception {
        WebSocketRelays relays = relays();

        List<Integer> backendCloses = new CopyOnWriteArrayList<>();
        java.net.http.WebSocket backend = (java.net.http.WebSocket) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {java.net.http.WebSocket.class},
                (p, m, args) -> switch (m.getName()) {
                    case "sendClose" -> {
                        backendCloses.add((Integer) args[0]);
                        yield CompletableFuture.completedFuture(p);
                    }
                    case "sendPing", "sendPong", "sendText", "sendBinary" -> CompletableFuture.completedFuture(p);
                    case "getSubprotocol" -> "";
                    case "isInputClosed", "isOutputClosed" -> false;
                    default -> null;
                });
        AtomicReference<CloseReason> clientClose = new AtomicReference<>();
        Session client = closing(clientClose);

        WebSocketRelay relay = new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays, "127.0.0.1");
        relay.backendConnected(backend);
        relay.clientOpened(client);
        assertEquals(1, relays.openCount());

        relays.stop();

        assertEquals(1001, clientClose.get().getCloseCode().getCode(), "the client is told the gateway is going away");
        assertEquals(List.of(1001), backendCloses, "so is the backend");
        assertEquals(0, relays.openCount());
    }

    /** Tyrus's chain as WebSocketConnections reaches it: remote -> webSocket -> protocolHandler -> writer. */
    static final class FakeWriter implements java.io.Closeable {
        final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void close() {
            closed.countDown();
        }
    }

    static final class FakeProtocolHandler {
        private final FakeWriter writer = new FakeWriter();
    }

    static final class FakeTyrusWebSocket {
        private final FakeProtocolHandler protocolHandler = new FakeProtocolHandler();
    }

    /** A client that stopped reading: a write waits until its connection is closed, then fails. */
    static final class StalledRemote implements jakarta.websocket.RemoteEndpoint.Basic {
        final FakeTyrusWebSocket webSocket = new FakeTyrusWebSocket();

        private void stall() throws java.io.IOException {
            try {
                webSocket.protocolHandler.writer.closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.io.IOException("connection closed");
        }

        @Override
        public void sendText(String text) throws java.io.IOException {
            stall();
        }

        @Override
        public void sendBinary(java.nio.ByteBuffer data) throws java.io.IOException {
            stall();
        }

        @Override
        public void sendText(String part, boolean isLast) throws java.io.IOException {
            stall();
        }

        @Override
        public void sendBinary(java.nio.ByteBuffer partialByte, boolean isLast) throws java.io.IOException {
            stall();
        }

        @Override
        public java.io.OutputStream getSendStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.io.Writer getSendWriter() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendObject(Object data) throws java.io.IOException {
            stall();
        }

        @Override
        public void setBatchingAllowed(boolean allowed) {}

        @Override
        public boolean getBatchingAllowed() {
            return false;
        }

        @Override
        public void flushBatch() {}

        @Override
        public void sendPing(java.nio.ByteBuffer applicationData) throws java.io.IOException {
            stall();
        }

        @Override
        public void sendPong(java.nio.ByteBuffer applicationData) throws java.io.IOException {
            stall();
        }
    }

    private static java.net.http.WebSocket backend(List<String> calls) {
        return (java.net.http.WebSocket) Proxy.newProxyInstance(
                WebSocketRelaysTest.class.getClassLoader(),
                new Class<?>[] {java.net.http.WebSocket.class},
                (p, m, args) -> switch (m.getName()) {
                    case "abort" -> {
                        calls.add("abort");
                        yield null;
                    }
                    case "sendClose", "sendPing", "sendPong", "sendText", "sendBinary" ->
                        CompletableFuture.completedFuture(p);
                    case "getSubprotocol" -> "";
                    case "isInputClosed", "isOutputClosed" -> false;
                    default -> null;
                });
    }

    private static Session client(jakarta.websocket.RemoteEndpoint.Basic remote) {
        Map<String, Object> properties = new HashMap<>();
        return (Session) Proxy.newProxyInstance(
                WebSocketRelaysTest.class.getClassLoader(),
                new Class<?>[] {Session.class},
                (p, m, args) -> switch (m.getName()) {
                    case "isOpen" -> true;
                    case "getBasicRemote" -> remote;
                    case "getUserProperties" -> properties;
                    case "getId" -> "s1";
                    default -> null;
                });
    }

    /** A client session that records how it was closed (open until then). */
    private static Session closing(AtomicReference<CloseReason> closedWith) {
        Map<String, Object> properties = new HashMap<>();
        return (Session) Proxy.newProxyInstance(
                WebSocketRelaysTest.class.getClassLoader(),
                new Class<?>[] {Session.class},
                (p, m, args) -> switch (m.getName()) {
                    case "isOpen" -> closedWith.get() == null;
                    case "close" -> {
                        closedWith.set(args == null ? null : (CloseReason) args[0]);
                        yield null;
                    }
                    case "getUserProperties" -> properties;
                    case "getId" -> "s1";
                    default -> null;
                });
    }

    private static WebSocketRelays relays() throws Exception {
        GatewayMetrics metrics = new GatewayMetrics();
        Method start = GatewayMetrics.class.getDeclaredMethod("start");
        start.setAccessible(true);
        start.invoke(metrics);
        WebSocketRelays relays = new WebSocketRelays();
        relays.metrics = metrics;
        return relays;
    }

    @Test
    void aClientThatStopsReadingIsCutOffAfterTheSendTimeoutAndItsWriterFreed() throws Exception {
        // Attacker review 179: a relay writing to a client that stopped reading waited for ever,
        // holding its thread and the relay (and a WebSocket slot).
        WebSocketRelays relays = relays();
        relays.sendTimeoutMs = 200;
        List<String> backendCalls = new CopyOnWriteArrayList<>();
        java.net.http.WebSocket backend = backend(backendCalls);
        StalledRemote remote = new StalledRemote();
        WebSocketRelay relay = new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays, "203.0.113.9");
        relay.backendConnected(backend);
        relay.clientOpened(client(remote));
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> relay.onText(backend, "frame", true));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> remote.webSocket.protocolHandler.writer.closed.getCount() == 0);
        writing.get(5, java.util.concurrent.TimeUnit.SECONDS); // the writing thread is free again
        org.junit.jupiter.api.Assertions.assertTrue(backendCalls.contains("abort"), "the backend is dropped");
        assertEquals(0, relays.openCount());
        relays.stop();
    }

    @Test
    void webSocketsAreCappedInAllAndPerClientAddress() throws Exception {
        WebSocketRelays relays = relays();
        relays.maxConnections = 3;
        relays.maxPerAddress = 2;
        List<WebSocketRelay> opened = new java.util.ArrayList<>();
        for (String address : List.of("a", "a", "b")) {
            org.junit.jupiter.api.Assertions.assertNull(relays.full(address), address + " may open one more");
            WebSocketRelay relay = new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays, address);
            relay.backendConnected(backend(new CopyOnWriteArrayList<>()));
            relay.clientOpened(client(new StalledRemote()));
            opened.add(relay);
        }
        org.junit.jupiter.api.Assertions.assertNotNull(relays.full("a"));
        org.junit.jupiter.api.Assertions.assertNotNull(relays.full("c"), "three open: the gateway's cap");
        opened.get(2).closeBoth(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye");
        org.junit.jupiter.api.Assertions.assertNull(relays.full("c"));
        org.junit.jupiter.api.Assertions.assertNotNull(relays.full("a"), "a's own two are still open");
        relays.stop();
    }

    @Test
    void aClientWhoseBackendFailedBeforeItsUpgradeIsToldAtOnceAndNothingStaysOpen() throws Exception {
        // Attacker review 185: the backend's error before the client's session opened left a relay
        // open that no timer would end (closed already set).
        WebSocketRelays relays = relays();
        java.net.http.WebSocket backend = backend(new CopyOnWriteArrayList<>());
        WebSocketRelay relay = new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays, "203.0.113.9");
        relay.backendConnected(backend);
        relay.onError(backend, new java.io.IOException("reset"));
        AtomicReference<CloseReason> closedWith = new AtomicReference<>();
        Session session = closing(closedWith);
        relay.clientOpened(session);
        assertEquals(1011, closedWith.get().getCloseCode().getCode());
        assertEquals(0, relays.openCount());
        relays.stop();
    }

    @Test
    void handshakesAreCountedFromAdmissionAndAnIpv6ClientByItsSlash64() throws Exception {
        // Attacker review 185: the caps were checked before the relay was counted (handshakes sent
        // together all passed) and compared exact addresses (a /64 holds 2^64 of them).
        WebSocketRelays relays = relays();
        relays.maxConnections = 10;
        relays.maxPerAddress = 2;
        WebSocketRelay a1 = new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays, "2001:db8:0:1::1");
        WebSocketRelay a2 = new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays, "2001:db8:0:1::2");
        WebSocketRelay a3 = new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays, "2001:db8:0:1:ffff::3");
        org.junit.jupiter.api.Assertions.assertNull(relays.admit(a1));
        org.junit.jupiter.api.Assertions.assertNull(relays.admit(a2));
        org.junit.jupiter.api.Assertions.assertNotNull(relays.admit(a3), "two of its /64 are still dialling");
        org.junit.jupiter.api.Assertions.assertNull(
                relays.admit(new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays, "2001:db8:0:2::1")),
                "another /64");
        relays.dialed(a1);
        org.junit.jupiter.api.Assertions.assertNull(relays.admit(a3));
        relays.stop();
    }

    // Kong passes a refused handshake on as the backend answered it (helper review 142): its
    // Location, WWW-Authenticate and cookies, never its framing or the upgrade's own headers.
    @Test
    void aRefusedHandshakeKeepsTheBackendsEndToEndHeaders() {
        java.net.http.HttpHeaders backend = java.net.http.HttpHeaders.of(
                java.util.Map.of(
                        "Location", java.util.List.of("https://login.example/"),
                        "WWW-Authenticate", java.util.List.of("Bearer"),
                        "Set-Cookie", java.util.List.of("a=1", "b=2"),
                        "Connection", java.util.List.of("close, X-Hop"),
                        "X-Hop", java.util.List.of("1"),
                        "Content-Length", java.util.List.of("12"),
                        "Content-Type", java.util.List.of("text/html"),
                        "Content-Encoding", java.util.List.of("gzip"),
                        "ETag", java.util.List.of("\"v1\""),
                        "Sec-WebSocket-Version", java.util.List.of("13")),
                (n, v) -> true);
        com.gitinsight.gateway.testing.FakeHttp.Response out = new com.gitinsight.gateway.testing.FakeHttp.Response();
        WebSocketFilter.refusalHeaders(backend, out.response);
        org.junit.jupiter.api.Assertions.assertEquals("https://login.example/", out.header("Location"));
        org.junit.jupiter.api.Assertions.assertEquals("Bearer", out.header("WWW-Authenticate"));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("a=1", "b=2"), out.headers("Set-Cookie"));
        for (String gone : new String[] {
            "Connection", "X-Hop", "Content-Length", "Content-Encoding", "ETag", "Sec-WebSocket-Version", "Upgrade"
        }) {
            org.junit.jupiter.api.Assertions.assertNull(out.header(gone), gone);
        }
    }

    // Helper review 237: the backend's Date in place of the one the chain's head set, once.
    @Test
    void aRefusedHandshakeCarriesTheBackendsDateOnce() {
        java.net.http.HttpHeaders backend = java.net.http.HttpHeaders.of(
                java.util.Map.of("Date", java.util.List.of("Sun, 06 Dec 2026 10:00:00 GMT")), (n, v) -> true);
        com.gitinsight.gateway.testing.FakeHttp.Response out = new com.gitinsight.gateway.testing.FakeHttp.Response();
        out.response.setHeader("Date", "Sun, 06 Dec 2026 10:00:01 GMT");
        WebSocketFilter.refusalHeaders(backend, out.response);
        org.junit.jupiter.api.Assertions.assertEquals(
                java.util.List.of("Sun, 06 Dec 2026 10:00:00 GMT"), out.headers("Date"));
    }

    // Attacker review 278: on a handshake's answer X-Kong-Upstream-Status is the backend's status
    // when gateway.headers names it (a backend's own copy replaced), and the backend's copy as it
    // came when it does not (as Kong passes it).
    @Test
    void aHandshakesUpstreamStatusIsTheGatewaysWhenAsked() {
        java.net.http.HttpHeaders backend = java.net.http.HttpHeaders.of(
                java.util.Map.of("X-Kong-Upstream-Status", java.util.List.of("200")), (n, v) -> true);
        for (boolean asked : new boolean[] {true, false}) {
            com.gitinsight.gateway.testing.FakeHttp.Request request =
                    com.gitinsight.gateway.testing.FakeHttp.Request.get("/ws");
            request.on(com.gitinsight.gateway.runtime.TestSnapshots.of("_format_version: \"3.0\"\n"), null);
            request.context().sendsUpstreamStatus(asked);
            com.gitinsight.gateway.testing.FakeHttp.Response out =
                    new com.gitinsight.gateway.testing.FakeHttp.Response();
            WebSocketFilter.refusalHeaders(backend, out.response);
            WebSocketFilter.upstreamStatus(request.request, out.response, 401);
            org.junit.jupiter.api.Assertions.assertEquals(
                    java.util.List.of(asked ? "401" : "200"), out.headers("X-Kong-Upstream-Status"), "asked " + asked);
        }
    }
}
