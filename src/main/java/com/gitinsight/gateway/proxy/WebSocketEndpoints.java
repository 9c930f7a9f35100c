package com.gitinsight.gateway.proxy;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.util.logging.Logger;

/**
 * Registers the relay endpoint with the container's WebSocket server while the application starts
 * (the only time Jakarta WebSocket allows it); Tyrus upgrades only to a registered endpoint.
 */
public class WebSocketEndpoints implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(WebSocketEndpoints.class.getName());

    @Inject
    WebSocketRelays relays;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServerContainer container =
                (ServerContainer) event.getServletContext().getAttribute(ServerContainer.class.getName());
        if (container == null) {
            LOG.warning("this server has no Jakarta WebSocket container: WebSocket upgrades will be refused");
            return;
        }
        // No container-wide idle limit: each relayed session gets its route's ws_idle_timeout on open.
        container.setDefaultMaxSessionIdleTimeout(0);
        try {
            container.addEndpoint(RelayEndpoint.config(relays));
        } catch (DeploymentException e) {
            throw new IllegalStateException("cannot register the WebSocket relay endpoint", e);
        }
    }
}
