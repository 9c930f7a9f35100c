package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.ok;
import static com.gitinsight.gateway.admin.AdminReplies.tagged;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.cache.CachedResponse;
import com.gitinsight.gateway.cache.PathPattern;
import com.gitinsight.gateway.cache.ProxyCacheSchema;
import com.gitinsight.gateway.cache.ResponseCache;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.observability.GatewayMetrics;
import com.gitinsight.gateway.observability.HealthResource;
import com.gitinsight.gateway.observability.StatusResource;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin API, {@code /_gateway/admin/}: Kong's Admin API shapes ({@code /services},
 * {@code /routes}, {@code /upstreams/{u}/targets}, {@code /consumers}, {@code /plugins},
 * DB-less {@code POST /config}) over the declarative file, plus the live state and operations.
 * {@link AdminGuard} has already authenticated the caller ({@link AdminOnly} binds it to every admin
 * resource). Every response carries the running configuration's hash as its {@code ETag}; writes
 * honour {@code If-Match}; errors are {@link AdminException}s ({@link AdminExceptionMapper}).
 *
 * <p>One resource per part, each at its own path (JAX-RS picks one class per request path, so two
 * classes at one path would hide each other's methods): this one at {@code _gateway/admin} (the
 * gateway, its status, the console's live figures, cache purges and reload), {@link ConfigResource}
 * ({@code /config}), {@link EntitiesResource} ({@code /services}, {@code /routes}, ...),
 * {@link TargetsResource} ({@code /upstreams/{u}/targets}), {@link BreakerResource}
 * ({@code /services/{s}/circuit-breaker}) and {@link HistoryResource} ({@code /history}).
 */
@Path("_gateway/admin")
@ApplicationScoped
@AdminOnly
public class AdminResource {

    /** A path pattern longer than any route path needs. */
    static final int MAX_PATTERN_CHARS = 2048;

    @Inject
    ConfigAdmin config;

    @Inject
    GatewayRuntime runtime;

    @Inject
    StatusResource status;

    @Inject
    GatewayMetrics metrics;

    @Inject
    ResponseCache cache;

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
        body.put("loaded_at", ConfigAdmin.running(runtime).loadedAt().toString());
        body.put("pending_error", runtime.pendingError());
        body.put("reloads", runtime.reloads());
        body.set("counts", JSON.valueToTree(running.counts()));
        AdminIdentity who = AdminIdentity.of(request);
        body.putObject("you").put("name", who.name()).put("via", who.method());
        return ok(config, body);
    }

    @GET
    @Path("status")
    public Response status() {
        return ok(config, status.report());
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
        return ok(config, body);
    }

    /**
     * Kong's {@code DELETE /proxy-cache}: every stored response, 204. With {@code ?pattern=} (this
     * gateway's own) only the paths it matches, 200 with how many.
     */
    @DELETE
    @Path("proxy-cache")
    public Response purge(@QueryParam("pattern") String pattern) throws AdminException {
        ObjectNode body = JSON.createObjectNode();
        if (pattern != null && !pattern.isBlank()) {
            if (pattern.length() > MAX_PATTERN_CHARS) {
                // Each purge is an audit line: 7,000-character patterns grew the log 14 KB a purge.
                throw new AdminException(400, "invalid pattern: longer than " + MAX_PATTERN_CHARS + " characters");
            }
            PathPattern compiled;
            try {
                compiled = PathPattern.compile(pattern);
            } catch (IllegalArgumentException e) {
                throw new AdminException(400, "invalid pattern: " + e.getMessage());
            }
            body.put("purged", cache.purge(compiled)).put("pattern", pattern);
            config.operation(AdminIdentity.of(request), "purged the cache for " + pattern, body.deepCopy());
            return ok(config, body);
        }
        long n = cache.size();
        cache.purgeAll();
        body.put("purged", n);
        config.operation(AdminIdentity.of(request), "purged the cache", body);
        return tagged(config, Response.noContent());
    }

    /** Kong's {@code GET /proxy-cache/{cache_key}}: the stored response (its X-Cache-Key), or 404. */
    @GET
    @Path("proxy-cache/{key}")
    public Response cached(@PathParam("key") String key) throws AdminException {
        CachedResponse entry = cache.get(key);
        if (entry == null) {
            throw AdminReplies.notFound();
        }
        // A stored answer may be one user's (keyed per consumer): who read it is on record.
        config.operation(AdminIdentity.of(request), "read cache key " + key, null);
        return ok(config, CachedEntryView.of(key, entry));
    }

    @DELETE
    @Path("proxy-cache/{key}")
    public Response purgeKey(@PathParam("key") String key) throws AdminException {
        if (!cache.purgeKey(key)) {
            throw AdminReplies.notFound();
        }
        config.operation(AdminIdentity.of(request), "purged cache key " + key, null);
        return tagged(config, Response.noContent());
    }

    /**
     * Kong's {@code GET /proxy-cache/{plugin_id}/caches/{cache_key}}: 404 when no proxy-cache plugin
     * has that id (its file id, or the name the admin API gives a plugin without one) or the key is
     * not stored. One store holds every instance's entries here, as Kong's memory strategy does
     * with one shared dictionary.
     */
    @GET
    @Path("proxy-cache/{plugin}/caches/{key}")
    public Response cachedBy(@PathParam("plugin") String plugin, @PathParam("key") String key) throws AdminException {
        proxyCachePlugin(plugin);
        return cached(key);
    }

    @DELETE
    @Path("proxy-cache/{plugin}/caches/{key}")
    public Response purgeKeyOf(@PathParam("plugin") String plugin, @PathParam("key") String key) throws AdminException {
        proxyCachePlugin(plugin);
        return purgeKey(key);
    }

    private void proxyCachePlugin(String id) throws AdminException {
        boolean found = config.document()
                .find(EntityKind.PLUGINS, id)
                .map(l -> l.node().path("name").asText().equals(ProxyCacheSchema.NAME))
                .orElse(false);
        if (!found) {
            throw AdminReplies.notFound();
        }
    }

    /** A file that does not validate leaves the running configuration as it is: 400 with the file's error. */
    @POST
    @Path("reload")
    public Response reload() {
        runtime.reloadNow();
        String error = runtime.pendingError();
        config.operation(AdminIdentity.of(request), "requested a reload from the file", null);
        if (error == null) {
            return ok(
                    config,
                    JSON.createObjectNode().put("hash", config.running().hash()).put("error", error));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hash", config.running().hash());
        body.put("error", error);
        body.put("message", "the file on disk is not valid; the running configuration stays");
        return tagged(
                config, Response.status(400).type(MediaType.APPLICATION_JSON).entity(ErrorResponses.body(body, null)));
    }
}
