package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.YAML;
import static com.gitinsight.gateway.admin.AdminReplies.ok;
import static com.gitinsight.gateway.admin.AdminReplies.outcome;
import static com.gitinsight.gateway.admin.AdminReplies.tagged;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Locale;

/** The declarative configuration as a whole (Kong's DB-less {@code /config}): read it, check or replace it. */
@Path("_gateway/admin/config")
@ApplicationScoped
@AdminOnly
public class ConfigResource {

    @Inject
    ConfigAdmin config;

    @Inject
    GatewayRuntime runtime;

    @Context
    HttpServletRequest request;

    @GET
    public Response getConfig(@QueryParam("format") String format, @HeaderParam("Accept") String accept)
            throws AdminException {
        boolean yaml = "yaml".equals(format) || accept != null && accept.contains("yaml");
        if (yaml) {
            return tagged(config, Response.ok(config.redactedText(), YAML));
        }
        ObjectNode body = JSON.createObjectNode();
        GatewayConfig running = config.running();
        body.put("hash", running.hash());
        body.put("source", running.source());
        body.put("pending_error", runtime.pendingError());
        body.set("config", config.document().root());
        return ok(config, body);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response postConfig(
            String body,
            @QueryParam("dry_run") boolean dryRun,
            @HeaderParam("If-Match") String ifMatch,
            @HeaderParam("Content-Type") String type)
            throws AdminException {
        String text = declarative(body, type);
        if (dryRun) {
            GatewayConfig checked = config.check(text);
            return ok(
                    config,
                    JSON.createObjectNode()
                            .put("valid", true)
                            .put("hash", checked.hash())
                            .set("counts", JSON.valueToTree(checked.counts())));
        }
        return outcome(
                config.replace(text, ifMatch, AdminIdentity.of(request), "replaced the whole configuration"),
                200,
                null);
    }

    /** Kong accepts the file itself or {@code {"config": "<file text>"}}. */
    private static String declarative(String body, String type) throws AdminException {
        if (body == null || body.isBlank()) {
            throw new AdminException(400, "declarative config is required");
        }
        if (type != null && type.toLowerCase(Locale.ROOT).contains("json")) {
            try {
                JsonNode tree = JSON.readTree(body);
                if (tree.isObject() && tree.size() == 1 && tree.path("config").isTextual()) {
                    return tree.get("config").asText();
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AdminException(
                        400, "malformed JSON: " + com.gitinsight.gateway.config.ParseErrors.describe(e));
            } catch (IOException e) {
                throw new AdminException(400, "malformed JSON");
            }
        }
        return body;
    }
}
