package com.gitinsight.gateway.observability;

import java.util.Map;

/**
 * The gateway over JMX ({@code io.gitinsight.gateway:type=Gateway}): its configuration, targets,
 * breakers and rate limits, and the operations an operator needs without the admin API. Open
 * types only (strings, numbers, maps of strings), so JConsole and VisualVM show it without the
 * gateway's classes.
 */
public interface GatewayControlMXBean {

    String getVersion();

    String getConfigHash();

    String getConfigSource();

    String getConfigLoadedAt();

    /** Why the file on disk is not the configuration running; empty when it is. */
    String getConfigLastError();

    long getConfigReloads();

    long getConfigReloadFailures();

    /**
     * {@code service/route} to {@code requests=N errors_5xx=M p50_ms<=X p99_ms<=Y}, for the routes
     * the {@code prometheus} plugin measures.
     */
    Map<String, String> getRoutes();

    /** Service name to circuit-breaker state (CLOSED, OPEN, HALF_OPEN, DISABLED). */
    Map<String, String> getCircuitBreakers();

    /** Service name to requests in flight. */
    Map<String, Integer> getInFlight();

    /** {@code upstream/target} to health (HEALTHY, UNHEALTHY, PROBATION) and active connections. */
    Map<String, String> getTargets();

    long getRateLimitingRejections();

    long getRequestRateRejections();

    long getRateLimitUncheckedWhileStoreDown();

    /** Reads the configuration file now; returns the hash running afterwards, or the error. */
    String reloadConfig();

    /** Closes a service's breaker and forgets its failures; false if there is no such service. */
    boolean resetCircuitBreaker(String service);

    /** Forces a target's health (as Kong's Admin API does); false if there is no such target. */
    boolean markTargetHealthy(String upstream, String target);

    boolean markTargetUnhealthy(String upstream, String target);
}
