package com.gitinsight.gateway.boot;

import java.lang.instrument.Instrumentation;
import java.security.Security;

/**
 * Installs {@link PerThreadRandomProvider} as the JVM's first security provider before the server
 * starts, so that {@code new SecureRandom()} (and so {@code UUID.randomUUID()}) no longer share one
 * generator, and one lock, between all threads. Payara builds a request-tracing span with a random
 * UUID for every request, tracing on or off; with the JDK's default generator that is a monitor
 * every request takes (the most contended one under load, measured with JFR).
 */
public final class BootAgent {

    private BootAgent() {}

    public static void premain(String args, Instrumentation instrumentation) {
        install();
    }

    /** Idempotent: a second call leaves the provider where it is. */
    static void install() {
        if (Security.getProvider(PerThreadRandomProvider.NAME) == null) {
            Security.insertProviderAt(new PerThreadRandomProvider(), 1);
        }
    }
}
