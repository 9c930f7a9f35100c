package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.LimitedInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every error the JAX-RS layer raises leaves as Kong-style JSON rather than the server's HTML page:
 * JAX-RS's own answers (405 for a method no route can take, ...) keep their status; anything
 * unexpected is a logged 500.
 */
@Provider
public final class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());
    static final String UNEXPECTED = "An unexpected error occurred";

    /** A proxy to the current request (Jersey's, safe in a singleton provider). */
    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof WebApplicationException web) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            return ErrorResponses.json(request, status.getStatusCode(), status.getReasonPhrase());
        }
        LimitedInputStream.TooLarge tooLarge = cause(error, LimitedInputStream.TooLarge.class);
        if (tooLarge != null) {
            return ErrorResponses.json(request, 413, tooLarge.getMessage());
        }
        if (causedByIo(error)) {
            // A client that went away or an upstream that broke mid-body: routine, not a bug.
            LOG.log(Level.FINE, "I/O failure while streaming a response", error);
            return ErrorResponses.nginx(request, 502, ErrorResponses.BAD_GATEWAY);
        }
        LOG.log(Level.SEVERE, "unexpected error while handling a request", error);
        return ErrorResponses.json(request, 500, UNEXPECTED);
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean causedByIo(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
