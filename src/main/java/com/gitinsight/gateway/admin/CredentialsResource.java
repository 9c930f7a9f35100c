package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.checkIds;
import static com.gitinsight.gateway.admin.AdminReplies.object;
import static com.gitinsight.gateway.admin.AdminReplies.written;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Kong's consumer credential endpoints over the declarative file: {@code /consumers/{consumer}/key-auth},
 * {@code basic-auth}, {@code acls} and {@code jwt}, each listed, read, created and deleted. Reads show
 * the running configuration with its secrets redacted as the configuration views redact them (a
 * {@code {redacted:...}} token); so does the answer to a create: Kong returns a new key-auth key in
 * clear, but this gateway's admin API never shows a secret. Writes go through
 * {@link ConfigAdmin#edit} (If-Match, validated as a file load, audited, atomic).
 *
 * <p>The template has more literal characters than {@link EntitiesResource}'s, so JAX-RS matches
 * {@code /consumers/{consumer}/key-auth} here and {@code /consumers/{consumer}} there
 * (CredentialsRoutingTest checks it with Jersey's own ordering).
 */
@Path(CredentialsResource.PATH)
@ApplicationScoped
@AdminOnly
public class CredentialsResource {

    static final String PATH = "_gateway/admin/consumers/{consumer}/{plugin: key-auth|basic-auth|hmac-auth|acls|jwt}";

    @Inject
    ConfigAdmin config;

    @Context
    HttpServletRequest request;

    @GET
    public Response list(@PathParam("consumer") String consumer, @PathParam("plugin") String plugin)
            throws AdminException {
        checkIds(consumer);
        Credentials.Kind kind = Credentials.Kind.of(plugin);
        com.gitinsight.gateway.config.GatewayConfig read = config.running(); // the body and its ETag: one version
        Credentials credentials = new Credentials(config.document(read));
        ArrayNode data = JSON.createArrayNode();
        for (Credentials.Credential c : credentials.list(kind, consumer)) {
            data.add(credentials.view(kind, consumer, c));
        }
        return AdminReplies.page(read, data);
    }

    @GET
    @Path("{id}")
    public Response get(
            @PathParam("consumer") String consumer, @PathParam("plugin") String plugin, @PathParam("id") String id)
            throws AdminException {
        checkIds(consumer, id);
        Credentials.Kind kind = Credentials.Kind.of(plugin);
        // Found in the running file's own text (a key-auth key is matched in clear), shown from the
        // redacted tree of the same text, where it sits at the same place.
        com.gitinsight.gateway.config.GatewayConfig read = config.running();
        int index = new Credentials(DeclarativeDocument.parse(read.text())).indexOf(kind, consumer, id);
        Credentials redacted = new Credentials(config.document(read));
        return AdminReplies.ok(
                read,
                redacted.view(kind, consumer, redacted.list(kind, consumer).get(index)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(
            @PathParam("consumer") String consumer,
            @PathParam("plugin") String plugin,
            String text,
            @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        checkIds(consumer);
        Credentials.Kind kind = Credentials.Kind.of(plugin);
        ObjectNode body = object(text);
        String[] id = new String[1];
        ConfigAdmin.Outcome outcome = config.edit(
                ifMatch,
                AdminIdentity.of(request),
                "created " + Credentials.SINGULAR.get(kind) + describe(kind, body) + " of consumer " + consumer,
                doc -> {
                    Credentials.Added added = new Credentials(doc).add(kind, consumer, body);
                    id[0] = added.id();
                    return added.path();
                });
        Credentials redacted = new Credentials(config.document());
        ObjectNode view = redacted.find(kind, consumer, id[0])
                .map(c -> {
                    try {
                        return redacted.view(kind, consumer, c);
                    } catch (AdminException e) {
                        return JSON.createObjectNode();
                    }
                })
                .orElse(JSON.createObjectNode());
        return AdminReplies.outcome(outcome, 201, view);
    }

    @DELETE
    @Path("{id}")
    public Response delete(
            @PathParam("consumer") String consumer,
            @PathParam("plugin") String plugin,
            @PathParam("id") String id,
            @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        checkIds(consumer, id);
        Credentials.Kind kind = Credentials.Kind.of(plugin);
        // A key-auth credential may be named by its key: the audit trail never records it.
        String named = kind.keyIsSecret() ? "" : " " + id;
        ConfigAdmin.Outcome outcome = config.edit(
                ifMatch,
                AdminIdentity.of(request),
                "deleted " + Credentials.SINGULAR.get(kind) + named + " of consumer " + consumer,
                doc -> {
                    new Credentials(doc).delete(kind, consumer, id);
                    return null;
                });
        return written(config, outcome, 204, null, null);
    }

    /** What the audit trail says of a new credential: its name, never a secret. */
    private static String describe(Credentials.Kind kind, ObjectNode body) {
        String name = kind.keyIsSecret()
                ? body.path("id").asText("")
                : body.path(kind.key).asText("");
        return name.isEmpty() ? "" : " " + name;
    }
}
