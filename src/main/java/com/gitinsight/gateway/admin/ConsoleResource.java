package com.gitinsight.gateway.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web console's files, {@code /_gateway/console/}, from {@code WEB-INF/console} in the WAR: no
 * CDN, nothing fetched at run time. The console is static; its data comes from the admin API.
 */
@Path("_gateway/console")
@ApplicationScoped
@AdminOnly
public class ConsoleResource {

    private static final Pattern SAFE = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg|png)");
    private static final Map<String, String> TYPES = Map.of(
            "html",
            "text/html; charset=utf-8",
            "js",
            "text/javascript; charset=utf-8",
            "css",
            "text/css; charset=utf-8",
            "svg",
            "image/svg+xml",
            "png",
            "image/png");
    /** Only the console's own scripts and styles; no inline script, no third-party origin. */
    private static final String POLICY =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    @Context
    ServletContext servlet;

    @GET
    public Response index() {
        return file("index.html");
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String name) {
        if (!SAFE.matcher(name).matches()) {
            return Response.status(404).build();
        }
        InputStream in = servlet.getResourceAsStream("/WEB-INF/console/" + name);
        if (in == null) {
            return Response.status(404).build();
        }
        return Response.ok(in, TYPES.get(name.substring(name.lastIndexOf('.') + 1)))
                .header("Content-Security-Policy", POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
