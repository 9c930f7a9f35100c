package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;
import com.gitinsight.gateway.config.UpstreamSpec;

/** Sends one active health probe; the strategy behind {@link ActiveChecker}. */
interface Prober extends AutoCloseable {

    /**
     * Healthy, a failure of one kind, or a status neither list names. {@code upstream} (null:
     * none) gives the probe's Host ({@code host_header}) and client certificate.
     */
    ProbeResult probe(Target target, HealthCheckSpec.Active rule, UpstreamSpec upstream);

    @Override
    void close();
}
