package com.gitinsight.gateway.http;

import jakarta.servlet.ServletRequestWrapper;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether Payara's HTTP layer (Grizzly) has added a chunked body's trailer fields to a request's
 * headers, which the Servlet API cannot tell. Grizzly marks the header list when it reaches a
 * chunked body's end, trailer fields or not, and appends the fields after the mark; a
 * {@code Content-Length} trailer takes the {@code Transfer-Encoding} field away as it is added (so
 * the count after the mark can be 0 with a field merged). So: marked, and either fields after the
 * mark or no {@code Transfer-Encoding} left (a chunked body's end marks only chunked requests). A
 * request received whole with its head has them before the application runs. HTTP/1.x only: over
 * HTTP/2 Grizzly marks every request's headers as soon as they are parsed. Other containers
 * (WildFly's Undertow) keep trailers apart from the headers: never here.
 */
final class ContainerTrailers {

    /** Facade to Catalina request to Grizzly request to its packet to its header list (MimeHeaders). */
    private static final String[] PATH = {"getUnwrappedCoyoteRequest", "getCoyoteRequest", "getRequest", "getHeaders"};

    /** Each class's public no-argument methods of {@link #PATH}, looked up once. */
    private static final ClassValue<Map<String, Method>> METHODS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            Map<String, Method> found = new HashMap<>();
            for (String name : PATH) {
                try {
                    found.put(name, type.getMethod(name));
                } catch (NoSuchMethodException absent) {
                    // not this container's class
                }
            }
            try {
                found.put("trailerSize", type.getMethod("trailerSize"));
            } catch (NoSuchMethodException absent) {
                // not a header list
            }
            return Map.copyOf(found);
        }
    };

    /** The header list's "marked" flag, or null when the class has none (or it cannot be read). */
    private static final ClassValue<Field> MARKED = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            try {
                Field f = type.getDeclaredField("marked");
                f.setAccessible(true);
                return f.getType() == boolean.class ? f : null;
            } catch (NoSuchFieldException | RuntimeException e) {
                return null;
            }
        }
    };

    /** Grizzly's HTTP/2 classes: an HTTP/2 request's packet is one of them. */
    private static final String HTTP2_PACKAGE = "org.glassfish.grizzly.http2.";

    private ContainerTrailers() {}

    /** Whether trailer fields were added to this request's headers (an HTTP/1.x one: see above). */
    static boolean merged(jakarta.servlet.http.HttpServletRequest request) {
        Object r = request;
        while (r instanceof ServletRequestWrapper wrapper) {
            r = wrapper.getRequest();
        }
        return merged(r, request.getHeader("Transfer-Encoding") != null);
    }

    /**
     * Whether the container's request object {@code containerRequest} has trailer fields among its
     * headers; {@code chunked}: the request still has its {@code Transfer-Encoding} field.
     */
    static boolean merged(Object containerRequest, boolean chunked) {
        Object r = containerRequest;
        try {
            for (String step : PATH) {
                Method m = METHODS.get(r.getClass()).get(step);
                if (m == null) {
                    return false;
                }
                r = m.invoke(r);
                if (r == null) {
                    return false;
                }
                if (step.equals("getRequest") && r.getClass().getName().startsWith(HTTP2_PACKAGE)) {
                    // A real HTTP/2 stream, whatever its request line says (a client can write
                    // "HTTP/2.0" on an HTTP/1.1 connection: attacker review 168).
                    return false;
                }
            }
            Field marked = MARKED.get(r.getClass());
            if (marked == null || !marked.getBoolean(r)) {
                return false;
            }
            if (!chunked) {
                return true; // a trailer took it away
            }
            Method fieldsAfterMark = METHODS.get(r.getClass()).get("trailerSize");
            return fieldsAfterMark == null || ((Integer) fieldsAfterMark.invoke(r)) > 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A container whose classes changed shape: the frozen headers still hold (see ReceivedHeaders).
            return false;
        }
    }
}
