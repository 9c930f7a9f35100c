package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;
import com.gitinsight.gateway.config.UpstreamSpec;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The passive check one target is judged by: its upstream's {@code healthchecks.passive}, or the
 * nginx shorthand on the target ({@code max_fails}: failures of any kind within
 * {@code fail_timeout}).
 */
record PassiveRule(
        int tcpFailures,
        int timeouts,
        int httpFailures,
        int anyFailures,
        Set<Integer> unhealthyStatuses,
        Set<Integer> healthyStatuses,
        int successes,
        long windowNanos) {

    static final PassiveRule OFF = of(HealthCheckSpec.Passive.OFF, new UpstreamSpec.TargetSpec("-", 0, 0));

    static PassiveRule of(HealthCheckSpec.Passive passive, UpstreamSpec.TargetSpec target) {
        if (target.maxFails() > 0) {
            return new PassiveRule(
                    0,
                    0,
                    0,
                    target.maxFails(),
                    passive.unhealthyStatuses(),
                    passive.healthyStatuses(),
                    passive.successes(),
                    TimeUnit.MILLISECONDS.toNanos(target.failTimeoutMs()));
        }
        return new PassiveRule(
                passive.tcpFailures(),
                passive.timeouts(),
                passive.httpFailures(),
                0,
                passive.unhealthyStatuses(),
                passive.healthyStatuses(),
                passive.successes(),
                TimeUnit.MILLISECONDS.toNanos(passive.failTimeoutMs()));
    }

    boolean enabled() {
        return tcpFailures > 0 || timeouts > 0 || httpFailures > 0 || anyFailures > 0;
    }
}
