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
        return extension(body);
    }

    @ExtensionMethods.PROPFIND
    @Path("{any: .*}")
    public Response propfind(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.PROPPATCH
    @Path("{any: .*}")
    public Response proppatch(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.MKCOL
    @Path("{any: .*}")
    public Response mkcol(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.COPY
    @Path("{any: .*}")
    public Response copy(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.MOVE
    @Path("{any: .*}")
    public Response move(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.LOCK
    @Path("{any: .*}")
    public Response lock(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.UNLOCK
    @Path("{any: .*}")
    public Response unlock(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.REPORT
    @Path("{any: .*}")
    public Response report(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.SEARCH
    @Path("{any: .*}")
    public Response search(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.MKCALENDAR
    @Path("{any: .*}")
    public Response mkcalendar(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.LINK
    @Path("{any: .*}")
    public Response link(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.UNLINK
    @Path("{any: .*}")
    public Response unlink(InputStream body) {
        return extension(body);
    }

    @ExtensionMethods.QUERY
    @Path("{any: .*}")
    public Response query(InputStream body) {
        return extension(body);
    }

    /**
     * An extension method goes on only where the route names it in {@code methods}: COPY and
     * MOVE carry a Destination the gateway does not map into the service's paths, and PURGE
     * reaches caches that trust the gateway's address, so no route gets them unasked.
     */
    private Response extension(InputStream body) {
        Exchange exchange = current.get();
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.of(exchange.request());
        if (context != null
                && context.match() != null
                && !context.match()
                        .route()
                        .methods()
                        .contains(exchange.request().getMethod())) {
            return com.gitinsight.gateway.http.ErrorResponses.json(exchange.request(), 405, "Method Not Allowed");
        }
        return engine.handle(exchange, body);
    }
}
