package com.gitinsight.gateway.security;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies bearer tokens of one OpenID Connect provider outside a route (the admin API): the same
 * verifier as the {@code jwt} plugin's SSO mode, so keys, discovery and refresh limits behave alike.
 */
public final class SsoTokens {

    /** Who a verified token names, and its roles (from the configured claim, else roles and groups). */
    public record Identity(String name, Set<String> roles, Set<String> scopes) {}

    private final JwtSchema.Sso settings;
    private final SsoVerifier verifier;
    private final String party;

    /**
     * {@code jwksUri} may be null (discovery from the issuer); an empty {@code audience} skips its
     * check. {@code idp}: the injected client, so its guards act.
     */
    public SsoTokens(
            String issuer, String jwksUri, List<String> audiences, String rolesClaim, IdentityProviderClient idp) {
        this(issuer, jwksUri, audiences, rolesClaim, idp, null);
    }

    /**
     * As above; {@code party}: with no audience configured, the client a token must be for (its
     * {@code aud} holds it, or its {@code azp} is it), so a token the provider issued to another of
     * its clients (the public web app's) is not an admin's. Null: no such check.
     */
    public SsoTokens(
            String issuer,
            String jwksUri,
            List<String> audiences,
            String rolesClaim,
            IdentityProviderClient idp,
            String party) {
        this.party = party;
        this.settings = new JwtSchema.Sso(
                issuer,
                jwksUri,
                audiences,
                List.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"),
                60,
                List.of(),
                List.of(),
                rolesClaim,
                "preferred_username",
                300,
                30);
        this.verifier = new SsoVerifier(settings, idp);
    }

    /** The token's identity; an exception saying why it is not valid for this provider. */
    public Identity verify(String token) throws InvalidJwtException, IOException {
        JwtClaims claims = verifier.verify(token, settings);
        if (party != null && settings.audiences().isEmpty() && !forParty(claims)) {
            throw new InvalidJwtException(
                    "the token was issued to another client (neither aud nor azp is " + party + ")", List.of(), null);
        }
        String name = claims.getClaimValue("preferred_username") instanceof String s ? s : subject(claims);
        return new Identity(name, roles(claims, settings.rolesClaim()), scopes(claims));
    }

    private boolean forParty(JwtClaims claims) {
        try {
            List<String> audience = claims.hasAudience() ? claims.getAudience() : List.of();
            if (audience.contains(party)) {
                return true;
            }
        } catch (MalformedClaimException e) {
            return false;
        }
        return party.equals(claims.getClaimValue("azp"));
    }

    private static String subject(JwtClaims claims) {
        try {
            return claims.getSubject();
        } catch (MalformedClaimException e) {
            return null;
        }
    }

    static Set<String> roles(JwtClaims claims, String rolesClaim) {
        Set<String> roles = new LinkedHashSet<>();
        if (rolesClaim != null) {
            roles.addAll(SsoPrincipal.strings(claims.getClaimValue(rolesClaim)));
        } else {
            roles.addAll(SsoPrincipal.strings(claims.getClaimValue("roles")));
            roles.addAll(SsoPrincipal.strings(claims.getClaimValue("groups")));
        }
        return roles;
    }

    static Set<String> scopes(JwtClaims claims) {
        Set<String> scopes = SsoPrincipal.strings(claims.getClaimValue("scope"));
        scopes.addAll(SsoPrincipal.strings(claims.getClaimValue("scp")));
        return scopes;
    }
}
