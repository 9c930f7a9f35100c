package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.ok;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.observability.GatewayMetrics;
import com.gitinsight.gateway.observability.HealthResource;
import com.gitinsight.gateway.observability.StatusResource;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * The admin API, {@code /_gateway/admin/}: Kong's Admin API shapes ({@code /services},
 * {@code /routes}, {@code /upstreams/{u}/targets}, {@code /consumers}, {@code /plugins},
 * DB-less {@code POST /config}) over the declarative file, plus the live state and operations.
 * {@link AdminGuard} has already authenticated the caller ({@link AdminOnly} binds it to every admin
 * resource). Every response carries the running configuration's hash as its {@code ETag}; writes
 * honour {@code If-Match}; errors are {@link AdminException}s ({@link AdminExceptionMapper}).
 *
 * <p>One resource per part, all at {@code _gateway/admin}: this one (the gateway, its status and the
 * console's live figures), {@link ConfigResource} (the declarative configuration as a whole),
 * {@link EntitiesResource}, {@link TargetsResource} (upstream targets with live health),
 * {@link OperationsResource} (breaker reset, cache purges, reload) and {@link HistoryResource}
 * (backups, audit, rollback).
 */
@Path("_gateway/admin")
@ApplicationScoped
@AdminOnly
public class AdminResource {

    @Inject
    ConfigAdmin config;

    @Inject
    GatewayRuntime runtime;

    @Inject
    StatusResource status;

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
}
