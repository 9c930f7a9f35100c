package com.gitinsight.gateway.proxy;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * The catch-all JAX-RS resource: every path not under {@code /_gateway} is routed and proxied.
 * The body parameter is the raw entity stream, handed on without buffering.
 */
@Path("/")
public final class ProxyResource {

    private final ProxyEngine engine;
    private final CurrentRequest current;

    /** One instance for the application (see {@link GatewayApplication}): nothing is built per request. */
    public ProxyResource(ProxyEngine engine, CurrentRequest current) {
        this.engine = engine;
        this.current = current;
    }

    // GET and HEAD declare no entity (JAX-RS expects none); a body, if sent, is read from the
    // servlet request, which JAX-RS has not touched.
    @GET
    @Path("{any: .*}")
    public Response get() throws IOException {
        Exchange exchange = current.get();
        return engine.handle(exchange, exchange.request().getInputStream());
    }

    @HEAD
    @Path("{any: .*}")
    public Response head() throws IOException {
        Exchange exchange = current.get();
        return engine.handle(exchange, exchange.request().getInputStream());
    }

    @POST
    @Path("{any: .*}")
    public Response post(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @PUT
    @Path("{any: .*}")
    public Response put(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @DELETE
    @Path("{any: .*}")
    public Response delete(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @PATCH
    @Path("{any: .*}")
    public Response patch(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @OPTIONS
    @Path("{any: .*}")
    public Response options(InputStream body) {
        return engine.handle(current.get(), body);
    }
}
