package com.gitinsight.gateway.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.cache.ResponseCache;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.messaging.EvictionListener;
import com.gitinsight.gateway.ratelimit.CounterStores;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.upstream.GuardStatus;
import com.gitinsight.gateway.upstream.TargetStatus;
import com.gitinsight.gateway.upstream.UpstreamPool;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.TreeMap;

/**
 * {@code GET /_gateway/status}: the live resilience state, read-only: every pool's targets with
 * their health, every service's circuit breaker and bulkhead, the response cache and its
 * eviction-event subscription.
 */
@Path("_gateway/status")
@jakarta.enterprise.context.ApplicationScoped
public class StatusResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    GatewayRuntime runtime;

    @Inject
    ResponseCache cache;

    @Inject
    EvictionListener eviction;

    @Inject
    CounterStores rateLimits;

    @Inject
    Observers observers;

    /** Internal addresses and breaker states: for the observers' networks only (the admin API has it too). */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response status(@Context HttpServletRequest request) {
        if (!observers.mayObserve(request)) {
            return ErrorResponses.json(
                    RequestContext.of(request), 403, "The status is not available from this address");
        }
        return Response.ok(report().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The status as a tree (the admin API serves the same). */
    public ObjectNode report() {
        GatewaySnapshot snapshot = runtime.snapshot();
        ObjectNode body = JSON.createObjectNode();
        if (snapshot == null) {
            // A fleet node whose store it has not reached (or whose versions all fail here).
            body.put("configuration", "none runs on this node yet");
            return body;
        }
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
        body.putObject("rate_limiting").put("allowed_while_store_down", rateLimits.allowedWhileDown());
        ObjectNode c = body.putObject("cache");
        c.put("entries", cache.size());
        c.put("hits", cache.hits());
        c.put("misses", cache.misses());
        c.put("evictions", cache.evictions());
        EvictionListener.Status e = eviction.status();
        ObjectNode events = body.putObject("eviction_events");
        events.put("configured", e.configured());
        events.put("connected", e.connected());
        events.put("since", e.since().toString());
        events.put("last_error", e.lastError());
        events.put("applied", e.applied());
        events.put("rejected", e.rejected());
        events.put("last_lag_ms", e.lastLagMillis());
        return body;
    }
}
