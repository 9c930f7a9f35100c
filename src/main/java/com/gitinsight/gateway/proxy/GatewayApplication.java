package com.gitinsight.gateway.proxy;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** The JAX-RS application at the root: the proxy and the gateway's own {@code /_gateway} endpoints. */
@ApplicationPath("/")
public class GatewayApplication extends Application {

    @Override
    public Map<String, Object> getProperties() {
        return Map.of(
                // Never buffer a response to compute its length: bodies stream through.
                "jersey.config.server.contentLength.buffer", 0,
                "jersey.config.server.wadl.disableWadl", true,
                "jersey.config.server.monitoring.statistics.enabled", false,
                "jersey.config.server.monitoring.enabled", false,
                "jersey.config.server.tracing.type", "OFF");
    }
}
