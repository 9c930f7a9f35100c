package com.gitinsight.gateway.boot;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/**
 * Hands every call to the calling thread's own instance of the JDK's DRBG (each seeded by the JDK
 * from the system's entropy source when first used). No state is shared between threads, so no
 * lock is: the JDK's generators synchronise every call on one instance. The generation itself is
 * the JDK's; nothing here is cryptography.
 */
public final class PerThreadSecureRandom extends SecureRandomSpi {

    private static final long serialVersionUID = 1L;

    // Not static: each SecureRandom made from this provider has its own set of per-thread generators.
    private final transient ThreadLocal<SecureRandom> generators = ThreadLocal.withInitial(PerThreadSecureRandom::drbg);

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no DRBG SecureRandom", e);
        }
    }

    /** The generator calls on this thread use. */
    SecureRandom current() {
        return generators.get();
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
        // Adds to this thread's generator's entropy (DRBG reseeds; it never replaces its state).
        generators.get().setSeed(seed);
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
        generators.get().nextBytes(bytes);
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
        return generators.get().generateSeed(numBytes);
    }
}
