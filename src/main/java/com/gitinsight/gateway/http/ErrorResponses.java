package com.gitinsight.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Kong-style error bodies: JSON {@code {"message": "..."}} with the status that says what happened,
 * and the request's {@code request_id}. The gateway's error bodies are built here ({@link
 * #body(Map, String)} for the few with other fields: the jwt plugin's claim errors, the admin API's).
 */
public final class ErrorResponses {

    public static final String NO_ROUTE = "no Route matched with those values";
    /** Kong's answer (503) for a route without a service, once its plugins have run. */
    public static final String NO_SERVICE = "no Service found with those values";

    public static final String BAD_GATEWAY = "An invalid response was received from the upstream server";
    public static final String TIMEOUT = "The upstream server is timing out";
    public static final String NO_PEER = "failure to get a peer from the ring-balancer";
    public static final String NAME_RESOLUTION = "name resolution failed";
    public static final String TOO_LARGE = "Request size limit exceeded";
    public static final String CLIENT_BODY = "The request body could not be read";
    /** Kong's error handler's 408 (nginx's client_body_timeout). */
    public static final String CLIENT_TIMEOUT = "Request timeout";

    public static final String BREAKER_OPEN = "The upstream service is unavailable (circuit breaker open)";
    public static final String AT_CAPACITY = "The upstream service has too many requests in flight";
    public static final String NO_CONNECTION = "Every connection to the upstream target is in use";

    /** Its generators write strings directly, and JSON trees or maps (admin errors' fields) too. */
    private static final JsonFactory JSON = new ObjectMapper().getFactory();

    /**
     * The status of a body over request-size-limiting's limit: Kong's 417 when the client sent
     * {@code Expect: 100-continue} (it waited to be told), else 413.
     */
    public static int tooLargeStatus(String expect) {
        return expect != null && expect.trim().equalsIgnoreCase("100-continue") ? 417 : 413;
    }

    private ErrorResponses() {}

    public static Response json(RequestContext context, int status, String message) {
        return json(id(context), (String) null, status, message);
    }

    /**
     * As {@link #json(RequestContext, int, String)}, for a request that may have no context yet,
     * in the format its {@code Accept} asks for (Kong's {@code kong.response.error}).
     */
    public static Response json(HttpServletRequest request, int status, String message) {
        return json(RequestIds.of(request), request.getHeader("Accept"), status, message);
    }

    /**
     * An error nginx itself makes in Kong (a backend that did not answer), as
     * {@code kong/error_handlers.lua} formats it: from Accept, else the request's Content-Type,
     * else plain text (Kong's {@code error_default_type}).
     */
    public static Response nginx(HttpServletRequest request, int status, String message) {
        return json(RequestIds.of(request), ErrorFormat.ofNginx(request), status, message);
    }

    /** As {@link #nginx}, from a servlet filter. */
    public static void writeNginx(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        ErrorFormat format = ErrorFormat.ofNginx(request);
        send(request, response, status, format.contentType(), format.body(message, RequestIds.of(request)));
    }

    private static Response json(String requestId, String accept, int status, String message) {
        return json(requestId, ErrorFormat.of(accept), status, message);
    }

    private static Response json(String requestId, ErrorFormat format, int status, String message) {
        byte[] bytes = format.body(message, requestId).getBytes(StandardCharsets.UTF_8);
        return Response.status(status)
                .header("Content-Type", format.contentType()) // as Kong spells it; MediaType drops the space
                .header("Content-Length", bytes.length)
                .entity(bytes)
                .build();
    }

    /** A 503 (or 429) that tells the client when to come back. */
    public static Response json(HttpServletRequest request, int status, String message, long retryAfterSeconds) {
        ErrorFormat format = ErrorFormat.of(request.getHeader("Accept"));
        byte[] bytes = format.body(message, RequestIds.of(request)).getBytes(StandardCharsets.UTF_8);
        return Response.status(status)
                .header("Content-Type", format.contentType()) // as Kong spells it; MediaType drops the space
                .header("Content-Length", bytes.length)
                .header("Retry-After", retryAfterSeconds)
                .entity(bytes)
                .build();
    }

    /**
     * Writes a JSON error from a servlet filter (the request never reaches JAX-RS). {@code headers}
     * are name/value pairs.
     */
    public static void write(
            HttpServletRequest request, HttpServletResponse response, int status, String message, String... headers)
            throws IOException {
        ErrorFormat format = ErrorFormat.of(request.getHeader("Accept"));
        send(request, response, status, format.contentType(), format.body(message, RequestIds.of(request)), headers);
    }

    /**
     * Writes an error whose body is {@code fields} and nothing more, from a servlet filter: Kong's
     * {@code kong.response.exit} with a table (the jwt plugin's answers, a failing claim each named),
     * which adds no {@code request_id} as {@code kong.response.error} does.
     */
    public static void write(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            Map<String, ?> fields,
            String... headers)
            throws IOException {
        // A body of fields is a JSON document whatever Accept says (Kong's kong.response.exit with a table).
        send(request, response, status, ErrorFormat.JSON.contentType(), body(fields, null), headers);
    }

    private static void send(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            String contentType,
            String body,
            String... headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        if (!StatusReasons.containerNames(status)) {
            // Also where no exchange wraps the response yet (the chain head's own refusals: 426).
            StatusReasons.write(request, status, StatusReasons.nginx(status));
        }
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            response.setHeader(headers[i], headers[i + 1]);
        }
        response.getOutputStream().write(bytes);
    }

    private static String id(RequestContext context) {
        return context != null ? context.requestId() : RequestIds.next();
    }

    public static String body(String message, String requestId) {
        StringWriter out = new StringWriter(message.length() + 64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("message", message);
            g.writeStringField("request_id", requestId);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * An error body with other fields than the message alone: {@code fields} in their order (a
     * {@code message} among them where there is one), then {@code request_id} unless it is null.
     * A value is a string, null, or anything Jackson writes (a JSON tree, a map).
     */
    public static String body(Map<String, ?> fields, String requestId) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                if (field.getValue() == null || field.getValue() instanceof String) {
                    g.writeStringField(field.getKey(), (String) field.getValue());
                } else {
                    g.writeObjectField(field.getKey(), field.getValue());
                }
            }
            if (requestId != null) {
                g.writeStringField("request_id", requestId);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
