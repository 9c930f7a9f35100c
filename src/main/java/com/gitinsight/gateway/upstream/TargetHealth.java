package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The health of one target, kept across reloads. Passive failures counted within a window eject
 * the target for that window; once it is over the target is tried again on probation (nginx's
 * {@code max_fails}/{@code fail_timeout}), and a failure on probation ejects it at once. Active
 * probes mark it down or up by their own counters. Each change is logged once.
 *
 * <p>The request path reads two volatile fields; a healthy target's success costs nothing more.
 * Failures and transitions lock this one target only.
 */
public final class TargetHealth {

    private static final Logger LOG = Logger.getLogger(TargetHealth.class.getName());
    private static final long FOREVER = Long.MAX_VALUE;

    public enum State {
        HEALTHY,
        UNHEALTHY,
        PROBATION
    }

    private final String upstream;
    private final String address;
    private final Clock clock;

    /** 0: in rotation; otherwise the nanoTime until which it is out ({@link #FOREVER}: until told). */
    private volatile long downUntil;

    private volatile boolean probation;
    /** No counts pending and not on probation: a success has nothing to reset. */
    private volatile boolean clean = true;

    private final int[] passiveCounts = new int[Failure.values().length];
    private int passiveTotal;
    private long windowStart;
    private int probationSuccesses;
    private final int[] activeCounts = new int[Failure.values().length];
    private int activeSuccesses;
    private String reason = "";
    private Instant since;

    TargetHealth(String upstream, String address, Clock clock) {
        this.upstream = upstream;
        this.address = address;
        this.clock = clock;
        this.since = clock.now();
    }

    /** A monotonic nanosecond clock plus wall time, replaceable in tests. */
    public interface Clock {
        long nanoTime();

        default Instant now() {
            return Instant.now();
        }

        Clock SYSTEM = System::nanoTime;
    }

    /** True when the target may take a request now (healthy, or its ejection is over). */
    public boolean available() {
        long until = downUntil;
        if (until == 0) {
            return true;
        }
        if (until == FOREVER || clock.nanoTime() < until) {
            return false;
        }
        startProbation(until);
        return true;
    }

    private synchronized void startProbation(long expiredUntil) {
        if (downUntil != expiredUntil) {
            return;
        }
        downUntil = 0;
        probation = true;
        probationSuccesses = 0;
        clean = false;
        transition("back on probation: its recovery interval is over");
    }

    /** Nanoseconds until the target is tried again; -1 when that waits for a probe or an admin. */
    long nanosUntilRetry() {
        long until = downUntil;
        if (until == 0) {
            return 0;
        }
        return until == FOREVER ? -1 : Math.max(0, until - clock.nanoTime());
    }

    void passiveSuccess(PassiveRule rule) {
        if (clean) {
            return;
        }
        if (rule.successes() == 0 && !probation) {
            // lua-resty-healthcheck: a success counter of 0 counts nothing, so a success does not
            // clear the failures (one failure in ten still reaches http_failures: 3).
            return;
        }
        synchronized (this) {
            if (probation) {
                if (++probationSuccesses >= Math.max(1, rule.successes())) {
                    probation = false;
                    transition("healthy again");
                }
            }
            resetPassive();
            clean = !probation;
        }
    }

    synchronized void passiveFailure(PassiveRule rule, Failure kind) {
        if (!rule.enabled() || downUntil != 0) {
            return;
        }
        long now = clock.nanoTime();
        if (probation) {
            eject(rule.windowNanos(), now, "failed again on probation (" + kind.plural() + ")");
            return;
        }
        // No window (fail_timeout 0, Kong's): counts only end with an ejection or a counted success.
        if (passiveTotal == 0 || rule.windowNanos() > 0 && now - windowStart > rule.windowNanos()) {
            resetPassive();
            windowStart = now;
        }
        int count = ++passiveCounts[kind.ordinal()];
        passiveTotal++;
        clean = false;
        int threshold = switch (kind) {
            case TCP -> rule.tcpFailures();
            case TIMEOUT -> rule.timeouts();
            case HTTP -> rule.httpFailures();
        };
        if (threshold > 0 && count >= threshold) {
            eject(rule.windowNanos(), now, count + " " + kind.plural() + windowText(rule));
        } else if (rule.anyFailures() > 0 && passiveTotal >= rule.anyFailures()) {
            eject(rule.windowNanos(), now, passiveTotal + " failures" + windowText(rule));
        }
    }

    private static String windowText(PassiveRule rule) {
        return rule.windowNanos() > 0 ? " within " + TimeUnit.NANOSECONDS.toMillis(rule.windowNanos()) + " ms" : "";
    }

    private void eject(long forNanos, long now, String why) {
        resetPassive();
        // As lua-resty-healthcheck's set_target_status: coming back takes healthy.successes probes in a row.
        activeSuccesses = 0;
        probation = false;
        clean = false;
        downUntil = forNanos > 0 ? Math.max(1, now + forNanos) : FOREVER;
        transition("unhealthy: " + why
                + (forNanos > 0
                        ? "; out for " + TimeUnit.NANOSECONDS.toMillis(forNanos) + " ms"
                        : "; out until a probe succeeds"));
    }

    private void resetPassive() {
        java.util.Arrays.fill(passiveCounts, 0);
        passiveTotal = 0;
    }

    /** One active probe: {@code failure} null when the probe succeeded. */
    synchronized void activeResult(HealthCheckSpec.Active rule, Failure failure) {
        // lua-resty-healthcheck's incr_counter: a counter whose limit is 0 counts nothing, so with
        // healthy.successes 0 a good probe does not clear the failures, and a failure of a kind
        // with no limit does not break a run of successes.
        if (failure == null) {
            if (rule.healthySuccesses() == 0) {
                return;
            }
            java.util.Arrays.fill(activeCounts, 0);
            activeSuccesses++;
            boolean down = downUntil != 0 || probation;
            if (down && rule.healthySuccesses() > 0 && activeSuccesses >= rule.healthySuccesses()) {
                downUntil = 0;
                probation = false;
                resetPassive();
                clean = true;
                transition("healthy: " + activeSuccesses + " successful probes");
            }
            return;
        }
        int threshold = switch (failure) {
            case TCP -> rule.tcpFailures();
            case TIMEOUT -> rule.timeouts();
            case HTTP -> rule.httpFailures();
        };
        if (threshold == 0) {
            return;
        }
        activeSuccesses = 0;
        int count = ++activeCounts[failure.ordinal()];
        if (count >= threshold && downUntil != FOREVER) {
            java.util.Arrays.fill(activeCounts, 0);
            probation = false;
            clean = false;
            downUntil = FOREVER;
            transition("unhealthy: " + count + " failed probes (" + failure.plural() + "); out until a probe succeeds");
        }
    }

    /** An operator's decision (admin API): in rotation now, or out until told otherwise. */
    public synchronized void force(boolean healthy) {
        resetPassive();
        java.util.Arrays.fill(activeCounts, 0);
        activeSuccesses = 0;
        probation = false;
        downUntil = healthy ? 0 : FOREVER;
        clean = healthy;
        transition(healthy ? "healthy: set by an operator" : "unhealthy: set by an operator");
    }

    public State state() {
        if (probation) {
            return State.PROBATION;
        }
        return downUntil == 0 ? State.HEALTHY : State.UNHEALTHY;
    }

    public synchronized TargetStatus status(int weight) {
        long retry = nanosUntilRetry();
        return new TargetStatus(
                upstream,
                address,
                weight,
                state(),
                reason,
                since,
                retry < 0 ? null : TimeUnit.NANOSECONDS.toMillis(retry));
    }

    private void transition(String why) {
        reason = why;
        since = clock.now();
        LOG.log(
                why.startsWith("unhealthy") ? Level.WARNING : Level.INFO,
                () -> "upstream " + upstream + " target " + address + " is " + why);
    }
}
