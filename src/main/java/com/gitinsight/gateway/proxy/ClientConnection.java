package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.ContainerReflection;
import jakarta.servlet.ServletRequest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Closes the client's connection in the middle of a response, so that the client sees it cut (no
 * final chunk, fewer bytes than its Content-Length) rather than a short body that looks whole.
 * The Servlet API has no abort: an exception from a committed JAX-RS entity is logged by Jersey,
 * which then closes the stream, and the container ends the response cleanly (Payara's host valve
 * too, for an exception leaving the servlet). So this reaches the container's connection by
 * reflection: Payara's and GlassFish's (Grizzly) and WildFly's (Undertow); elsewhere it logs that
 * it could not. HTTP/1.x only: on HTTP/2 the connection carries the client's other streams.
 */
final class ClientConnection {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class.getName());

    private ClientConnection() {}

    /** Whether the connection was closed. */
    static boolean abort(ServletRequest request) {
        if (!request.getProtocol().startsWith("HTTP/1.")) {
            LOG.log(
                    Level.WARNING,
                    "a {0} response was cut by its backend; its stream is left to end as it will",
                    request.getProtocol());
            return false;
        }
        return close(ContainerReflection.unwrapped(request));
    }

    /** Closes the connection of the container's own request object; whether it could. */
    static boolean close(Object containerRequest) {
        try {
            if (has(containerRequest, "getUnwrappedCoyoteRequest")) {
                // Payara/GlassFish: facade -> Catalina request -> Grizzly request -> Grizzly connection,
                // terminated at once, so no pending write (the final chunk) goes out after it.
                Object grizzly = call(call(containerRequest, "getUnwrappedCoyoteRequest"), "getCoyoteRequest");
                call(call(grizzly, "getConnection"), "terminateSilently");
                return true;
            }
            if (has(containerRequest, "getExchange")) {
                // Undertow: request -> HttpServerExchange -> ServerConnection.
                call(call(call(containerRequest, "getExchange"), "getConnection"), "close");
                return true;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not close the client connection of a response its backend cut", e);
            return false;
        }
        LOG.log(
                Level.WARNING,
                "cannot close client connections on {0}: a response its backend cut may reach the "
                        + "client looking whole",
                containerRequest.getClass().getName());
        return false;
    }

    /**
     * Whether the request's connection is already closed: a request the client pipelined behind
     * one the gateway answered with {@code Connection: close} (a refused head, TRACE, a client's
     * own close). Grizzly closes after that answer but still hands over what it had read (helper
     * review 258: a DELETE sent behind a refused head reached its backend); nginx reads no further
     * (RFC 9112 9.6). Unknown (another container, a reflection failure): false.
     */
    static boolean closed(ServletRequest request) {
        Object containerRequest = ContainerReflection.unwrapped(request);
        try {
            if (has(containerRequest, "getUnwrappedCoyoteRequest")) {
                Object grizzly = call(call(containerRequest, "getUnwrappedCoyoteRequest"), "getCoyoteRequest");
                return Boolean.FALSE.equals(call(call(grizzly, "getConnection"), "isOpen"));
            }
            if (has(containerRequest, "getExchange")) {
                return Boolean.FALSE.equals(
                        call(call(call(containerRequest, "getExchange"), "getConnection"), "isOpen"));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static boolean has(Object target, String method) {
        return ContainerReflection.method(target, method) != null;
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return ContainerReflection.call(target, method);
    }
}
