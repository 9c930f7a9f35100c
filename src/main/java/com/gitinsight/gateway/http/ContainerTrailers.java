package com.gitinsight.gateway.http;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether Payara's HTTP layer (Grizzly) has added trailer fields to a request's headers, which the
 * Servlet API cannot tell: before it appends a chunked body's trailer to the head's fields, Grizzly
 * marks its header list (its own count of what follows the mark is no help: a
 * {@code Content-Length} trailer removes the {@code Transfer-Encoding} field as it is added).
 * A request received whole with its head has them before the application runs. Other containers
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

    private ContainerTrailers() {}

    /** Whether trailer fields were added to this request's headers. */
    static boolean merged(ServletRequest request) {
        Object r = request;
        while (r instanceof ServletRequestWrapper wrapper) {
            r = wrapper.getRequest();
        }
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
            }
            Field marked = MARKED.get(r.getClass());
            return marked != null && marked.getBoolean(r);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A container whose classes changed shape: the frozen headers still hold (see ReceivedHeaders).
            return false;
        }
    }
}
