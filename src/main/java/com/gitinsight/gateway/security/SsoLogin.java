package com.gitinsight.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * The jwt plugin's SSO tokens (OIDC/JWKS, the plugin's {@code sso} or {@link MpJwtDefaults}): the
 * token verified by the provider's keys ({@link SsoVerifier}), its scopes and roles checked, and
 * its consumer: the Kong consumer its claim names, or one made up for the SSO user.
 */
final class SsoLogin {

    /** Under the jwt filter's name, where its refusals have always been logged. */
    private static final Logger LOG = Logger.getLogger(JwtFilter.class.getName());

    /** SSO verifiers by key source and key-cache settings; they cache keys, so they outlive configurations. */
    private final Map<String, SsoVerifier> verifiers = new ConcurrentHashMap<>();

    private final java.util.function.Function<JwtSchema.Sso, SsoVerifier> newVerifier;

    SsoLogin() {
        this(SsoVerifier::new);
    }

    /** {@code newVerifier}: how a key source's verifier is made (tests give a provider of their own). */
    SsoLogin(java.util.function.Function<JwtSchema.Sso, SsoVerifier> newVerifier) {
        this.newVerifier = newVerifier;
    }

    /**
     * A valid SSO token. Not {@code allowed}: it lacks a required scope or role (the rest is then
     * null). {@code known}: the consumer is one of the configuration's; {@code subject} names the
     * credential, {@code sub} is the token's own subject claim (or null).
     */
    record Login(
            boolean allowed,
            Credentials.Consumer consumer,
            boolean known,
            String subject,
            String sub,
            SsoPrincipal principal) {

        static final Login FORBIDDEN = new Login(false, null, false, null, null, null);
    }

    /**
     * The verifier of a key source kept as {@code settings} keep keys: one per source and cache
     * settings, so a reload that changes jwks_cache_seconds or jwks_min_refresh_seconds takes
     * effect (helper review 191), and two instances that set them apart each keep theirs without
     * making the other's fetch again on every request (helper review 192).
     */
    private SsoVerifier verifier(JwtSchema.Sso settings) {
        String key =
                settings.keySource() + "\n" + settings.jwksCacheSeconds() + "\n" + settings.jwksMinRefreshSeconds();
        return verifiers.computeIfAbsent(key, k -> newVerifier.apply(settings));
    }

    /** The login {@code token} makes, or null when it is not a valid token of this provider. */
    Login login(String token, JwtSchema.Sso settings, Credentials credentials) {
        JwtClaims claims;
        try {
            claims = verifier(settings).verify(token, settings);
        } catch (InvalidJwtException | IOException | RuntimeException e) {
            LOG.log(Level.FINE, "SSO token refused: {0}", e.getMessage());
            return null;
        }
        Set<String> scopes = SsoTokens.scopes(claims);
        Set<String> roles = SsoTokens.roles(claims, settings.rolesClaim());
        if (!scopes.containsAll(settings.requiredScopes()) || !roles.containsAll(settings.requiredRoles())) {
            return Login.FORBIDDEN;
        }
        Object mapped = claims.getClaimValue(settings.consumerClaim());
        String name = mapped == null ? null : mapped.toString();
        if (!fitForHeaders(name, roles) || claims.getClaimValue("sub") instanceof String sub && hasControl(sub)) {
            // They go upstream as X-Consumer-Username, X-Credential-Identifier (sub) and
            // X-Authenticated-Groups: a line break would make a second header line ("eve\nadmin"),
            // a comma a second group ("x, admin").
            LOG.log(
                    Level.FINE,
                    "SSO token refused: a control character or an end space in its consumer claim or roles");
            return null;
        }
        Credentials.Consumer known = name == null ? null : credentials.consumer(name);
        String sub = claims.getClaimValue("sub") instanceof String s ? s : null;
        // A token without the consumer claim is its user's own (by sub), not one made-up consumer
        // every such user shares (a rate limit by consumer would have been one for them all).
        String identity = name != null
                ? "sso:" + settings.keySource() + ":" + name
                : "sso-sub:" + settings.keySource() + ":" + sub;
        Credentials.Consumer consumer = known != null
                ? known
                : new Credentials.Consumer(
                        java.util
                                .UUID
                                .nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8))
                                .toString(),
                        name,
                        null);
        String subject = sub != null ? sub : name;
        SsoPrincipal principal = new SsoPrincipal(claims, token, name == null ? subject : name, roles);
        return new Login(true, consumer, known != null, subject, sub, principal);
    }

    /**
     * No control character in the consumer's name or a role, no comma in a role, and no space at
     * either end: a backend's parser strips it, so " admin" would reach it as admin, another
     * consumer than the one the gateway judged (attacker review 178).
     */
    static boolean fitForHeaders(String name, Set<String> roles) {
        if (name != null && hasControl(name)) {
            return false;
        }
        for (String role : roles) {
            if (hasControl(role) || role.indexOf(',') >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControl(String s) {
        if (!s.isEmpty() && (s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' ')) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
