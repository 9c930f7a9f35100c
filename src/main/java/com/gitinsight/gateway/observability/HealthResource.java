package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.messaging.EvictionListener;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** {@code GET /_gateway/health}: is the gateway up, which version, which configuration. */
@Path("_gateway/health")
public class HealthResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = readVersion();

    @Inject
    GatewayRuntime runtime;

    @Inject
    EvictionListener eviction;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String health() {
        GatewaySnapshot snapshot = runtime.snapshot();
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "UP");
        body.put("version", VERSION);
        body.put("config_hash", snapshot.config().hash());
        body.put("config_source", snapshot.config().source());
        body.put("loaded_at", snapshot.loadedAt().toString());
        String pending = runtime.pendingError();
        if (pending != null) {
            body.put("config_error", pending);
        }
        EvictionListener.Status e = eviction.status();
        if (e.configured()) {
            // Reported, not failing: without events the cache only shortens what it trusts.
            ObjectNode events = body.putObject("eviction_events");
            events.put("status", e.connected() ? "CONNECTED" : "DISCONNECTED");
            events.put("since", e.since().toString());
            if (e.lastError() != null) {
                events.put("last_error", e.lastError());
            }
        }
        return body.toString();
    }

    private static String readVersion() {
        Properties p = new Properties();
        try (InputStream in = HealthResource.class.getResourceAsStream("/gateway.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}
