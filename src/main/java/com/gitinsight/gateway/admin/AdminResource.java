package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.cache.PathPattern;
import com.gitinsight.gateway.cache.ResponseCache;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.EntityNames;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.observability.GatewayMetrics;
import com.gitinsight.gateway.observability.HealthResource;
import com.gitinsight.gateway.observability.StatusResource;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.upstream.ServiceGuard;
import com.gitinsight.gateway.upstream.TargetStatus;
import com.gitinsight.gateway.upstream.UpstreamPool;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin API, {@code /_gateway/admin/}: Kong's Admin API shapes ({@code /services},
 * {@code /routes}, {@code /upstreams/{u}/targets}, {@code /consumers}, {@code /plugins},
 * DB-less {@code POST /config}) over the declarative file, plus the live state and operations.
 * {@link AdminGuard} has already authenticated the caller. Every response carries the
 * running configuration's hash as its {@code ETag}; writes honour {@code If-Match}.
 */
@Path("_gateway/admin")
@ApplicationScoped
@AdminOnly
public class AdminResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KINDS = "services|routes|upstreams|consumers|plugins";
    private static final MediaType YAML = MediaType.valueOf("application/yaml");

    @Inject
    ConfigAdmin config;

    @Inject
    GatewayRuntime runtime;

    @Inject
    StatusResource status;

    @Inject
    ResponseCache cache;

    @Inject
    GatewayMetrics metrics;

    @Context
    HttpServletRequest request;

    @GET
    public Response info() {
        GatewayConfig running = config.running();
        ObjectNode body = JSON.createObjectNode();
        body.put("tagline", "GitInsight Gateway");
        body.put("version", HealthResource.version());
        body.put("config_hash", running.hash());
        body.put("config_file", running.source());
        body.put("loaded_at", runtime.snapshot().loadedAt().toString());
        body.put("pending_error", runtime.pendingError());
        body.put("reloads", runtime.reloads());
        body.set("counts", JSON.valueToTree(running.counts()));
        AdminIdentity who = AdminIdentity.of(request);
        body.putObject("you").put("name", who.name()).put("via", who.method());
        return ok(body);
    }

    @GET
    @Path("status")
    public Response status() {
        return ok(status.report());
    }

    // ---- the declarative configuration as a whole (Kong's DB-less /config) ----

    @GET
    @Path("config")
    public Response getConfig(@QueryParam("format") String format, @HeaderParam("Accept") String accept) {
        boolean yaml = "yaml".equals(format) || accept != null && accept.contains("yaml");
        try {
            if (yaml) {
                return tagged(Response.ok(config.redactedText(), YAML));
            }
            ObjectNode body = JSON.createObjectNode();
            GatewayConfig running = config.running();
            body.put("hash", running.hash());
            body.put("source", running.source());
            body.put("pending_error", runtime.pendingError());
            body.set("config", config.document().root());
            return ok(body);
        } catch (AdminException e) {
            return error(e);
        }
    }

    @POST
    @Path("config")
    @Consumes(MediaType.WILDCARD)
    public Response postConfig(String body, @QueryParam("dry_run") boolean dryRun,
            @HeaderParam("If-Match") String ifMatch, @HeaderParam("Content-Type") String type) {
        try {
            String text = declarative(body, type);
            if (dryRun) {
                GatewayConfig checked = config.check(text);
                return ok(JSON.createObjectNode().put("valid", true).put("hash", checked.hash())
                        .set("counts", JSON.valueToTree(checked.counts())));
            }
            return outcome(config.replace(text, ifMatch, who(), "replaced the whole configuration"), 200, null);
        } catch (AdminException e) {
            return error(e);
        }
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
            } catch (IOException e) {
                throw new AdminException(400, "malformed JSON: " + e.getMessage());
            }
        }
        return body;
    }

    // ---- entities ----

    @GET
    @Path("{kind: " + KINDS + "}")
    public Response list(@PathParam("kind") String kind) {
        return read(doc -> {
            ArrayNode data = JSON.createArrayNode();
            doc.all(kind(kind)).forEach(l -> data.add(doc.view(l)));
            return page(data);
        });
    }

    @GET
    @Path("{kind: " + KINDS + "}/{id}")
    public Response get(@PathParam("kind") String kind, @PathParam("id") String id) {
        Response refused = refused(id);
        if (refused != null) {
            return refused;
        }
        return read(doc -> doc.find(kind(kind), id).map(l -> ok(doc.view(l))).orElseGet(this::notFound));
    }

    @GET
    @Path("services/{id}/routes")
    public Response serviceRoutes(@PathParam("id") String service) {
        Response refused = refused(service);
        if (refused != null) {
            return refused;
        }
        return read(doc -> {
            if (doc.find(EntityKind.SERVICES, service).isEmpty()) {
                return notFound();
            }
            ArrayNode data = JSON.createArrayNode();
            doc.all(EntityKind.ROUTES).stream().map(doc::view)
                    .filter(r -> service.equals(r.path("service").path("name").asText())).forEach(data::add);
            return page(data);
        });
    }

    @POST
    @Path("{kind: " + KINDS + "}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("kind") String kind, String text, @HeaderParam("If-Match") String ifMatch) {
        EntityKind k = kind(kind);
        ObjectNode body;
        try {
            body = object(text);
        } catch (AdminException e) {
            return error(e);
        }
        return write(ifMatch, "created " + k.singular() + " " + nameOf(k, body), 201,
                doc -> {
                    doc.create(k, body);
                    return doc.pathOf(k, nameOf(k, body));
                }, k, nameOf(k, body));
    }

    @PATCH
    @Path("{kind: " + KINDS + "}/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response patch(@PathParam("kind") String kind, @PathParam("id") String id, String text,
            @HeaderParam("If-Match") String ifMatch) {
        return update(kind(kind), id, text, ifMatch, false);
    }

    @PUT
    @Path("{kind: " + KINDS + "}/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("kind") String kind, @PathParam("id") String id, String text,
            @HeaderParam("If-Match") String ifMatch) {
        return update(kind(kind), id, text, ifMatch, true);
    }

    /** PATCH merges the fields given, PUT replaces them (Kong's semantics; PUT creates a missing one). */
    private Response update(EntityKind k, String id, String text, String ifMatch, boolean replace) {
        ObjectNode body;
        try {
            checkIds(id);
            body = object(text);
        } catch (AdminException e) {
            return error(e);
        }
        String after = k == EntityKind.PLUGINS || !body.hasNonNull(k.key) ? id : body.get(k.key).asText();
        String action = (replace ? "replaced " : "updated ") + k.singular() + " " + id + " "
                + body.properties().stream().map(Map.Entry::getKey).toList();
        return write(ifMatch, action, 200, doc -> {
            doc.update(k, id, body, replace);
            return doc.pathOf(k, after);
        }, k, after);
    }

    @DELETE
    @Path("{kind: " + KINDS + "}/{id}")
    public Response delete(@PathParam("kind") String kind, @PathParam("id") String id,
            @HeaderParam("If-Match") String ifMatch) {
        Response refused = refused(id);
        if (refused != null) {
            return refused;
        }
        EntityKind k = kind(kind);
        return write(ifMatch, "deleted " + k.singular() + " " + id, 204, doc -> {
            doc.delete(k, id);
            return null;
        }, null, null);
    }

    // ---- upstream targets with live health ----

    @GET
    @Path("upstreams/{u}/targets")
    public Response targets(@PathParam("u") String upstream) {
        ArrayNode configured;
        try {
            checkIds(upstream);
            configured = config.document().targets(upstream);
        } catch (AdminException e) {
            return error(e);
        }
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
                s = live.values().stream().filter(v -> v.target().startsWith(n.path("target").asText() + "|"))
                        .findFirst().orElse(null);
            }
            n.put("health", s == null ? "UNKNOWN" : s.state().name());
            if (s != null) {
                n.put("reason", s.reason());
                n.put("since", s.since().toString());
            }
            data.add(n);
        }
        return page(data);
    }

    @POST
    @Path("upstreams/{u}/targets")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addTarget(@PathParam("u") String upstream, String text, @HeaderParam("If-Match") String ifMatch) {
        ObjectNode body;
        try {
            checkIds(upstream);
            body = object(text);
        } catch (AdminException e) {
            return error(e);
        }
        return write(ifMatch, "added target " + body.path("target").asText() + " to upstream " + upstream, 201,
                doc -> {
                    doc.addTarget(upstream, body);
                    return null;
                }, null, null);
    }

    @DELETE
    @Path("upstreams/{u}/targets/{t}")
    public Response deleteTarget(@PathParam("u") String upstream, @PathParam("t") String target,
            @HeaderParam("If-Match") String ifMatch) {
        Response refused = refused(upstream, target);
        if (refused != null) {
            return refused;
        }
        return write(ifMatch, "removed target " + target + " from upstream " + upstream, 204,
                doc -> {
                    doc.deleteTarget(upstream, target);
                    return null;
                }, null, null);
    }

    @PUT
    @Path("upstreams/{u}/targets/{t}/{health: healthy|unhealthy}")
    public Response setHealth(@PathParam("u") String upstream, @PathParam("t") String target,
            @PathParam("health") String health) {
        Response refused = refused(upstream, target);
        if (refused != null) {
            return refused;
        }
        UpstreamPool pool = pool(upstream);
        if (pool == null || !pool.force(target, health.equals("healthy"))) {
            return notFound();
        }
        config.operation(who(), "marked target " + upstream + "/" + target + " " + health, null);
        return tagged(Response.noContent());
    }

    @POST
    @Path("upstreams/{u}/targets/{t}/{health: healthy|unhealthy}")
    public Response setHealthPost(@PathParam("u") String upstream, @PathParam("t") String target,
            @PathParam("health") String health) {
        return setHealth(upstream, target, health);
    }

    // ---- operations ----

    @POST
    @Path("services/{s}/circuit-breaker/reset")
    public Response resetBreaker(@PathParam("s") String service) {
        Response refused = refused(service);
        if (refused != null) {
            return refused;
        }
        ServiceGuard guard = runtime.snapshot().guards().get(service);
        if (guard == null) {
            return notFound();
        }
        guard.reset();
        config.operation(who(), "reset the circuit breaker of " + service, null);
        return ok(JSON.createObjectNode().put("service", service).put("circuit_breaker", guard.status().breakerState()));
    }

    @DELETE
    @Path("proxy-cache")
    public Response purge(@QueryParam("pattern") String pattern) {
        ObjectNode body = JSON.createObjectNode();
        if (pattern != null && !pattern.isBlank()) {
            PathPattern compiled;
            try {
                compiled = PathPattern.compile(pattern);
            } catch (IllegalArgumentException e) {
                return error(new AdminException(400, "invalid pattern: " + e.getMessage()));
            }
            body.put("purged", cache.purge(compiled)).put("pattern", pattern);
        } else {
            long n = cache.size();
            cache.purgeAll();
            body.put("purged", n);
        }
        config.operation(who(), "purged the cache" + (pattern == null ? "" : " for " + pattern), body.deepCopy());
        return ok(body);
    }

    @DELETE
    @Path("proxy-cache/{key}")
    public Response purgeKey(@PathParam("key") String key) {
        if (!cache.purgeKey(key)) {
            return notFound();
        }
        config.operation(who(), "purged cache key " + key, null);
        return tagged(Response.noContent());
    }

    @POST
    @Path("reload")
    public Response reload() {
        runtime.reloadNow();
        String error = runtime.pendingError();
        config.operation(who(), "requested a reload from the file", null);
        ObjectNode body = JSON.createObjectNode().put("hash", config.running().hash()).put("error", error);
        return error == null ? ok(body) : tagged(Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(body.put("message", "the file on disk is not valid; the running configuration stays")
                        .toString()));
    }

    // ---- history ----

    @GET
    @Path("history")
    public Response history() {
        ObjectNode body = JSON.createObjectNode();
        body.put("current", config.running().hash());
        List<JsonNode> audit = config.auditTrail(500);
        ArrayNode data = body.putArray("data");
        try {
            for (ConfigFile.Backup b : config.backups()) {
                ObjectNode n = data.addObject();
                n.put("number", b.number());
                n.put("hash", b.hash());
                n.put("replaced_at", b.replacedAt().toString());
                audit.stream().filter(a -> a.path("backup").asInt(-1) == b.number()).reduce((a, c) -> c).ifPresent(a -> {
                    n.put("replaced_by", a.path("who").asText());
                    n.put("change", a.path("action").asText());
                    n.put("replaced_with", a.path("to").asText());
                });
            }
        } catch (IOException e) {
            return error(new AdminException(500, "cannot list backups: " + e.getMessage()));
        }
        ArrayNode log = body.putArray("audit");
        audit.subList(Math.max(0, audit.size() - 50), audit.size()).forEach(log::add);
        return ok(body);
    }

    @GET
    @Path("history/{n: [0-9]+}")
    public Response backup(@PathParam("n") int number) {
        try {
            return config.redactedBackup(number).map(t -> tagged(Response.ok(t, YAML))).orElseGet(this::notFound);
        } catch (AdminException e) {
            return error(e);
        }
    }

    @POST
    @Path("history/{n: [0-9]+}/rollback")
    public Response rollback(@PathParam("n") int number, @HeaderParam("If-Match") String ifMatch) {
        try {
            return outcome(config.rollback(number, ifMatch, who()), 200, null);
        } catch (AdminException e) {
            return error(e);
        }
    }

    // ---- the console's live figures ----

    @GET
    @Path("stats")
    public Response stats() {
        GatewayMetrics.Totals t = metrics.totals();
        ObjectNode body = JSON.createObjectNode();
        body.put("time_ms", System.currentTimeMillis());
        body.put("requests", t.requests());
        body.put("errors_5xx", t.errors5xx());
        body.set("latency_bounds_ms", JSON.valueToTree(t.latencyBoundsMs()));
        body.set("latency_buckets", JSON.valueToTree(t.bucketCounts()));
        body.put("cache_hits", t.cacheHits());
        body.put("cache_misses", t.cacheMisses());
        body.put("rate_limited", t.rateLimited());
        return ok(body);
    }

    // ---- helpers ----

    private Response write(String ifMatch, String action, int status, ConfigAdmin.DocumentEdit edit, EntityKind kind,
            String id) {
        try {
            ConfigAdmin.Outcome outcome = config.edit(ifMatch, who(), action, edit);
            if (status == 204 || kind == null) {
                return tagged(status == 204 ? Response.noContent() : Response.status(status)
                        .type(MediaType.APPLICATION_JSON).entity(summary(outcome).toString()));
            }
            DeclarativeDocument doc = config.document();
            ObjectNode view = doc.find(kind, id).map(doc::view).orElse(JSON.createObjectNode());
            return outcome(outcome, status, view);
        } catch (AdminException e) {
            return error(e);
        }
    }

    /** Answers from the running configuration, secrets redacted. */
    private Response read(Reader reader) {
        try {
            return reader.answer(config.document());
        } catch (AdminException e) {
            return error(e);
        }
    }

    @FunctionalInterface
    private interface Reader {
        Response answer(DeclarativeDocument doc) throws AdminException;
    }

    private Response outcome(ConfigAdmin.Outcome outcome, int status, ObjectNode body) {
        ObjectNode out = body != null ? body : summary(outcome);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(out.toString())
                .tag(outcome.config().hash()).build();
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
    private static ObjectNode object(String text) throws AdminException {
        try {
            JsonNode tree = text == null || text.isBlank() ? null : JSON.readTree(text);
            if (tree instanceof ObjectNode o) {
                return o;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AdminException(400, "malformed JSON: " + e.getOriginalMessage());
        }
        throw new AdminException(400, "the body must be a JSON object");
    }

    /**
     * Entity names and ids in a path are checked before use: JAX-RS decodes {@code %2F} and
     * {@code %2E%2E} into a parameter, and no valid entity is called that (see {@link EntityNames}).
     */
    private static void checkIds(String... ids) throws AdminException {
        for (String id : ids) {
            String problem = EntityNames.pathProblem(id);
            if (problem != null) {
                throw new AdminException(400, problem);
            }
        }
    }

    private Response refused(String... ids) {
        try {
            checkIds(ids);
            return null;
        } catch (AdminException e) {
            return error(e);
        }
    }

    private static String nameOf(EntityKind k, ObjectNode body) {
        String id = DeclarativeDocument.idOf(k, body);
        return id == null ? "?" : id;
    }

    private static EntityKind kind(String kind) {
        return EntityKind.valueOf(kind.toUpperCase(Locale.ROOT));
    }

    private UpstreamPool pool(String name) {
        return runtime.snapshot().upstreams().pools().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    private AdminIdentity who() {
        return AdminIdentity.of(request);
    }

    private Response page(ArrayNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        body.putNull("next");
        return ok(body);
    }

    private Response ok(JsonNode body) {
        return tagged(Response.ok(body.toString(), MediaType.APPLICATION_JSON_TYPE));
    }

    private Response tagged(Response.ResponseBuilder builder) {
        return builder.tag(config.running().hash()).build();
    }

    private Response notFound() {
        return error(new AdminException(404, "Not found"));
    }

    private Response error(AdminException e) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", e.getMessage());
        if (e.status == 400 && !e.fields.isEmpty()) {
            body.put("name", "schema violation");
            body.set("fields", JSON.valueToTree(e.fields));
        }
        if (e.details != null) {
            body.set("errors", JSON.valueToTree(e.details));
        }
        RequestContext context = RequestContext.of(request);
        if (context != null) {
            body.put("request_id", context.requestId());
        }
        return tagged(Response.status(e.status).type(MediaType.APPLICATION_JSON).entity(body.toString()));
    }
}
