package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.checkIds;
import static com.gitinsight.gateway.admin.AdminReplies.object;
import static com.gitinsight.gateway.admin.AdminReplies.ok;
import static com.gitinsight.gateway.admin.AdminReplies.page;
import static com.gitinsight.gateway.admin.AdminReplies.written;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;

/**
 * Kong's entities over the declarative file ({@code /services}, {@code /routes}, {@code /upstreams},
 * {@code /consumers}, {@code /plugins}): list, read, create, update, replace, delete; reads show
 * the running configuration with its secrets redacted.
 */
@Path("_gateway/admin/{kind: " + EntitiesResource.KINDS + "}")
@ApplicationScoped
@AdminOnly
public class EntitiesResource {

    static final String KINDS = "services|routes|upstreams|consumers|plugins";

    @Inject
    ConfigAdmin config;

    @Context
    HttpServletRequest request;

    @GET
    public Response list(
            @PathParam("kind") String kind,
            @jakarta.ws.rs.QueryParam("tags") String tags,
            @jakarta.ws.rs.QueryParam("custom_id") String customId,
            @jakarta.ws.rs.QueryParam("size") String size,
            @jakarta.ws.rs.QueryParam("offset") String offset)
            throws AdminException {
        EntityKind k = kind(kind);
        GatewayConfig read = config.running(); // once: the body and its ETag are one version
        DeclarativeDocument doc = config.document(read);
        java.util.List<ObjectNode> views = new java.util.ArrayList<>();
        for (DeclarativeDocument.Located l : doc.all(k)) {
            ObjectNode view = doc.view(l);
            // Kong's filters: a client that takes data[0] of ?custom_id=x must never get another consumer.
            if (k == EntityKind.CONSUMERS
                    && customId != null
                    && !customId.equals(view.path("custom_id").asText(null))) {
                continue;
            }
            if (tags != null && !EntityFilters.tagged(view, tags)) {
                continue;
            }
            views.add(view);
        }
        int pageSize = EntityFilters.size(size);
        int from = EntityFilters.offset(offset, views.size());
        ArrayNode data = JSON.createArrayNode();
        views.subList(from, Math.min(views.size(), from + pageSize)).forEach(data::add);
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        if (from + pageSize < views.size()) {
            String next = Integer.toString(from + pageSize);
            body.put(
                    "next",
                    "/" + kind + "?offset=" + next
                            + (size != null ? "&size=" + pageSize : "")
                            + (tags != null
                                    ? "&tags="
                                            + java.net.URLEncoder.encode(tags, java.nio.charset.StandardCharsets.UTF_8)
                                    : ""));
            body.put("offset", next);
        } else {
            body.putNull("next");
        }
        return ok(read, body);
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("kind") String kind, @PathParam("id") String id) throws AdminException {
        checkIds(id);
        GatewayConfig read = config.running();
        DeclarativeDocument doc = config.document(read);
        return doc.find(kind(kind), id).map(l -> ok(read, doc.view(l))).orElseThrow(AdminReplies::notFound);
    }

    @GET
    @Path("{id}/routes")
    public Response serviceRoutes(@PathParam("kind") String kind, @PathParam("id") String service)
            throws AdminException {
        if (!"services".equals(kind)) {
            throw AdminReplies.notFound();
        }
        checkIds(service);
        GatewayConfig read = config.running();
        DeclarativeDocument doc = config.document(read);
        String name = DeclarativeDocument.name(doc.require(EntityKind.SERVICES, service)); // the key may be its id
        ArrayNode data = JSON.createArrayNode();
        doc.all(EntityKind.ROUTES).stream()
                .map(doc::view)
                .filter(r -> name.equals(r.path("service").path("name").asText(null))
                        || name.equals(r.path("service").path("id").asText(null)))
                .forEach(data::add);
        return page(read, data);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("kind") String kind, String text, @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        EntityKind k = kind(kind);
        ObjectNode body = object(text);
        String name = nameOf(k, body);
        ConfigAdmin.Outcome outcome =
                config.edit(ifMatch, AdminIdentity.of(request), "created " + k.singular() + " " + name, doc -> {
                    doc.create(k, body);
                    return doc.pathOf(k, nameOf(k, body));
                });
        return written(config, outcome, 201, k, name);
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response patch(
            @PathParam("kind") String kind,
            @PathParam("id") String id,
            String text,
            @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        return update(kind(kind), id, text, ifMatch, false);
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(
            @PathParam("kind") String kind,
            @PathParam("id") String id,
            String text,
            @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        return update(kind(kind), id, text, ifMatch, true);
    }

    /** PATCH merges the fields given, PUT replaces them (Kong's semantics; PUT creates a missing one). */
    private Response update(EntityKind k, String id, String text, String ifMatch, boolean replace)
            throws AdminException {
        checkIds(id);
        ObjectNode body = object(text);
        String after = k == EntityKind.PLUGINS || !body.hasNonNull(k.key)
                ? id
                : body.get(k.key).asText();
        String action = (replace ? "replaced " : "updated ") + k.singular() + " " + id + " "
                + body.properties().stream().map(Map.Entry::getKey).toList();
        ConfigAdmin.Outcome outcome = config.edit(ifMatch, AdminIdentity.of(request), action, doc -> {
            doc.update(k, id, body, replace);
            return doc.pathOf(k, after);
        });
        return written(config, outcome, 200, k, after);
    }

    @DELETE
    @Path("{id}")
    public Response delete(
            @PathParam("kind") String kind, @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch)
            throws AdminException {
        checkIds(id);
        EntityKind k = kind(kind);
        // Looked for in the base the write edits (the file, or the store's row), not in what runs
        // here: a node yet to install the version that made it answered 204 and deleted nothing
        // (attacker review 177). Already gone: nothing changes, so nothing is written, backed up
        // or audited, and the answer is Kong's 204.
        ConfigAdmin.Outcome outcome =
                config.edit(ifMatch, AdminIdentity.of(request), "deleted " + k.singular() + " " + id, doc -> {
                    doc.delete(k, id);
                    return null;
                });
        return written(config, outcome, 204, null, null);
    }

    private static String nameOf(EntityKind k, ObjectNode body) {
        String id = DeclarativeDocument.idOf(k, body);
        return id == null ? "?" : id;
    }

    private static EntityKind kind(String kind) {
        return EntityKind.valueOf(kind.toUpperCase(Locale.ROOT));
    }
}
