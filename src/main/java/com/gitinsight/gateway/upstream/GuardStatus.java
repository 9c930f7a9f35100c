package com.gitinsight.gateway.upstream;

/** A read-only view of one service's breaker and bulkhead, for metrics, JMX and the admin API. */
public record GuardStatus(String service, String breakerState, int recentFailures, int maxConcurrent, int inFlight) {}
