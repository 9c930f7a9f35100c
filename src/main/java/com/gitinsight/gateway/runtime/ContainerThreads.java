package com.gitinsight.gateway.runtime;

import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/** Threads for the listeners: the container's ManagedThreadFactory when it has one, else plain daemon threads. */
public final class ContainerThreads {

    private ContainerThreads() {}

    public static ThreadFactory factory(String name) {
        try {
            Object managed = new InitialContext().lookup("java:comp/DefaultManagedThreadFactory");
            if (managed instanceof ThreadFactory f) {
                return named(f, name);
            }
        } catch (NamingException | RuntimeException e) {
            // Outside a container (unit tests, tools): plain threads.
        }
        return named(Executors.defaultThreadFactory(), name);
    }

    private static ThreadFactory named(ThreadFactory base, String name) {
        return r -> {
            Thread t = base.newThread(r);
            t.setName(name + "-" + t.getId());
            t.setDaemon(true);
            return t;
        };
    }
}
