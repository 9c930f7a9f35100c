package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.checkIds;
import static com.gitinsight.gateway.admin.AdminReplies.object;
import static com.gitinsight.gateway.admin.AdminReplies.tagged;
import static com.gitinsight.gateway.admin.AdminReplies.written;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.upstream.TargetStatus;
import com.gitinsight.gateway.upstream.UpstreamPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.Map;

/**
 * An upstream's targets ({@code /upstreams/{u}/targets}): the configured ones with their live health,
 * adding and removing one in the file, and marking one healthy or unhealthy in the running gateway.
 */
@Path("_gateway/admin/upstreams/{u}/targets")
@ApplicationScoped
@AdminOnly
public class TargetsResource {

    @Inject
    ConfigAdmin config;

    @Inject
    GatewayRuntime runtime;

    @Context
    HttpServletRequest request;

    @GET
    public Response targets(@PathParam("u") String key) throws AdminException {
        checkIds(key);
        String upstream = upstreamName(key);
        com.gitinsight.gateway.config.GatewayConfig read = config.running(); // the body and its ETag: one version
        ArrayNode configured = config.document(read).targets(upstream);
        Map<String, TargetStatus> live = new HashMap<>();
        UpstreamPool pool = pool(upstream);
        if (pool != null) {
            pool.status().forEach(t -> live.put(t.target(), t));
        }
        ArrayNode data = JSON.createArrayNode();
        for (JsonNode t : configured) {
            ObjectNode n = ((ObjectNode) t).deepCopy();
            n.putObject("upstream").put("name", upstream);
            TargetStatus s = live.get(n.path("target").asText());
            if (s == null) {
                s = live.values().stream()
                        .filter(v -> v.target().startsWith(n.path("target").asText() + "|"))
                        .findFirst()
                        .orElse(null);
            }
            n.put("health", s == null ? "UNKNOWN" : s.state().name());
            if (s != null) {
                n.put("reason", s.reason());
                n.put("since", s.since().toString());
            }
            data.add(n);
        }
        return AdminReplies.page(read, data);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addTarget(@PathParam("u") String upstream, String text, @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        checkIds(upstream);
        ObjectNode body = object(text);
        ConfigAdmin.Outcome outcome = config.edit(
                ifMatch,
                AdminIdentity.of(request),
                "added target " + body.path("target").asText() + " to upstream " + upstream,
                doc -> {
                    doc.addTarget(upstream, body);
                    return null;
                });
        return written(config, outcome, 201, null, null);
    }

    @DELETE
    @Path("{t}")
    public Response deleteTarget(
            @PathParam("u") String upstream, @PathParam("t") String target, @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        checkIds(upstream, target);
        ConfigAdmin.Outcome outcome = config.edit(
                ifMatch, AdminIdentity.of(request), "removed target " + target + " from upstream " + upstream, doc -> {
                    doc.deleteTarget(upstream, target);
                    return null;
                });
        return written(config, outcome, 204, null, null);
    }

    @PUT
    @Path("{t}/{health: healthy|unhealthy}")
    public Response setHealth(
            @PathParam("u") String key, @PathParam("t") String target, @PathParam("health") String health)
            throws AdminException {
        checkIds(key, target);
        String upstream = upstreamName(key);
        UpstreamPool pool = pool(upstream);
        if (pool == null || !pool.force(target, health.equals("healthy"))) {
            throw AdminReplies.notFound();
        }
        config.operation(AdminIdentity.of(request), "marked target " + upstream + "/" + target + " " + health, null);
        return tagged(config, Response.noContent());
    }

    @POST
    @Path("{t}/{health: healthy|unhealthy}")
    public Response setHealthPost(
            @PathParam("u") String upstream, @PathParam("t") String target, @PathParam("health") String health)
            throws AdminException {
        return setHealth(upstream, target, health);
    }

    /** The upstream's name for a path key that may be its id (Kong's endpoints take either). */
    private String upstreamName(String key) throws AdminException {
        return config.document()
                .find(EntityKind.UPSTREAMS, key)
                .map(DeclarativeDocument::name)
                .orElse(key);
    }

    private UpstreamPool pool(String name) {
        return ConfigAdmin.running(runtime).upstreams().pools().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElse(null);
    }
}
