package com.gitinsight.gateway.security;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

/**
 * Verifies tokens of one OpenID Connect provider (jose4j): the JWKS URL comes from discovery
 * ({@code issuer/.well-known/openid-configuration}) unless given; keys ({@link ProviderKeys}) are
 * cached, refreshed on schedule ({@code jwks_cache_seconds}) and when a token names an unknown
 * {@code kid}, but at most once per {@code jwks_min_refresh_seconds}, so random kids cannot hammer
 * the provider. Discovery and keys come through {@link IdentityProviderClient} (its guards and its
 * last good answers). One instance per key source, kept across reloads.
 */
final class SsoVerifier {

    private static final Logger LOG = Logger.getLogger(SsoVerifier.class.getName());

    private final JwtSchema.Sso settings;
    private final IdentityProviderClient idp;
    private final ProviderKeys keys;
    private final Map<JwtSchema.Sso, JwtConsumer> consumers = new ConcurrentHashMap<>();
    private volatile String jwksUri;

    /** For code that is not a CDI bean: the client is looked up ({@link IdentityProviderClient#current()}). */
    SsoVerifier(JwtSchema.Sso settings) {
        this(settings, IdentityProviderClient.current());
    }

    /** {@code idp}: the CDI bean (its proxy), so its Fault Tolerance guards act. */
    SsoVerifier(JwtSchema.Sso settings, IdentityProviderClient idp) {
        this(settings, idp, System::nanoTime);
    }

    /** {@code clock}: nanoseconds, for the key cache's times (tests). */
    SsoVerifier(JwtSchema.Sso settings, IdentityProviderClient idp, LongSupplier clock) {
        this.settings = settings;
        this.idp = idp;
        this.keys = new ProviderKeys(
                settings.keySource(),
                this::fetchKeys,
                settings.jwksCacheSeconds(),
                settings.jwksMinRefreshSeconds(),
                clock);
    }

    /**
     * The verified claims, or an exception saying why not (a provider that cannot be reached and
     * whose keys were never fetched is an {@link InvalidJwtException} too).
     */
    JwtClaims verify(String token, JwtSchema.Sso sso) throws InvalidJwtException, IOException {
        return consumers.computeIfAbsent(sso, s -> build(s, keys)).processToClaims(token);
    }

    private static JwtConsumer build(JwtSchema.Sso sso, VerificationKeyResolver keys) {
        JwtConsumerBuilder b = new JwtConsumerBuilder()
                .setVerificationKeyResolver(keys)
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(sso.clockSkewSeconds())
                .setJwsAlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT,
                        sso.algorithms().toArray(new String[0]));
        if (sso.issuer() != null) {
            b.setExpectedIssuer(true, sso.issuer());
        }
        if (sso.audiences().isEmpty()) {
            b.setSkipDefaultAudienceValidation();
        } else {
            b.setExpectedAudience(true, sso.audiences().toArray(new String[0]));
        }
        return b.build();
    }

    /** The key set; the JWKS URL is discovered once (a failed discovery is tried again with the keys' next refresh). */
    private JsonWebKeySet fetchKeys() throws IOException {
        String uri = jwksUri;
        if (uri == null) {
            uri = settings.jwksUri() != null
                    ? settings.jwksUri()
                    : idp.discovery(settings.issuer()).jwksUri();
            jwksUri = uri;
            String found = uri;
            LOG.info(() -> "SSO keys for " + settings.keySource() + " from " + found);
        }
        return idp.keys(uri);
    }
}
