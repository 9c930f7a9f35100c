package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.YAML;
import static com.gitinsight.gateway.admin.AdminReplies.ok;
import static com.gitinsight.gateway.admin.AdminReplies.outcome;
import static com.gitinsight.gateway.admin.AdminReplies.tagged;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.store.PostgresStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;

/** The configuration's history: its numbered backups with who replaced each and why, the audit trail, rollbacks. */
@Path("_gateway/admin/history")
@ApplicationScoped
@AdminOnly
public class HistoryResource {

    @Inject
    ConfigAdmin config;

    @Context
    HttpServletRequest request;

    @GET
    public Response history() throws AdminException {
        ObjectNode body = JSON.createObjectNode();
        // A node that runs nothing still lists the store's versions, to roll back to one.
        com.gitinsight.gateway.config.GatewayConfig running = config.runningOrNull();
        body.put("current", running == null ? null : running.hash());
        List<JsonNode> audit = config.auditTrail(500);
        ArrayNode data = body.putArray("data");
        List<PostgresStore.HistoryEntry> stored = config.storeHistory(100);
        if (stored != null) {
            // A fleet's history: every stored version, who made it, when and what (rollback takes its number).
            for (PostgresStore.HistoryEntry h : stored) {
                ObjectNode n = data.addObject();
                n.put("number", h.version());
                n.put("hash", h.hash());
                n.put("created_at", h.at().toString());
                n.put("created_by", h.by());
                n.put("change", h.action());
            }
            body.putArray("audit");
            return ok(config, body);
        }
        try {
            for (ConfigFile.Backup b : config.backups()) {
                ObjectNode n = data.addObject();
                n.put("number", b.number());
                n.put("hash", b.hash());
                n.put("replaced_at", b.replacedAt().toString());
                audit.stream()
                        .filter(a -> a.path("backup").asInt(-1) == b.number())
                        .reduce((a, c) -> c)
                        .ifPresent(a -> {
                            n.put("replaced_by", a.path("who").asText());
                            n.put("change", a.path("action").asText());
                            n.put("replaced_with", a.path("to").asText());
                        });
            }
        } catch (IOException e) {
            throw new AdminException(500, "cannot list backups: " + e.getMessage());
        }
        ArrayNode log = body.putArray("audit");
        audit.subList(Math.max(0, audit.size() - 50), audit.size()).forEach(log::add);
        return ok(config, body);
    }

    @GET
    @Path("{n: [0-9]+}")
    public Response backup(@PathParam("n") int number) throws AdminException {
        return config.redactedBackup(number)
                .map(t -> tagged(config, Response.ok(t, YAML)))
                .orElseThrow(AdminReplies::notFound);
    }

    @POST
    @Path("{n: [0-9]+}/rollback")
    public Response rollback(@PathParam("n") int number, @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        return outcome(config.rollback(number, ifMatch, AdminIdentity.of(request)), 200, null);
    }
}
