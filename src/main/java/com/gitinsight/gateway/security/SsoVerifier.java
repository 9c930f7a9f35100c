package com.gitinsight.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jose4j.http.Get;
import org.jose4j.http.SimpleResponse;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Verifies tokens of one OpenID Connect provider (jose4j): the JWKS URL comes from discovery
 * ({@code issuer/.well-known/openid-configuration}) unless given; keys are cached, refreshed on
 * schedule (cache duration) and when a token names an unknown {@code kid}, but at most once per
 * {@code jwks_min_refresh_seconds}, so random kids cannot hammer the provider. One instance per
 * key source, kept across reloads.
 */
final class SsoVerifier {

    private static final Logger LOG = Logger.getLogger(SsoVerifier.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A failed discovery is retried no sooner than this. */
    private static final long DISCOVERY_RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final JwtPlugin.Sso settings;
    private final Map<JwtPlugin.Sso, JwtConsumer> consumers = new ConcurrentHashMap<>();
    private volatile HttpsJwksVerificationKeyResolver keys;
    private volatile long discoveryFailedAt;

    SsoVerifier(JwtPlugin.Sso settings) {
        this.settings = settings;
    }

    /** The verified claims, or an exception saying why not. */
    JwtClaims verify(String token, JwtPlugin.Sso sso) throws InvalidJwtException, IOException {
        JwtConsumer consumer = consumers.get(sso);
        if (consumer == null) {
            consumer = build(sso, keys());
            consumers.put(sso, consumer);
        }
        return consumer.processToClaims(token);
    }

    private static JwtConsumer build(JwtPlugin.Sso sso, HttpsJwksVerificationKeyResolver keys) {
        JwtConsumerBuilder b = new JwtConsumerBuilder()
                .setVerificationKeyResolver(keys)
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(sso.clockSkewSeconds())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
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

    private HttpsJwksVerificationKeyResolver keys() throws IOException {
        HttpsJwksVerificationKeyResolver k = keys;
        if (k != null) {
            return k;
        }
        synchronized (this) {
            if (keys == null) {
                if (discoveryFailedAt != 0 && System.nanoTime() - discoveryFailedAt < DISCOVERY_RETRY_NANOS) {
                    throw new IOException("the identity provider's discovery failed recently");
                }
                String jwksUri = settings.jwksUri() != null ? settings.jwksUri() : discover(settings.issuer());
                HttpsJwks jwks = new HttpsJwks(jwksUri);
                jwks.setDefaultCacheDuration(settings.jwksCacheSeconds());
                jwks.setRefreshReprieveThreshold(TimeUnit.SECONDS.toMillis(settings.jwksMinRefreshSeconds()));
                jwks.setRetainCacheOnErrorDuration(TimeUnit.HOURS.toSeconds(1));
                jwks.setSimpleHttpGet(http());
                keys = new HttpsJwksVerificationKeyResolver(jwks);
                LOG.info(() -> "SSO keys for " + settings.keySource() + " from " + jwksUri);
            }
            return keys;
        }
    }

    private String discover(String issuer) throws IOException {
        String url = issuer.endsWith("/") ? issuer + ".well-known/openid-configuration"
                : issuer + "/.well-known/openid-configuration";
        try {
            SimpleResponse response = http().get(url);
            if (response.getStatusCode() != 200) {
                throw new IOException("HTTP " + response.getStatusCode() + " from " + url);
            }
            JsonNode doc = JSON.readTree(response.getBody());
            String jwks = doc.path("jwks_uri").asText(null);
            if (jwks == null) {
                throw new IOException("no jwks_uri in " + url);
            }
            discoveryFailedAt = 0;
            return jwks;
        } catch (IOException e) {
            discoveryFailedAt = System.nanoTime();
            LOG.log(Level.WARNING, "OIDC discovery of " + issuer + " failed: " + e.getMessage());
            throw e;
        }
    }

    private static Get http() {
        Get get = new Get();
        get.setConnectTimeout(3000);
        get.setReadTimeout(5000);
        return get;
    }
}
