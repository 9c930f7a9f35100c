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

    @ExtensionMethods.PURGE
    @Path("{any: .*}")
    public Response purge(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.PROPFIND
    @Path("{any: .*}")
    public Response propfind(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.PROPPATCH
    @Path("{any: .*}")
    public Response proppatch(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.MKCOL
    @Path("{any: .*}")
    public Response mkcol(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.COPY
    @Path("{any: .*}")
    public Response copy(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.MOVE
    @Path("{any: .*}")
    public Response move(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.LOCK
    @Path("{any: .*}")
    public Response lock(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.UNLOCK
    @Path("{any: .*}")
    public Response unlock(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.REPORT
    @Path("{any: .*}")
    public Response report(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.SEARCH
    @Path("{any: .*}")
    public Response search(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.MKCALENDAR
    @Path("{any: .*}")
    public Response mkcalendar(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.LINK
    @Path("{any: .*}")
    public Response link(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.UNLINK
    @Path("{any: .*}")
    public Response unlink(InputStream body) {
        return engine.handle(current.get(), body);
    }

    @ExtensionMethods.QUERY
    @Path("{any: .*}")
    public Response query(InputStream body) {
        return engine.handle(current.get(), body);
    }
}
