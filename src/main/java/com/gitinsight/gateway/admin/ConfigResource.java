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
        GatewayConfig running = config.running(); // once: the body and its ETag are one version
        if (yaml) {
            return Response.ok(config.redactedText(running), YAML)
                    .tag(running.hash())
                    .build();
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("hash", running.hash());
        body.put("source", running.source());
        body.put("pending_error", runtime.pendingError());
        body.set("config", config.document(running).root());
        return AdminReplies.ok(running, body);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response postConfig(
            byte[] body,
            @QueryParam("dry_run") boolean dryRun,
            @QueryParam("check_hash") String checkHash,
            @HeaderParam("If-Match") String ifMatch,
            @HeaderParam("Content-Type") String type)
            throws AdminException {
        String text = declarative(body, type);
        if (dryRun) {
            return ok(config, dryRunAnswer(text, config.check(text)));
        }
        if (truthy(checkHash)) {
            // Kong's check_hash: 304 when the file is the one running (nothing is written or audited).
            GatewayConfig checked = config.check(text);
            GatewayConfig running = config.runningOrNull();
            if (running != null && running.hash().equals(checked.hash())) {
                return tagged(config, Response.notModified());
            }
        }
        // 201, as Kong's DB-less endpoint answers every accepted configuration.
        return outcome(
                config.replace(text, ifMatch, AdminIdentity.of(request), "replaced the whole configuration"),
                201,
                null);
    }

    /**
     * A dry run's answer. The hash only for a text without redacted tokens or withheld comments: a
     * hash of a text with secrets or comments put back would let its caller test guesses of them
     * offline, unaudited (attacker reviews 148, 149).
     */
    static com.fasterxml.jackson.databind.node.ObjectNode dryRunAnswer(String text, GatewayConfig checked) {
        com.fasterxml.jackson.databind.node.ObjectNode answer =
                JSON.createObjectNode().put("valid", true);
        if (!text.contains("{redacted:") && !text.contains("# (comment withheld)")) {
            answer.put("hash", checked.hash());
        }
        answer.set("counts", JSON.valueToTree(checked.counts()));
        return answer;
    }

    private static boolean truthy(String flag) {
        return flag != null && (flag.equals("1") || flag.equalsIgnoreCase("true"));
    }

    /**
     * Kong accepts the file itself, or its text as the {@code config} field of a JSON object, a form
     * ({@code --data-urlencode config@kong.yml}) or a multipart body ({@code -F config=@kong.yml}).
     */
    static String declarative(byte[] bytes, String type) throws AdminException {
        String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (lower.startsWith("multipart/form-data")) {
            com.gitinsight.gateway.http.MultipartForm form =
                    com.gitinsight.gateway.http.MultipartForm.parse(bytes == null ? new byte[0] : bytes, type);
            String field = form == null ? null : form.first("config");
            return required(field);
        }
        String body = bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        if (lower.startsWith("application/x-www-form-urlencoded")) {
            String field = null;
            try {
                field = formField(body);
            } catch (IllegalArgumentException e) {
                throw new AdminException(400, "expected a declarative configuration"); // a malformed escape
            }
            return required(field);
        }
        required(body);
        return jsonOrText(body, lower);
    }

    /** The {@code config} field of a form body, or null; a malformed escape throws IllegalArgumentException. */
    private static String formField(String body) {
        for (String pair : (body == null ? "" : body).split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(
                    eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
            if (name.equals("config") && eq >= 0) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** A JSON object's {@code config} text, else the body itself (the file, in YAML or JSON). */
    private static String jsonOrText(String body, String lower) throws AdminException {
        if (lower.contains("json")) {
            try {
                JsonNode tree = JSON.readTree(body);
                if (tree.isObject() && tree.path("config").isTextual() && !tree.has("_format_version")) {
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

    private static String required(String text) throws AdminException {
        if (text == null || text.isBlank()) {
            // Kong's words (15-off_spec).
            throw new AdminException(400, "expected a declarative configuration");
        }
        return text;
    }
}
