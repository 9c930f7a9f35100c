package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;

/** Sends one active health probe; the strategy behind {@link ActiveChecker}. */
interface Prober extends AutoCloseable {

    /** Null when the target answered as healthy; otherwise what kind of failure it was. */
    Failure probe(Target target, HealthCheckSpec.Active rule);

    @Override
    void close();
}
