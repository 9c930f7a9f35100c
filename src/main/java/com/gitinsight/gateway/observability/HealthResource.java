package com.gitinsight.gateway.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.logging.FileLogWriters;
import com.gitinsight.gateway.logging.HttpLogQueues;
import com.gitinsight.gateway.messaging.EvictionListener;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.GatewayVersion;
import com.gitinsight.gateway.store.PostgresStore;
import com.gitinsight.gateway.tracing.Tracers;
import com.gitinsight.gateway.upstream.TargetHealth;
import com.gitinsight.gateway.upstream.TargetStatus;
import com.gitinsight.gateway.upstream.UpstreamPool;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code /_gateway/health} with MicroProfile Health's semantics and JSON: {@code /live} (the
 * gateway runs), {@code /ready} (a configuration is loaded; each declared upstream has a healthy
 * target, one check per upstream; the eviction events' subscription is reported but never fails
 * readiness: without it the cache only trusts its entries for less time), {@code /started}, and
 * the root with every check. 200 when UP, 503 when DOWN.
 */
@Path("_gateway/health")
public class HealthResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = GatewayVersion.value();

    @Inject
    GatewayRuntime runtime;

    @Inject
    EvictionListener eviction;

    @Inject
    Observers observers;

    @Inject
    FileLogWriters fileLogs;

    @Inject
    AccessLog accessLog;

    @Inject
    HttpLogQueues httpLogs;

    @Inject
    Tracers tracers;

    /** Jersey's proxy to the current request. */
    @Context
    HttpServletRequest request;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response all() {
        return answer(this::live, this::ready, this::started);
    }

    @GET
    @Path("live")
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        return answer(this::live);
    }

    @GET
    @Path("ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        return answer(this::ready);
    }

    @GET
    @Path("started")
    @Produces(MediaType.APPLICATION_JSON)
    public Response started() {
        return answer(this::started);
    }

    /**
     * Every check's details for the observers' networks; anyone else gets only the verdict
     * (the configuration's path and errors, upstream names and broker errors stay inside).
     */
    @SafeVarargs
    private Response answer(Consumer<ArrayNode>... groups) {
        ArrayNode checks = JSON.createArrayNode();
        for (Consumer<ArrayNode> g : groups) {
            g.accept(checks);
        }
        boolean up = true;
        for (JsonNode c : checks) {
            up &= "UP".equals(c.get("status").asText());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("status", up ? "UP" : "DOWN");
        body.set("checks", observers.mayObserve(request) ? checks : JSON.createArrayNode());
        return Response.status(up ? 200 : 503)
                .type(MediaType.APPLICATION_JSON)
                .entity(body.toString())
                .build();
    }

    private static ObjectNode check(ArrayNode checks, String name, boolean up) {
        ObjectNode c = checks.addObject();
        c.put("name", name);
        c.put("status", up ? "UP" : "DOWN");
        return c.putObject("data");
    }

    private void live(ArrayNode checks) {
        check(checks, "gateway", true).put("version", VERSION);
    }

    private void started(ArrayNode checks) {
        check(checks, "gateway-started", runtime.snapshot() != null);
    }

    private void ready(ArrayNode checks) {
        GatewaySnapshot snapshot = runtime.snapshot();
        ObjectNode config = check(checks, "config", snapshot != null);
        configStore(checks);
        if (snapshot == null) {
            return;
        }
        config.put("hash", snapshot.config().hash());
        config.put("source", snapshot.config().source());
        config.put("loaded_at", snapshot.loadedAt().toString());
        String pending = runtime.pendingError();
        if (pending != null) {
            config.put("error", pending);
        }
        Set<String> declared = new HashSet<>();
        snapshot.config().upstreams().forEach(u -> declared.add(u.name()));
        for (UpstreamPool pool : snapshot.upstreams().pools()) {
            if (!declared.contains(pool.name())) {
                continue;
            }
            List<TargetStatus> targets = pool.status();
            // A name the gateway's resolver never answered still counts: it is tried by name, which
            // the system resolver may answer (helper review 248).
            long healthy = targets.stream()
                    .filter(t -> t.state() == TargetHealth.State.HEALTHY)
                    .count();
            ObjectNode data = check(checks, "upstream:" + pool.name(), healthy > 0);
            data.put("healthy_targets", healthy);
            data.put("targets", targets.size());
        }
        shipping(checks);
        EvictionListener.Status e = eviction.status();
        if (e.configured()) {
            ObjectNode data = check(checks, "eviction-events", true);
            data.put("connected", e.connected());
            data.put("since", e.since().toString());
            if (e.lastError() != null) {
                data.put("last_error", e.lastError());
            }
        }
    }

    /**
     * A fleet's configuration store: UP while it answers; {@code degraded} while it does not (the node
     * keeps serving its last configuration, so it stays ready; a node that never loaded one is not
     * ready through the {@code config} check).
     */
    private void configStore(ArrayNode checks) {
        if (!runtime.storeConfigured()) {
            return;
        }
        PostgresStore store = runtime.store();
        boolean reachable = store != null && store.available();
        ObjectNode data = check(checks, "config-store", true);
        data.put("store", runtime.storeDescription());
        data.put("degraded", !reachable);
        data.put("version", runtime.runningVersion());
        if (runtime.newestVersion() != runtime.runningVersion()) {
            data.put("newest_version", runtime.newestVersion()); // refused as invalid: see the config check
        }
        if (store != null) {
            data.put("since", store.since().toString());
            if (store.lastError() != null) {
                data.put("last_error", store.lastError());
            }
        } else {
            data.put("last_error", "not reached yet");
        }
    }

    /**
     * Where logs and traces go (file-log, http-log, opentelemetry): never DOWN (a log sink failing
     * must not take the node out of rotation), {@code degraded} with the counts when entries are lost.
     */
    private void shipping(ArrayNode checks) {
        if (accessLog.enabled()) {
            ObjectNode data = check(checks, "access-log:" + accessLog.file().orElse(""), true);
            data.put("degraded", accessLog.failing());
            data.put("dropped", accessLog.dropped());
            String error = accessLog.lastError();
            if (error != null) {
                data.put("last_error", error);
            }
        }
        for (FileLogWriters.Status f : fileLogs.status()) {
            ObjectNode data = check(checks, "file-log:" + f.path(), true);
            data.put("degraded", f.failing());
            data.put("written", f.written());
            data.put("lost", f.lost());
            if (f.lastError() != null) {
                data.put("last_error", f.lastError());
                data.put("last_error_at", f.lastErrorAt().toString());
            }
        }
        for (HttpLogQueues.Status q : httpLogs.status()) {
            ObjectNode data = check(checks, "http-log:" + q.endpoint(), true);
            data.put("degraded", q.lastError() != null);
            data.put("waiting", q.waiting());
            data.put("sent", q.sent());
            data.put("dropped", q.dropped());
            data.put("lost", q.lost());
            data.put("failed_sends", q.failedSends());
            if (q.lastError() != null) {
                data.put("last_error", q.lastError());
            }
        }
        for (Tracers.Status t : tracers.status()) {
            ObjectNode data = check(checks, "opentelemetry:" + t.endpoint(), true);
            data.put("degraded", t.lastError() != null);
            data.put("exported", t.exported());
            data.put("dropped", t.dropped());
            data.put("lost", t.lost());
            data.put("failed_sends", t.failedSends());
            if (t.lastError() != null) {
                data.put("last_error", t.lastError());
            }
        }
    }

    /** The gateway's version, from the build. */
    public static String version() {
        return VERSION;
    }
}
