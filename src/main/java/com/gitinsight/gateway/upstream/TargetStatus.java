package com.gitinsight.gateway.upstream;

import java.time.Instant;

/** A read-only view of one target's health, for metrics, JMX and the admin API. */
public record TargetStatus(
        String upstream,
        String target,
        int weight,
        TargetHealth.State state,
        String reason,
        Instant since,
        Long retryInMillis) {}
