package com.gitinsight.gateway.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.upstream.GuardStatus;
import com.gitinsight.gateway.upstream.TargetStatus;
import com.gitinsight.gateway.upstream.UpstreamPool;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.TreeMap;

/**
 * {@code GET /_gateway/status}: the live resilience state, read-only: every pool's targets with
 * their health, and every service's circuit breaker and bulkhead.
 */
@Path("_gateway/status")
public class StatusResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    GatewayRuntime runtime;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String status() {
        GatewaySnapshot snapshot = runtime.snapshot();
        ObjectNode body = JSON.createObjectNode();
        ObjectNode upstreams = body.putObject("upstreams");
        for (UpstreamPool pool : snapshot.upstreams().pools()) {
            ArrayNode targets = upstreams.putArray(pool.name());
            for (TargetStatus t : pool.status()) {
                ObjectNode n = targets.addObject();
                n.put("target", t.target());
                n.put("weight", t.weight());
                n.put("health", t.state().name());
                n.put("reason", t.reason());
                n.put("since", t.since().toString());
                if (t.retryInMillis() != null && t.retryInMillis() > 0) {
                    n.put("retry_in_ms", t.retryInMillis());
                }
            }
        }
        ObjectNode services = body.putObject("services");
        new TreeMap<>(snapshot.guards()).forEach((name, guard) -> {
            GuardStatus g = guard.status();
            ObjectNode n = services.putObject(name);
            n.put("circuit_breaker", g.breakerState());
            n.put("recent_failures", g.recentFailures());
            n.put("in_flight", g.inFlight());
            n.put("max_concurrent_requests", g.maxConcurrent());
        });
        return body.toString();
    }
}
