package com.gitinsight.gateway.boot;

import java.security.Provider;
import java.util.Map;

/**
 * A security provider with one service: SecureRandom {@value #ALGORITHM}, the JDK's own DRBG with
 * one instance per thread ({@link PerThreadSecureRandom}). Declared thread-safe, so
 * {@code SecureRandom} calls it without synchronising. First in the provider list, it becomes what
 * {@code new SecureRandom()} returns; named algorithms ({@code getInstance("DRBG")},
 * {@code "SHA1PRNG"}, {@code "NativePRNG"}) still come from the JDK's providers.
 */
public final class PerThreadRandomProvider extends Provider {

    private static final long serialVersionUID = 1L;

    static final String NAME = "GatewayPerThreadRandom";
    static final String ALGORITHM = "PerThreadDRBG";

    public PerThreadRandomProvider() {
        super(NAME, "1.0", "SecureRandom " + ALGORITHM + ": the JDK's DRBG, one instance per thread");
        putService(new Service(
                this,
                "SecureRandom",
                ALGORITHM,
                PerThreadSecureRandom.class.getName(),
                null,
                Map.of("ThreadSafe", "true")));
    }
}
