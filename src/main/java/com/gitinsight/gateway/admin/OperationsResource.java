package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.checkIds;
import static com.gitinsight.gateway.admin.AdminReplies.ok;
import static com.gitinsight.gateway.admin.AdminReplies.tagged;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.cache.PathPattern;
import com.gitinsight.gateway.cache.ResponseCache;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.upstream.ServiceGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Operations on the running gateway, each audited: a circuit breaker's reset, cache purges, a reload from the file. */
@Path("_gateway/admin")
@ApplicationScoped
@AdminOnly
public class OperationsResource {

    @Inject
    ConfigAdmin config;

    @Inject
    GatewayRuntime runtime;

    @Inject
    ResponseCache cache;

    @Context
    HttpServletRequest request;

    @POST
    @Path("services/{s}/circuit-breaker/reset")
    public Response resetBreaker(@PathParam("s") String service) throws AdminException {
        checkIds(service);
        ServiceGuard guard = runtime.snapshot().guards().get(service);
        if (guard == null) {
            throw AdminReplies.notFound();
        }
        guard.reset();
        config.operation(AdminIdentity.of(request), "reset the circuit breaker of " + service, null);
        return ok(config, JSON.createObjectNode().put("service", service)
                .put("circuit_breaker", guard.status().breakerState()));
    }

    @DELETE
    @Path("proxy-cache")
    public Response purge(@QueryParam("pattern") String pattern) throws AdminException {
        ObjectNode body = JSON.createObjectNode();
        if (pattern != null && !pattern.isBlank()) {
            PathPattern compiled;
            try {
                compiled = PathPattern.compile(pattern);
            } catch (IllegalArgumentException e) {
                throw new AdminException(400, "invalid pattern: " + e.getMessage());
            }
            body.put("purged", cache.purge(compiled)).put("pattern", pattern);
        } else {
            long n = cache.size();
            cache.purgeAll();
            body.put("purged", n);
        }
        config.operation(AdminIdentity.of(request), "purged the cache" + (pattern == null ? "" : " for " + pattern),
                body.deepCopy());
        return ok(config, body);
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

    /** A file that does not validate leaves the running configuration as it is: 400 with the file's error. */
    @POST
    @Path("reload")
    public Response reload() {
        runtime.reloadNow();
        String error = runtime.pendingError();
        config.operation(AdminIdentity.of(request), "requested a reload from the file", null);
        if (error == null) {
            return ok(config, JSON.createObjectNode().put("hash", config.running().hash()).put("error", error));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hash", config.running().hash());
        body.put("error", error);
        body.put("message", "the file on disk is not valid; the running configuration stays");
        return tagged(config, Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponses.body(body, null)));
    }
}
