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
        GatewayMetrics metrics = new GatewayMetrics();
        Method start = GatewayMetrics.class.getDeclaredMethod("start");
        start.setAccessible(true);
        start.invoke(metrics);
        WebSocketRelays relays = new WebSocketRelays();
        relays.metrics = metrics;

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
        Map<String, Object> properties = new HashMap<>();
        Session client = (Session) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Session.class}, (p, m, args) -> switch (m.getName()) {
                    case "isOpen" -> clientClose.get() == null;
                    case "close" -> {
                        clientClose.set(args == null ? null : (CloseReason) args[0]);
                        yield null;
                    }
                    case "getUserProperties" -> properties;
                    case "getId" -> "s1";
                    default -> null;
                });

        WebSocketRelay relay = new WebSocketRelay("live", RouteSpec.Streaming.DEFAULT, relays);
        relay.backendConnected(backend);
        relay.clientOpened(client);
        assertEquals(1, relays.openCount());

        relays.stop();

        assertEquals(1001, clientClose.get().getCloseCode().getCode(), "the client is told the gateway is going away");
        assertEquals(List.of(1001), backendCloses, "so is the backend");
        assertEquals(0, relays.openCount());
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
}
