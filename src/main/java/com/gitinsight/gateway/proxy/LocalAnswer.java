package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * An answer the gateway makes itself rather than a backend (a refusal, no target, a failed
 * exchange): the status, the Kong-style message, and the seconds after which the client may come
 * back ({@code Retry-After}), or {@link #NO_RETRY_AFTER}. One decision, written as a JAX-RS
 * response for HTTP or from the WebSocket filter before any upgrade.
 */
record LocalAnswer(int status, String message, long retryAfterSeconds, boolean upstreamFailure) {

    static final long NO_RETRY_AFTER = -1;

    LocalAnswer(int status, String message, long retryAfterSeconds) {
        this(status, message, retryAfterSeconds, false);
    }

    static LocalAnswer of(int status, String message) {
        return new LocalAnswer(status, message, NO_RETRY_AFTER);
    }

    /**
     * A 502 or 504 for a backend that did not answer: in Kong nginx's own error, answered by
     * {@code kong/error_handlers.lua} (its format from Accept, else Content-Type, else Kong's
     * {@code error_default_type}, plain text), not {@code kong.response.error}'s JSON default.
     */
    static LocalAnswer upstreamFailure(int status, String message) {
        return new LocalAnswer(status, message, NO_RETRY_AFTER, true);
    }

    Response response(HttpServletRequest request) {
        if (upstreamFailure) {
            return ErrorResponses.nginx(request, status, message);
        }
        return retryAfterSeconds == NO_RETRY_AFTER
                ? ErrorResponses.json(request, status, message)
                : ErrorResponses.json(request, status, message, retryAfterSeconds);
    }

    void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (upstreamFailure) {
            ErrorResponses.writeNginx(request, response, status, message);
        } else if (retryAfterSeconds == NO_RETRY_AFTER) {
            ErrorResponses.write(request, response, status, message);
        } else {
            ErrorResponses.write(request, response, status, message, "Retry-After", Long.toString(retryAfterSeconds));
        }
    }
}
