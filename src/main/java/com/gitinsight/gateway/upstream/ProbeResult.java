package com.gitinsight.gateway.upstream;

/**
 * What one active probe found: a healthy answer, a failure of one kind, or a status neither of the
 * probe's lists names, which counts as nothing (lua-resty-healthcheck's {@code report_http_status}
 * returns on an unhandled status: a target whose health endpoint answers 204 stays as it was).
 */
record ProbeResult(Failure failure, boolean counted) {

    static final ProbeResult HEALTHY = new ProbeResult(null, true);
    static final ProbeResult UNLISTED = new ProbeResult(null, false);

    static ProbeResult failed(Failure failure) {
        return new ProbeResult(java.util.Objects.requireNonNull(failure), true);
    }
}
