package com.gitinsight.gateway.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kong's {@code healthchecks} of an upstream, validated. Counters set to 0 are off, as in Kong.
 * Times are in milliseconds here (seconds in the file). {@code threshold}: the percentage of the
 * upstream's weight that must be available for it to answer at all (Kong's balancer health).
 */
public record HealthCheckSpec(Active active, Passive passive, double threshold) {

    public static final HealthCheckSpec NONE = new HealthCheckSpec(Active.OFF, Passive.OFF);

    /** Without Kong's {@code threshold} (0: the upstream is healthy while any weight is available). */
    public HealthCheckSpec(Active active, Passive passive) {
        this(active, passive, 0);
    }

    public enum ProbeType {
        HTTP,
        HTTPS,
        TCP
    }

    /**
     * Probes sent by the gateway. {@code healthyIntervalMs} paces probes of healthy targets,
     * {@code unhealthyIntervalMs} of unhealthy ones; 0 stops that kind of probe.
     */
    public record Active(
            ProbeType type,
            String httpPath,
            int timeoutMs,
            int concurrency,
            Map<String, List<String>> headers,
            boolean verifyCertificate,
            long healthyIntervalMs,
            int healthySuccesses,
            Set<Integer> healthyStatuses,
            long unhealthyIntervalMs,
            int httpFailures,
            int tcpFailures,
            int timeouts,
            Set<Integer> unhealthyStatuses,
            String httpsSni) {

        /** Kong's defaults. (Kept here, not in the outer record: class initialisation order.) */
        public static final Set<Integer> HEALTHY_STATUSES = Set.of(200, 302);

        public static final Set<Integer> UNHEALTHY_STATUSES = Set.of(429, 404, 500, 501, 502, 503, 504, 505);

        public static final Active OFF = new Active(
                ProbeType.HTTP,
                "/",
                1000,
                10,
                Map.of(),
                true,
                0,
                0,
                HEALTHY_STATUSES,
                0,
                0,
                0,
                0,
                UNHEALTHY_STATUSES,
                null);

        public Active {
            headers = Map.copyOf(headers);
            healthyStatuses = Set.copyOf(healthyStatuses);
            unhealthyStatuses = Set.copyOf(unhealthyStatuses);
        }

        public boolean enabled() {
            return healthyIntervalMs > 0 || unhealthyIntervalMs > 0;
        }
    }

    /**
     * Judging targets by the traffic itself. Failures of one kind counted within
     * {@code failTimeoutMs} eject a target for {@code failTimeoutMs}, after which it is tried
     * again (nginx's {@code fail_timeout}); 0 keeps it out until an active check or an admin
     * brings it back (Kong's behaviour).
     */
    public record Passive(
            Set<Integer> healthyStatuses,
            int successes,
            Set<Integer> unhealthyStatuses,
            int tcpFailures,
            int timeouts,
            int httpFailures,
            long failTimeoutMs) {

        /** Kong's defaults: 2xx and 3xx are healthy. */
        public static final Set<Integer> HEALTHY_STATUSES =
                Set.of(200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308);

        public static final Set<Integer> UNHEALTHY_STATUSES = Set.of(429, 500, 503);

        public static final Passive OFF = new Passive(HEALTHY_STATUSES, 0, UNHEALTHY_STATUSES, 0, 0, 0, 0);

        public Passive {
            healthyStatuses = Set.copyOf(healthyStatuses);
            unhealthyStatuses = Set.copyOf(unhealthyStatuses);
        }

        public boolean enabled() {
            return tcpFailures > 0 || timeouts > 0 || httpFailures > 0;
        }
    }
}
