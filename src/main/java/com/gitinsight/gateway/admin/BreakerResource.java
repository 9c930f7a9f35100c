package com.gitinsight.gateway.admin;

import static com.gitinsight.gateway.admin.AdminReplies.JSON;
import static com.gitinsight.gateway.admin.AdminReplies.checkIds;
import static com.gitinsight.gateway.admin.AdminReplies.ok;

import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.upstream.ServiceGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/** A service's circuit breaker closed and its failures forgotten, audited (Kong has no such endpoint). */
@Path("_gateway/admin/services/{s}/circuit-breaker")
@ApplicationScoped
@AdminOnly
public class BreakerResource {

    @Inject
    ConfigAdmin config;

    @Inject
    GatewayRuntime runtime;

    @Context
    HttpServletRequest request;

    @POST
    @Path("reset")
    public Response resetBreaker(@PathParam("s") String service) throws AdminException {
        checkIds(service);
        ServiceGuard guard = ConfigAdmin.running(runtime).guards().get(service);
        if (guard == null) {
            throw AdminReplies.notFound();
        }
        guard.reset();
        config.operation(AdminIdentity.of(request), "reset the circuit breaker of " + service, null);
        return ok(
                config,
                JSON.createObjectNode()
                        .put("service", service)
                        .put("circuit_breaker", guard.status().breakerState()));
    }
}
