package com.gitinsight.gateway.runtime;

import java.lang.management.ManagementFactory;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers the gateway's MBeans on the platform server so that a redeploy never leaves two: a
 * name still held (by a deployment that did not stop cleanly) is taken over, and an undeploy
 * removes the name.
 */
public final class Jmx {

    private static final Logger LOG = Logger.getLogger(Jmx.class.getName());

    private Jmx() {}

    public static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    /** Registers {@code bean} under {@code name}, replacing any bean there; false when JMX refused. */
    public static boolean register(MBeanServer server, ObjectName name, Object bean) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(bean, name);
            return true;
        } catch (JMException e) {
            LOG.warning("JMX: registering " + name + " failed: " + e);
            return false;
        }
    }

    public static boolean register(ObjectName name, Object bean) {
        return register(ManagementFactory.getPlatformMBeanServer(), name, bean);
    }

    public static void unregister(MBeanServer server, ObjectName name) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.fine(() -> "JMX: " + name + " was already gone: " + e);
        }
    }

    public static void unregister(ObjectName name) {
        unregister(ManagementFactory.getPlatformMBeanServer(), name);
    }
}
