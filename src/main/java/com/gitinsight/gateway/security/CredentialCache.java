package com.gitinsight.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.gitinsight.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The jwt plugin's credentials of the running configuration, rebuilt when it changes, and the
 * signatures already verified against them (by exact token and base64 flag; bounded, one minute):
 * a client resends the same token, and checking an HMAC and parsing two JSON documents again each
 * time was a third of the filter chain's CPU. Time claims are re-checked on every hit; a reload
 * starts a new cache.
 */
final class CredentialCache {

    private static final long MAX_TOKENS = 10_000;
    private static final Duration TOKEN_TTL = Duration.ofMinutes(1);

    private final AtomicReference<Generation> current = new AtomicReference<>();

    /** Credentials of one configuration and the tokens verified against them. */
    private record Generation(
            GatewayConfig config,
            Credentials plain,
            Credentials base64,
            Cache<String, KongJwtVerifier.Verified> verified) {}

    /** The credentials of {@code config}, with secrets as written or base64-decoded. */
    Credentials credentials(GatewayConfig config, boolean base64) {
        Generation c = generation(config);
        return base64 ? c.base64() : c.plain();
    }

    private Generation generation(GatewayConfig config) {
        Generation c = current.get();
        if (c == null || c.config() != config) {
            // Maintenance on the calling thread, amortized: no unmanaged pool threads in the container.
            c = new Generation(
                    config,
                    Credentials.of(config, false),
                    Credentials.of(config, true),
                    Caffeine.newBuilder()
                            .maximumSize(MAX_TOKENS)
                            .expireAfterWrite(TOKEN_TTL)
                            .executor(Runnable::run)
                            .build());
            current.set(c);
        }
        return c;
    }

    /**
     * Verifies {@code token} against {@code running}'s credentials: the request's own configuration,
     * never whichever another request last asked for (a request still on the configuration before
     * a reload could otherwise have a deleted credential verify a new request's token).
     */
    KongJwtVerifier.Result verify(String token, JwtSchema.Config config, GatewayConfig running, long now) {
        Generation c = generation(running);
        // A token may be 16 KiB: long ones are kept by their hash, so 10,000 entries stay small.
        // Prefixed, so a short token can never equal the key of a long one's hash.
        String id = token.length() <= 256
                ? "t:" + token
                : "h:"
                        + com.google.common.hash.Hashing.sha256()
                                .hashString(token, java.nio.charset.StandardCharsets.UTF_8);
        String key = config.secretIsBase64() ? "b64:" + id : id;
        KongJwtVerifier.Verified known = c.verified().getIfPresent(key);
        if (known != null && config.keyClaimName().equals(known.keyClaimName())) {
            KongJwtVerifier.Rejected late = KongJwtVerifier.times(known, config, now);
            return late != null ? late : known;
        }
        KongJwtVerifier.Result result =
                KongJwtVerifier.verify(token, config, config.secretIsBase64() ? c.base64() : c.plain(), now);
        if (result instanceof KongJwtVerifier.Verified v) {
            c.verified().put(key, v);
        }
        return result;
    }
}
