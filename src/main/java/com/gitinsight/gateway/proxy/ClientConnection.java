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

    /** Grizzly's {@code AttributeHolder.getAttribute(String)}, per class, looked up once. */
    private static final ClassValue<java.lang.reflect.Method> GET_ATTRIBUTE = new ClassValue<>() {
        @Override
        protected java.lang.reflect.Method computeValue(Class<?> type) {
            return publicMethod(type, "getAttribute", String.class);
        }
    };

    private static final ClassValue<java.lang.reflect.Method> SET_ATTRIBUTE = new ClassValue<>() {
        @Override
        protected java.lang.reflect.Method computeValue(Class<?> type) {
            return publicMethod(type, "setAttribute", String.class, Object.class);
        }
    };

    /** The method as a public interface or class declares it (callable whatever the class's access). */
    private static java.lang.reflect.Method publicMethod(Class<?> type, String name, Class<?>... parameters) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                try {
                    return i.getMethod(name, parameters);
                } catch (NoSuchMethodException e) {
                    // not this one
                }
            }
        }
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The connection attribute that marks a connection the gateway answered for the last time. */
    private static final String CLOSING = "gitinsight.gateway.closing";

    /**
     * Whether no request may be processed on the request's connection: it is closed, or an earlier
     * answer on it closed it ({@link #markClosing}). A request the client pipelined behind such an
     * answer is read by Grizzly all the same, and while a large answer is still being written the
     * connection stays open (helper reviews 258, 260: a DELETE sent behind a refused head, or behind
     * a client's own close after a big answer, reached its backend); nginx reads no further (RFC 9112
     * 9.6). Unknown (another container, a reflection failure): false.
     */
    static boolean closed(ServletRequest request) {
        Object containerRequest = ContainerReflection.unwrapped(request);
        try {
            Object grizzly = grizzlyConnection(containerRequest);
            if (grizzly != null) {
                if (Boolean.FALSE.equals(call(grizzly, "isOpen"))) {
                    return true;
                }
                Object attributes = call(grizzly, "getAttributes");
                java.lang.reflect.Method get = GET_ATTRIBUTE.get(attributes.getClass());
                return get != null && get.invoke(attributes, CLOSING) != null;
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

    /** Marks the request's connection: no later request on it is processed ({@link #closed}). */
    static void markClosing(ServletRequest request) {
        try {
            Object grizzly = grizzlyConnection(ContainerReflection.unwrapped(request));
            if (grizzly != null) {
                Object attributes = call(grizzly, "getAttributes");
                java.lang.reflect.Method set = SET_ATTRIBUTE.get(attributes.getClass());
                if (set != null) {
                    set.invoke(attributes, CLOSING, Boolean.TRUE);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // The container closes the connection anyway; only a pipelined request is not kept out.
        }
    }

    /** Grizzly's connection under Payara's request, or null on another container. */
    private static Object grizzlyConnection(Object containerRequest) throws ReflectiveOperationException {
        if (!has(containerRequest, "getUnwrappedCoyoteRequest")) {
            return null;
        }
        return call(call(call(containerRequest, "getUnwrappedCoyoteRequest"), "getCoyoteRequest"), "getConnection");
    }

    private static boolean has(Object target, String method) {
        return ContainerReflection.method(target, method) != null;
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return ContainerReflection.call(target, method);
    }
}
