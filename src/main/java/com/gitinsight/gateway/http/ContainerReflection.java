package com.gitinsight.gateway.http;

import java.lang.reflect.Method;

/**
 * The few calls into a container's own classes the Servlet API has no word for (closing a
 * connection, reading the raw request line, removing a response header), made by name: the WAR
 * compiles against no container.
 */
public final class ContainerReflection {

    private ContainerReflection() {}

    /**
     * Each container class's methods as looked up, by name and parameter types: a lookup copies
     * the method and checks access each time, and some of these run per answer (a 429's reason
     * phrase during a flood). What is cached is what the JVM's classes say, never request data.
     */
    private static final ClassValue<java.util.concurrent.ConcurrentHashMap<String, java.util.Optional<Method>>>
            METHODS = new ClassValue<>() {
                @Override
                protected java.util.concurrent.ConcurrentHashMap<String, java.util.Optional<Method>> computeValue(
                        Class<?> type) {
                    return new java.util.concurrent.ConcurrentHashMap<>();
                }
            };

    /** {@code target}'s public method {@code name} taking {@code parameters}, or null when it has none. */
    public static Method method(Object target, String name, Class<?>... parameters) {
        Class<?> type = target.getClass();
        String key = parameters.length == 0 ? name : name + java.util.Arrays.toString(parameters);
        return METHODS.get(type)
                .computeIfAbsent(key, k -> {
                    try {
                        return java.util.Optional.of(type.getMethod(name, parameters));
                    } catch (NoSuchMethodException e) {
                        return java.util.Optional.empty();
                    }
                })
                .orElse(null);
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
        Method m = method(target, name);
        if (m == null) {
            throw new NoSuchMethodException(target.getClass().getName() + "." + name);
        }
        return m.invoke(target);
    }
}
