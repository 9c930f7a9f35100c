package com.gitinsight.gateway.proxy;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * The catch-all JAX-RS resource: every path not under {@code /_gateway} is routed and proxied.
 * The body parameter is the raw entity stream, handed on without buffering.
 */
@Path("/")
public class ProxyResource {

    @Inject
    ProxyEngine engine;

    @GET
    @Path("{any: .*}")
    public Response get(@Context HttpServletRequest request, InputStream body) {
        return engine.handle(request, body);
    }

    @HEAD
    @Path("{any: .*}")
    public Response head(@Context HttpServletRequest request, InputStream body) {
        return engine.handle(request, body);
    }

    @POST
    @Path("{any: .*}")
    public Response post(@Context HttpServletRequest request, InputStream body) {
        return engine.handle(request, body);
    }

    @PUT
    @Path("{any: .*}")
    public Response put(@Context HttpServletRequest request, InputStream body) {
        return engine.handle(request, body);
    }

    @DELETE
    @Path("{any: .*}")
    public Response delete(@Context HttpServletRequest request, InputStream body) {
        return engine.handle(request, body);
    }

    @PATCH
    @Path("{any: .*}")
    public Response patch(@Context HttpServletRequest request, InputStream body) {
        return engine.handle(request, body);
    }

    @OPTIONS
    @Path("{any: .*}")
    public Response options(@Context HttpServletRequest request, InputStream body) {
        return engine.handle(request, body);
    }
}
