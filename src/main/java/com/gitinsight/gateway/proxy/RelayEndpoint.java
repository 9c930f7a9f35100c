package com.gitinsight.gateway.proxy;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container's side of a proxied WebSocket: one instance per client connection, handing its
 * session to the {@link WebSocketRelay} that {@link WebSocketFilter} parked under the id in its
 * path. A connection that names no parked relay (someone dialling the endpoint directly) is closed
 * at once with 1008.
 */
public final class RelayEndpoint extends Endpoint {

    private static final Logger LOG = Logger.getLogger(RelayEndpoint.class.getName());

    private static final String RELAY = WebSocketRelay.class.getName();

    private final WebSocketRelays relays;

    RelayEndpoint(WebSocketRelays relays) {
        this.relays = relays;
    }

    /** The endpoint's registration: made once, when the application starts. */
    static ServerEndpointConfig config(WebSocketRelays relays) {
        return ServerEndpointConfig.Builder.create(RelayEndpoint.class, WebSocketRelays.ENDPOINT_PATH)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <T> T getEndpointInstance(Class<T> type) {
                        return (T) new RelayEndpoint(relays);
                    }

                    @Override
                    public boolean checkOrigin(String origin) {
                        return true; // The cors plugin checked the handshake's Origin already, where the route has one.
                    }

                    @Override
                    public void modifyHandshake(
                            ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                        String path = request.getRequestURI().getPath();
                        WebSocketRelay parked = relays.peek(path.substring(path.lastIndexOf('/') + 1));
                        if (parked != null && !parked.subprotocol().isEmpty()) {
                            response.getHeaders().put("Sec-WebSocket-Protocol", List.of(parked.subprotocol()));
                        }
                    }
                })
                .build();
    }

    /**
     * The relay is kept with the session, not in this object: a container may share one endpoint
     * instance between connections, and each callback must reach its own connection's relay.
     */
    @Override
    public void onOpen(Session session, EndpointConfig config) {
        WebSocketRelay relay = relays.claim(session.getPathParameters().get("relay"));
        if (relay == null) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not a relayed connection"));
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing a stray connection failed: {0}", e.toString());
            }
            return;
        }
        session.getUserProperties().put(RELAY, relay);
        relay.clientOpened(session);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        WebSocketRelay relay = (WebSocketRelay) session.getUserProperties().get(RELAY);
        if (relay != null) {
            relay.clientClosed(reason);
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        WebSocketRelay relay = (WebSocketRelay) session.getUserProperties().get(RELAY);
        if (relay != null) {
            relay.clientFailed(error);
        }
    }
}
