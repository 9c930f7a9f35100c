package com.gitinsight.gateway.proxy;

import jakarta.annotation.Priority;
import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.FeatureContext;
import java.util.Map;
import org.glassfish.jersey.internal.spi.ForcedAutoDiscoverable;

/**
 * Keeps Payara's MicroProfile Telemetry request listener out of the gateway's JAX-RS application.
 *
 * <p>Payara registers {@value #LISTENER} in every Jersey application. Once any servlet request has
 * run (Payara's servlet wrapper asks for a tracer after each one), it counts the application as
 * traced even with OpenTelemetry disabled, and from then on the listener runs on every request
 * event: request-scoped HK2 lookups through proxies and a monitor all requests share (about a
 * tenth of the proxy path's CPU, measured with JFR). The gateway does its own tracing.
 *
 * <p>Jersey runs forced auto-discoverables in priority order, this one before Payara's (default
 * priority), and Payara's adds the listener only when it is not registered yet: registered here
 * with no contract, Jersey counts it as registered and never calls it. Elsewhere (no Payara, or
 * another version without the class) this does nothing; RESTEasy never loads it.
 */
@Priority(1000)
@ConstrainedTo(RuntimeType.SERVER)
public final class PayaraTelemetryListenerOff implements ForcedAutoDiscoverable {

    static final String LISTENER =
            "fish.payara.microprofile.telemetry.tracing.jaxrs.OpenTelemetryApplicationEventListener";

    @Override
    public void configure(FeatureContext context) {
        Class<?> listener = listenerClass();
        if (listener != null && !context.getConfiguration().isRegistered(listener)) {
            context.register(listener, Map.of());
        }
    }

    private static Class<?> listenerClass() {
        for (ClassLoader loader : new ClassLoader[] {
            Thread.currentThread().getContextClassLoader(), ForcedAutoDiscoverable.class.getClassLoader()
        }) {
            try {
                return Class.forName(LISTENER, false, loader);
            } catch (ClassNotFoundException | LinkageError | NullPointerException e) {
                // Not this loader (or not Payara): try the next.
            }
        }
        return null;
    }
}
