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

    /** Calls {@code target}'s public no-argument method {@code name}. */
    public static Object call(Object target, String name) throws ReflectiveOperationException {
        return target.getClass().getMethod(name).invoke(target);
    }
}
