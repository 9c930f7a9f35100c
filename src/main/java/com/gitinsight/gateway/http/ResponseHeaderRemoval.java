package com.gitinsight.gateway.http;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes a header out of a response not yet committed. The Servlet API has no remove:
 * {@code setHeader(name, null)} removes it on Undertow (WildFly) but is ignored by Payara's
 * Catalina and Grizzly, which then sent a header response-transformer was told to remove. So on
 * Payara and GlassFish the container's header list is reached by reflection, from the request as
 * {@code proxy.ClientConnection} reaches the connection (request facade, Catalina request, its
 * Catalina response, the Grizzly response, its packet's headers): the response facade has no
 * public way down.
 */
public final class ResponseHeaderRemoval {

    private static final Logger LOG = Logger.getLogger(ResponseHeaderRemoval.class.getName());

    private ResponseHeaderRemoval() {}

    /**
     * Removes every value of {@code name} from {@code response}, the response to {@code request}
     * (null: only through the Servlet API). {@code Content-Length} and {@code Content-Type} are the
     * container's own fields: set them instead.
     */
    public static void remove(ServletRequest request, HttpServletResponse response, String name) {
        if (response.isCommitted()) {
            return;
        }
        response.setHeader(name, null); // the wrappers that keep their own view, and Undertow
        if (request == null) {
            return;
        }
        ServletRequest r = ContainerReflection.unwrapped(request);
        try {
            Object grizzly = ContainerReflection.grizzlyResponse(r);
            if (grizzly == null) {
                return; // not Payara or GlassFish
            }
            Object headers = call(call(grizzly, "getResponse"), "getHeaders");
            headers.getClass().getMethod("removeHeader", String.class).invoke(headers, name);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "could not remove response header " + name + " on "
                            + r.getClass().getName(),
                    e);
        }
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        return ContainerReflection.call(target, name);
    }
}
