package com.gitinsight.gateway.upstream;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One service's circuit breaker and bulkhead (resilience4j: MicroProfile Fault Tolerance keeps one
 * state per annotated method, and this state must be per service). Both are lock-free on the
 * request path. Kept across reloads while the service's settings stay the same.
 */
public final class ServiceGuard {

    private static final Logger LOG = Logger.getLogger(ServiceGuard.class.getName());

    private final String service;
    private final CircuitBreakerSchema.Config breakerConfig;
    private final int maxConcurrent;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private volatile long openedAtNanos;
    private volatile CircuitBreaker.State lastLogged = CircuitBreaker.State.CLOSED;
    /** A failure was recorded since the last recorded success. */
    private volatile boolean failuresPending;

    ServiceGuard(String service, CircuitBreakerSchema.Config breakerConfig, int maxConcurrent) {
        this.service = service;
        this.breakerConfig = breakerConfig;
        this.maxConcurrent = maxConcurrent;
        this.bulkhead = Bulkhead.of(
                service,
                BulkheadConfig.custom()
                        .maxConcurrentCalls(maxConcurrent)
                        .maxWaitDuration(Duration.ZERO)
                        .fairCallHandlingStrategyEnabled(false)
                        .writableStackTraceEnabled(false)
                        .build());
        // No event consumers: with one registered, resilience4j makes a timestamped event object
        // on every call. Transitions are seen here instead, around the calls that cause them.
        this.breaker = breakerConfig == null ? null : breaker(service, breakerConfig);
    }

    /**
     * Consecutive: a count window as long as the threshold with a 100% failure rate, so it opens
     * after exactly {@code failure_threshold} consecutive failures. Rate: a time window of
     * {@code window_seconds} that opens at {@code failure_rate}% once it saw {@code minimum_calls}.
     */
    private static CircuitBreaker breaker(String service, CircuitBreakerSchema.Config c) {
        boolean rate = c.mode() == CircuitBreakerSchema.Mode.RATE;
        return CircuitBreaker.of(
                service,
                CircuitBreakerConfig.custom()
                        .slidingWindow(
                                rate ? c.windowSeconds() : c.failureThreshold(),
                                rate ? c.minimumCalls() : c.failureThreshold(),
                                rate
                                        ? CircuitBreakerConfig.SlidingWindowType.TIME_BASED
                                        : CircuitBreakerConfig.SlidingWindowType.COUNT_BASED,
                                CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE)
                        .failureRateThreshold(rate ? c.failureRate() : 100f)
                        .slowCallRateThreshold(100f)
                        .slowCallDurationThreshold(Duration.ofDays(1))
                        .waitDurationInOpenState(Duration.ofMillis(c.openMillis()))
                        .permittedNumberOfCallsInHalfOpenState(c.successThreshold())
                        .automaticTransitionFromOpenToHalfOpenEnabled(false)
                        .writableStackTraceEnabled(false)
                        .build());
    }

    /** Why a request may not go to the service now. */
    public enum Refusal {
        AT_CAPACITY,
        OPEN
    }

    /**
     * Null when admitted: then exactly one of {@link #record} or {@link #noVerdict} follows, and
     * {@link #leave} when the response is over. Otherwise why the request may not go.
     */
    public Refusal admit() {
        if (!bulkhead.tryAcquirePermission()) {
            return Refusal.AT_CAPACITY;
        }
        if (breaker != null && !breaker.tryAcquirePermission()) {
            bulkhead.releasePermission();
            return Refusal.OPEN;
        }
        if (breaker != null
                && lastLogged == CircuitBreaker.State.OPEN
                && breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
            logTransition(CircuitBreaker.State.HALF_OPEN);
        }
        return null;
    }

    /** Is the backend's {@code status} a failure for the breaker? (Gateway errors always are.) */
    public boolean isFailureStatus(int status) {
        return breakerConfig != null && breakerConfig.failureStatuses().contains(status);
    }

    /** The breaker's verdict on an admitted request, once its response status is known. */
    public void record(boolean failed, long nanos) {
        if (breaker == null) {
            return;
        }
        if (!failed) {
            // A closed breaker with no failure since the last success has nothing to learn from
            // another success when only consecutive failures open it: skip the bookkeeping. A rate
            // counts every call.
            if (!failuresPending
                    && lastLogged == CircuitBreaker.State.CLOSED
                    && breakerConfig.mode() == CircuitBreakerSchema.Mode.CONSECUTIVE) {
                return;
            }
            failuresPending = false;
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            if (lastLogged != CircuitBreaker.State.CLOSED && breaker.getState() == CircuitBreaker.State.CLOSED) {
                logTransition(CircuitBreaker.State.CLOSED);
            }
            return;
        }
        failuresPending = true;
        breaker.onError(nanos, TimeUnit.NANOSECONDS, UpstreamFailure.INSTANCE);
        // A trial request that fails re-opens at once, whatever the other trials do.
        if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
            breaker.transitionToOpenState();
        }
        if (breaker.getState() == CircuitBreaker.State.OPEN && lastLogged != CircuitBreaker.State.OPEN) {
            openedAtNanos = System.nanoTime();
            logTransition(CircuitBreaker.State.OPEN);
        }
    }

    /** The admitted request says nothing about the backend (no target to try): no verdict. */
    public void noVerdict() {
        if (breaker != null) {
            breaker.releasePermission();
        }
    }

    /** The admitted request's response is over: its bulkhead slot is free. */
    public void leave() {
        bulkhead.releasePermission();
    }

    /** Logs each change of state once; racing requests may both see it, one of them logs. */
    private synchronized void logTransition(CircuitBreaker.State to) {
        if (lastLogged == to) {
            return;
        }
        CircuitBreaker.State from = lastLogged;
        lastLogged = to;
        LOG.log(
                to == CircuitBreaker.State.OPEN ? Level.WARNING : Level.INFO,
                () -> "circuit breaker of service "
                        + service + ": " + from + " -> " + to
                        + (to == CircuitBreaker.State.OPEN ? " for " + breakerConfig.openMillis() + " ms" : ""));
    }

    /** Seconds until an open breaker lets a trial request through (at least 1). */
    public long retryAfterSeconds() {
        if (breakerConfig == null) {
            return 1;
        }
        long left = TimeUnit.MILLISECONDS.toNanos(breakerConfig.openMillis()) - (System.nanoTime() - openedAtNanos);
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999L));
    }

    /** Closes the breaker (admin API). */
    public void reset() {
        if (breaker != null) {
            breaker.reset();
            logTransition(CircuitBreaker.State.CLOSED);
        }
    }

    public GuardStatus status() {
        return new GuardStatus(
                service,
                breaker == null ? "DISABLED" : breaker.getState().name(),
                breaker == null ? 0 : breaker.getMetrics().getNumberOfFailedCalls(),
                maxConcurrent,
                maxConcurrent - bulkhead.getMetrics().getAvailableConcurrentCalls());
    }

    boolean sameSettings(CircuitBreakerSchema.Config config, int concurrent) {
        return java.util.Objects.equals(breakerConfig, config) && maxConcurrent == concurrent;
    }

    /** A failure recorded without a stack trace: the breaker only counts it. */
    private static final class UpstreamFailure extends RuntimeException {
        static final UpstreamFailure INSTANCE = new UpstreamFailure();

        private UpstreamFailure() {
            super("upstream failure", null, false, false);
        }
    }
}
