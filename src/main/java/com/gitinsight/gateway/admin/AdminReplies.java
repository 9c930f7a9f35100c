package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.EntityNames;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * What the admin resources share: their JSON answers, each tagged with the running configuration's
 * hash as its {@code ETag}, the answer to a write, and the checks of a request's body and path
 * parameters. Errors are thrown as {@link AdminException} ({@link AdminExceptionMapper} answers them).
 */
final class AdminReplies {

    static final ObjectMapper JSON = new ObjectMapper();
    static final MediaType YAML = MediaType.valueOf("application/yaml");

    private AdminReplies() {}

    static Response ok(ConfigAdmin config, JsonNode body) {
        return tagged(config, Response.ok(body.toString(), MediaType.APPLICATION_JSON_TYPE));
    }

    /** With the hash of {@code read}, the version the answer was read from, as its ETag. */
    static Response ok(com.gitinsight.gateway.config.GatewayConfig read, JsonNode body) {
        return Response.ok(body.toString(), MediaType.APPLICATION_JSON_TYPE)
                .tag(read.hash())
                .build();
    }

    /** Kong's list shape, tagged with the version it was read from. */
    static Response page(com.gitinsight.gateway.config.GatewayConfig read, ArrayNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        body.putNull("next");
        return ok(read, body);
    }

    /** With the running configuration's hash as its ETag (none while nothing runs). */
    static Response tagged(ConfigAdmin config, Response.ResponseBuilder builder) {
        com.gitinsight.gateway.config.GatewayConfig running = config.runningOrNull();
        return (running == null ? builder : builder.tag(running.hash())).build();
    }

    /** Kong's list shape: {@code {"data": [...], "next": null}}. */
    static Response page(ConfigAdmin config, ArrayNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        body.putNull("next");
        return ok(config, body);
    }

    static AdminException notFound() {
        return new AdminException(404, "Not found");
    }

    /**
     * The answer to a write: 204; or with an entity {@code kind}, the entity {@code id} as it now is;
     * else the new version's summary.
     */
    static Response written(ConfigAdmin config, ConfigAdmin.Outcome outcome, int status, EntityKind kind, String id)
            throws AdminException {
        if (status == 204 || kind == null) {
            // Tagged with what the write left, not with whatever runs by the time of the answer.
            return (status == 204
                            ? Response.noContent()
                            : Response.status(status)
                                    .type(MediaType.APPLICATION_JSON)
                                    .entity(summary(outcome).toString()))
                    .tag(outcome.config().hash())
                    .build();
        }
        DeclarativeDocument doc = config.document();
        ObjectNode view = doc.find(kind, id).map(doc::view).orElse(JSON.createObjectNode());
        return outcome(outcome, status, view);
    }

    /** An answer tagged with the version a change made. */
    static Response outcome(ConfigAdmin.Outcome outcome, int status, ObjectNode body) {
        ObjectNode out = body != null ? body : summary(outcome);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(out.toString())
                .tag(outcome.config().hash())
                .build();
    }

    private static ObjectNode summary(ConfigAdmin.Outcome outcome) {
        ObjectNode n = JSON.createObjectNode();
        n.put("hash", outcome.config().hash());
        n.put("changed", outcome.changed());
        if (outcome.backup() != null) {
            n.put("backup", outcome.backup());
        }
        n.set("counts", JSON.valueToTree(outcome.config().counts()));
        return n;
    }

    /** A JSON object body (parsed here, so no JAX-RS JSON provider is needed on any server). */
    static ObjectNode object(String text) throws AdminException {
        try {
            JsonNode tree = text == null || text.isBlank() ? null : JSON.readTree(text);
            if (tree instanceof ObjectNode o) {
                return o;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AdminException(400, "malformed JSON: " + com.gitinsight.gateway.config.ParseErrors.describe(e));
        }
        throw new AdminException(400, "the body must be a JSON object");
    }

    /**
     * Entity names and ids in a path are checked before use: JAX-RS decodes {@code %2F} and
     * {@code %2E%2E} into a parameter, and no valid entity is called that (see {@link EntityNames}).
     */
    static void checkIds(String... ids) throws AdminException {
        for (String id : ids) {
            String problem = EntityNames.pathProblem(id);
            if (problem != null) {
                throw new AdminException(400, problem);
            }
        }
    }
}
