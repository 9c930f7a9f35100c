package com.gitinsight.gateway.admin;

import com.gitinsight.gateway.http.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/** An admin read while no configuration runs on this node: 503 with what to do, never a 500. */
@Provider
public class NotRunningMapper implements ExceptionMapper<ConfigAdmin.NotRunning> {

    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(ConfigAdmin.NotRunning e) {
        return Response.status(503)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponses.body(
                        Map.of("message", e.getMessage()), com.gitinsight.gateway.runtime.RequestIds.of(request)))
                .build();
    }
}
