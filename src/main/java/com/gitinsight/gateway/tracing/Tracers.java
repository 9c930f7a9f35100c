package com.gitinsight.gateway.tracing;

import com.gitinsight.gateway.runtime.ContainerThreads;
import com.gitinsight.gateway.runtime.GatewayVersion;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    private final String nodeId = UUID.randomUUID().toString();
    private final Map<String, Tracing> byInstance = new ConcurrentHashMap<>();

    public Tracers() {}

    /** For tests outside the container. */
    Tracers(double defaultRate) {
        this.defaultRate = defaultRate;
    }

    /** The tracer for plugin instance {@code instance} with {@code config}. */
    Tracing of(String instance, OpenTelemetrySchema.Config config) {
        Tracing t = byInstance.get(instance);
        if (t != null && t.config() == config) {
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
        Tracing made = same ? current.with(config) : new Tracing(config, defaultRate, nodeId, GatewayVersion.value());
        byInstance.put(instance, made);
        if (current != null && !same) {
            ContainerThreads.factory("gateway-tracer-stop")
                    .newThread(() -> current.shutdown(5_000))
                    .start();
        }
        return made;
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
