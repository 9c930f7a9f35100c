package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.config.PluginSpec;
import com.gitinsight.gateway.runtime.ContainerThreads;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.GatewayVersion;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The tracer of each opentelemetry plugin instance, made on its first traced request and kept while
 * its config stays the same (a reload with an unchanged config keeps the tracer and what it has
 * queued); a changed config gets a new tracer, and the old one sends what it holds and stops.
 * {@code gateway.tracing.sampling-rate} is the rate for a plugin without {@code sampling_rate}
 * (Kong's {@code tracing_sampling_rate}; 1 here, where configuring the plugin is the opt-in).
 */
@ApplicationScoped
public class Tracers implements Unproxied<Tracers> {

    @Inject
    @ConfigProperty(name = "gateway.tracing.sampling-rate", defaultValue = "1.0")
    double defaultRate;

    /** Kong's {@code tracing_instrumentations}; {@code all} here, where configuring the plugin is the opt-in. */
    @Inject
    @ConfigProperty(name = "gateway.tracing.instrumentations", defaultValue = "all")
    String instrumentationsSetting;

    private Instrumentations instrumentations = Instrumentations.ALL;

    private final String nodeId = com.gitinsight.gateway.runtime.NodeId.VALUE;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Tracers.class.getName());

    private final Map<String, Tracing> byInstance = new ConcurrentHashMap<>();
    /** Configs whose tracer could not be made (not tried again on every request). */
    private final java.util.Set<OpenTelemetrySchema.Config> failed = ConcurrentHashMap.newKeySet();

    public Tracers() {}

    /** For tests outside the container. */
    Tracers(double defaultRate) {
        this(defaultRate, Instrumentations.ALL);
    }

    /** For tests outside the container. */
    Tracers(double defaultRate, Instrumentations instrumentations) {
        this.defaultRate = defaultRate;
        this.instrumentations = instrumentations;
    }

    /** A bad setting stops the start, naming it (as Kong's loader refuses a bad tracing type). */
    @jakarta.annotation.PostConstruct
    void parse() {
        instrumentations = Instrumentations.parse(instrumentationsSetting);
    }

    /** The newest configuration seen. */
    private volatile GatewaySnapshot newest;

    /**
     * The tracer for plugin instance {@code instance} with {@code config}, of the configuration
     * {@code snapshot}; null when none could be made. A request of a configuration since
     * replaced gets the instance's tracer in place (or none): it never replaces a newer tracer
     * with its old one (each would shut the other down, and the spans open on it).
     */
    Tracing of(String instance, OpenTelemetrySchema.Config config, GatewaySnapshot snapshot) {
        Tracing t = byInstance.get(instance);
        if (t != null && t.config() == config) {
            return t;
        }
        if (!failed.isEmpty() && failed.contains(config)) {
            return null;
        }
        GatewaySnapshot known = newest;
        if (known != null && snapshot.builtBefore(known)) {
            return t;
        }
        return replace(instance, config);
    }

    private synchronized Tracing replace(String instance, OpenTelemetrySchema.Config config) {
        Tracing current = byInstance.get(instance);
        if (current != null && current.config() == config) {
            return current;
        }
        // A reload hands an equal config a new identity: equal settings keep the tracer.
        boolean same = current != null && current.config().equals(config);
        Tracing made;
        if (same) {
            made = current.with(config);
        } else {
            try {
                made = new Tracing(config, defaultRate, instrumentations, nodeId, GatewayVersion.value());
            } catch (RuntimeException e) {
                // Requests go on untraced; said once per config, never with the endpoint's path or secrets.
                if (failed.add(config)) {
                    LOG.warning(() -> "opentelemetry " + instance + ": no tracer for " + config.destination() + ": "
                            + e.getClass().getSimpleName() + "; requests are not traced");
                }
                return null;
            }
        }
        byInstance.put(instance, made);
        if (current != null && !same) {
            ContainerThreads.factory("gateway-tracer-stop")
                    .newThread(() -> current.shutdown(5_000))
                    .start();
        }
        return made;
    }

    /** Retires the tracers of instances the new configuration no longer has (they export what waits, then stop). */
    void retire(@Observes GatewaySnapshot snapshot) {
        if (newest == null || newest.builtBefore(snapshot)) {
            newest = snapshot;
        }
        java.util.Set<String> live = new java.util.HashSet<>();
        for (PluginSpec p : snapshot.config().plugins()) {
            if (p.config() instanceof OpenTelemetrySchema.Config) {
                live.add(snapshot.plugins().instance(p.config()));
            }
        }
        synchronized (this) {
            byInstance.entrySet().removeIf(e -> {
                if (live.contains(e.getKey())) {
                    return false;
                }
                Tracing t = e.getValue();
                ContainerThreads.factory("gateway-tracer-stop")
                        .newThread(() -> t.shutdown(5_000))
                        .start();
                return true;
            });
            failed.clear();
        }
    }

    /** Each tracer's export counts, for health. */
    public List<Status> status() {
        List<Status> out = new ArrayList<>();
        for (Tracing t : byInstance.values()) {
            out.add(t.status());
        }
        return out;
    }

    /**
     * One tracer: spans exported, dropped by the batch processor (its queue was full), lost after
     * their retries ran out, failed sends, the last failure (null after a success).
     */
    public record Status(String endpoint, long exported, long dropped, long lost, long failedSends, String lastError) {}

    @PreDestroy
    void stop() {
        for (Tracing t : byInstance.values()) {
            t.shutdown(5_000);
        }
    }

    @Override
    public void passInstance(Consumer<? super Tracers> receiver) {
        receiver.accept(this);
    }
}
