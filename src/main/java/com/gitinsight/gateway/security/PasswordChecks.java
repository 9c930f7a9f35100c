package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PasswordHash;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds basic-auth's password derivations: at most {@code permits} at once (one per core), a
 * check waiting longer than a second is refused ({@link Busy}: the filter answers 503), and an
 * unknown username costs the same derivation as a known one, so timing does not reveal which
 * usernames exist. Only checks the verified-password cache cannot answer come here.
 */
final class PasswordChecks {

    /** A hash of nothing, to spend an unknown username's derivation on. */
    private static final PasswordHash NOBODY = PasswordHash.of("");

    private final Semaphore permits;
    private final java.util.concurrent.atomic.LongAdder derivations = new java.util.concurrent.atomic.LongAdder();

    PasswordChecks(int permits) {
        this.permits = new Semaphore(Math.max(1, permits));
    }

    /** Thrown when no derivation slot frees within a second. */
    static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("password checks busy", null, false, false);
        }
    }

    boolean matches(PasswordHash hash, String password) {
        try {
            if (!permits.tryAcquire(1, TimeUnit.SECONDS)) {
                throw new Busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
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
