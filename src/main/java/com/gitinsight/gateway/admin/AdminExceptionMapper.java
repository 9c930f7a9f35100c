package com.gitinsight.gateway.admin;

import com.gitinsight.gateway.http.ErrorResponses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An admin request that cannot be done ({@link AdminException}, thrown by the admin resources):
 * its status, Kong's error body ({@code message}; for a schema violation {@code name} and
 * {@code fields}; each error's place in the file as {@code errors}; the request id) and the
 * running configuration's hash as its {@code ETag}.
 */
@Provider
@ApplicationScoped
public class AdminExceptionMapper implements ExceptionMapper<AdminException> {

    @Inject
    ConfigAdmin config;

    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(AdminException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        // Kong's err_t codes and names (kong/db/errors.lua), which its admin clients read.
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e.status == 400 && !e.fields.isEmpty()) {
            // The whole file (POST /config) is Kong's declarative error; an entity's, a schema violation.
            boolean declarative = request != null && request.getRequestURI().endsWith("/_gateway/admin/config");
            body.put("code", declarative ? 14 : 2);
            body.put("name", declarative ? "invalid declarative configuration" : "schema violation");
        } else if (e.status == 409 && message.startsWith("UNIQUE violation")) {
            body.put("code", 5);
            body.put("name", "unique constraint violation");
        }
        body.put("message", e.getMessage());
        if (e.status == 400 && !e.fields.isEmpty()) {
            body.put("fields", AdminReplies.JSON.valueToTree(e.fields));
        }
        if (e.details != null) {
            body.put("errors", AdminReplies.JSON.valueToTree(e.details));
        }
        return AdminReplies.tagged(
                config,
                Response.status(e.status)
                        .type(MediaType.APPLICATION_JSON)
                        .entity(ErrorResponses.body(body, com.gitinsight.gateway.runtime.RequestIds.of(request))));
    }
}
