package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;
import com.gitinsight.gateway.config.UpstreamSpec;

/** Sends one active health probe; the strategy behind {@link ActiveChecker}. */
interface Prober extends AutoCloseable {

    /**
     * Null when the target answered as healthy; otherwise what kind of failure it was.
     * {@code upstream} (null: none) gives the probe's Host ({@code host_header}) and client certificate.
     */
    Failure probe(Target target, HealthCheckSpec.Active rule, UpstreamSpec upstream);

    @Override
    void close();
}
