package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.ratelimit.CounterStores;
import com.gitinsight.gateway.ratelimit.RateLimitingSchema;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.Jmx;
import com.gitinsight.gateway.upstream.ServiceGuard;
import com.gitinsight.gateway.upstream.Target;
import com.gitinsight.gateway.upstream.UpstreamPool;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the gateway's MXBean on deploy and unregisters it on undeploy. A name left behind by
 * a deployment that did not stop cleanly is replaced, so a redeploy never leaves two.
 */
@ApplicationScoped
public class GatewayMBeans {

    private static final Logger LOG = Logger.getLogger(GatewayMBeans.class.getName());
    static final String NAME = "io.gitinsight.gateway:type=Gateway";

    @Inject
    GatewayRuntime runtime;

    @Inject
    CounterStores rateLimits;

    @Inject
    GatewayMetrics metrics;

    @Inject
    jakarta.enterprise.event.Event<com.gitinsight.gateway.runtime.OperatorAction> actions;

    private void audited(String action, java.util.Map<String, String> details) {
        if (actions != null) {
            try {
                actions.fire(new com.gitinsight.gateway.runtime.OperatorAction("jmx", action, details));
            } catch (RuntimeException e) {
                // Done, but not recorded: said, never an error to the operator's call.
                LOG.log(java.util.logging.Level.WARNING, "JMX " + action + ": not recorded in the audit log", e);
            }
        }
    }

    private final ObjectName name = Jmx.name(NAME);

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        register(ManagementFactory.getPlatformMBeanServer());
    }

    /** Registers (replacing a copy left by a deployment that did not stop cleanly). */
    void register(MBeanServer server) {
        Jmx.register(server, name, new Control());
    }

    @PreDestroy
    void stop() {
        unregister(ManagementFactory.getPlatformMBeanServer());
    }

    void unregister(MBeanServer server) {
        Jmx.unregister(server, name);
    }

    private final class Control implements GatewayControlMXBean {

        private GatewaySnapshot snapshot() {
            return runtime.snapshot();
        }

        @Override
        public String getVersion() {
            return HealthResource.version();
        }

        @Override
        public String getConfigHash() {
            return snapshot().config().hash();
        }

        @Override
        public String getConfigSource() {
            return snapshot().config().source();
        }

        @Override
        public String getConfigLoadedAt() {
            return snapshot().loadedAt().toString();
        }

        @Override
        public String getConfigLastError() {
            String e = runtime.pendingError();
            return e == null ? "" : e;
        }

        @Override
        public long getConfigReloads() {
            return runtime.reloads();
        }

        @Override
        public long getConfigReloadFailures() {
            return runtime.reloadFailures();
        }

        @Override
        public Map<String, String> getRoutes() {
            return metrics.routeSummaries();
        }

        @Override
        public Map<String, String> getCircuitBreakers() {
            Map<String, String> out = new TreeMap<>();
            snapshot()
                    .guards()
                    .forEach((service, guard) -> out.put(service, guard.status().breakerState()));
            return out;
        }

        @Override
        public Map<String, Integer> getInFlight() {
            Map<String, Integer> out = new TreeMap<>();
            snapshot()
                    .guards()
                    .forEach((service, guard) -> out.put(service, guard.status().inFlight()));
            return out;
        }

        @Override
        public Map<String, String> getTargets() {
            Map<String, String> out = new TreeMap<>();
            for (UpstreamPool pool : snapshot().upstreams().pools()) {
                for (Target t : pool.targets()) {
                    out.put(pool.name() + "/" + t.address(), t.health().state().name() + " active=" + t.active());
                }
            }
            return out;
        }

        @Override
        public long getRateLimitingRejections() {
            return rateLimits.rejected(RateLimitingSchema.NAME);
        }

        @Override
        public long getRequestRateRejections() {
            return rateLimits.rejected("request-rate");
        }

        @Override
        public long getRateLimitUncheckedWhileStoreDown() {
            return rateLimits.allowedWhileDown();
        }

        @Override
        public String reloadConfig() {
            runtime.reloadNow();
            String error = runtime.pendingError();
            LOG.info(() -> "JMX: configuration reload requested");
            audited("reload", error == null ? java.util.Map.of() : java.util.Map.of("error", error));
            return error == null ? "running " + snapshot().config().hash() : error;
        }

        @Override
        public boolean resetCircuitBreaker(String service) {
            ServiceGuard guard = snapshot().guards().get(service);
            if (guard == null) {
                return false;
            }
            guard.reset();
            LOG.info(() -> "JMX: circuit breaker of " + service + " reset");
            audited("reset circuit breaker", java.util.Map.of("service", service));
            return true;
        }

        @Override
        public boolean markTargetHealthy(String upstream, String target) {
            return mark(upstream, target, true);
        }

        @Override
        public boolean markTargetUnhealthy(String upstream, String target) {
            return mark(upstream, target, false);
        }

        private boolean mark(String upstream, String target, boolean healthy) {
            for (UpstreamPool pool : snapshot().upstreams().pools()) {
                if (pool.name().equals(upstream) && pool.force(target, healthy)) {
                    LOG.info(
                            () -> "JMX: " + upstream + "/" + target + " marked " + (healthy ? "healthy" : "unhealthy"));
                    audited(
                            healthy ? "mark target healthy" : "mark target unhealthy",
                            java.util.Map.of("upstream", upstream, "target", target));
                    return true;
                }
            }
            return false;
        }
    }
}
