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
            removeInOrder(call(call(grizzly, "getResponse"), "getHeaders"), name);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "could not remove response header " + name + " on "
                            + r.getClass().getName(),
                    e);
        }
    }

    /**
     * Grizzly's own {@code MimeHeaders.removeHeader} moves the last header into each freed slot:
     * the others came out reordered, two {@code Set-Cookie}s reversed (the browser kept the older;
     * helper review 244). So the headers are read, cleared and added again without {@code name}.
     */
    private static void removeInOrder(Object headers, String name) throws ReflectiveOperationException {
        int size = (Integer) call(headers, "size");
        java.lang.reflect.Method nameAt = ContainerReflection.method(headers, "getName", int.class);
        java.lang.reflect.Method valueAt = ContainerReflection.method(headers, "getValue", int.class);
        String[] kept = new String[2 * size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            Object header = nameAt.invoke(headers, i);
            Object value = valueAt.invoke(headers, i);
            String text = header == null ? null : header.toString();
            if (text != null && !text.equalsIgnoreCase(name) && value != null && value.toString() != null) {
                kept[n++] = text;
                kept[n++] = value.toString();
            }
        }
        if (n == 2 * size) {
            return;
        }
        // Every method found before the list is cleared: a missing one leaves the headers as they were.
        java.lang.reflect.Method add = ContainerReflection.method(headers, "addValue", String.class);
        java.lang.reflect.Method clear = ContainerReflection.method(headers, "clear");
        java.lang.reflect.Method set =
                ContainerReflection.method(valueAt.invoke(headers, 0), "setString", String.class);
        if (add == null || clear == null || set == null) {
            throw new NoSuchMethodException("MimeHeaders.addValue, clear or DataChunk.setString");
        }
        clear.invoke(headers);
        for (int i = 0; i < n; i += 2) {
            set.invoke(add.invoke(headers, kept[i]), kept[i + 1]);
        }
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        return ContainerReflection.call(target, name);
    }
}
