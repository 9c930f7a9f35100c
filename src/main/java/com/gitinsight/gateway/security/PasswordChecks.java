package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PasswordHash;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds basic-auth's password derivations: at most {@code permits} at once (half the cores: a
 * flood of wrong passwords leaves the rest to the proxy), at most {@link #MAX_WAITING} requests
 * waiting for a slot, each at most {@link #WAIT_MILLIS}; any other is refused at once ({@link
 * Busy}: the filter answers 503), so a flood parks a handful of request threads, not all of them
 * (attacker review 179). An unknown username costs the same derivation as a known one, so timing
 * does not reveal which usernames exist. Only checks the verified-password cache cannot answer
 * come here.
 */
final class PasswordChecks {

    /** A hash of nothing, to spend an unknown username's derivation on. */
    private static final PasswordHash NOBODY = PasswordHash.of("");

    /** Requests that may wait for a slot at once; one more is refused without waiting. */
    static final int MAX_WAITING = 8;

    static final long WAIT_MILLIS = 200;

    private final Semaphore permits;
    private final Semaphore waiting = new Semaphore(MAX_WAITING);
    private final java.util.concurrent.atomic.LongAdder derivations = new java.util.concurrent.atomic.LongAdder();

    private final long waitMillis;

    PasswordChecks(int permits) {
        this(permits, WAIT_MILLIS);
    }

    PasswordChecks(int permits, long waitMillis) {
        this.permits = new Semaphore(Math.max(1, permits));
        this.waitMillis = waitMillis;
    }

    /** Requests waiting for a slot now. */
    int waiting() {
        return MAX_WAITING - waiting.availablePermits();
    }

    /** The slots for a gateway on {@code cores} cores: half of them, at least one. */
    static int forCores(int cores) {
        return Math.max(1, cores / 2);
    }

    /** Thrown when no derivation slot is free, and none frees in time or too many wait already. */
    static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("password checks busy", null, false, false);
        }
    }

    boolean matches(PasswordHash hash, String password) {
        if (!permits.tryAcquire()) {
            if (!waiting.tryAcquire()) {
                throw new Busy();
            }
            try {
                if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                    throw new Busy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Busy();
            } finally {
                waiting.release();
            }
        }
        try {
            derivations.increment();
            return hash.matches(password);
        } finally {
            permits.release();
        }
    }

    /** Passwords checked so far, an unknown user's included. */
    long derivations() {
        return derivations.sum();
    }

    /** Spends an unknown username's check on {@code decoy} (a hash of the file's kind; null: PBKDF2's). */
    void unknownUser(PasswordHash decoy, String password) {
        matches(decoy != null ? decoy : NOBODY, password);
    }
}
