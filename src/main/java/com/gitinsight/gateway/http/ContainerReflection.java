package com.gitinsight.gateway.http;

import java.lang.reflect.Method;

/**
 * The few calls into a container's own classes the Servlet API has no word for (closing a
 * connection, reading the raw request line, removing a response header), made by name: the WAR
 * compiles against no container.
 */
public final class ContainerReflection {

    private ContainerReflection() {}

    /** {@code target}'s public no-argument method {@code name}, or null when it has none. */
    public static Method method(Object target, String name) {
        try {
            return target.getClass().getMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The container's own request object under every wrapper of {@code request}. */
    public static jakarta.servlet.ServletRequest unwrapped(jakarta.servlet.ServletRequest request) {
        jakarta.servlet.ServletRequest r = request;
        while (r instanceof jakarta.servlet.ServletRequestWrapper wrapper) {
            r = wrapper.getRequest();
        }
        return r;
    }

    /**
     * Payara's and GlassFish's Grizzly response to the container request {@code containerRequest}
     * (its facade, the Catalina request, its Catalina response, the Grizzly one: the response
     * facade has no public way down), or null on another container.
     */
    public static Object grizzlyResponse(Object containerRequest) throws ReflectiveOperationException {
        Method unwrap = method(containerRequest, "getUnwrappedCoyoteRequest");
        if (unwrap == null) {
            return null;
        }
        return call(call(unwrap.invoke(containerRequest), "getResponse"), "getCoyoteResponse");
    }

    /** Calls {@code target}'s public no-argument method {@code name}. */
    public static Object call(Object target, String name) throws ReflectiveOperationException {
        return target.getClass().getMethod(name).invoke(target);
    }
}
