package com.gitinsight.gateway.security;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;

/**
 * A verified SSO token as MicroProfile JWT's {@link JsonWebToken}: what JAX-RS code (the admin API)
 * sees as the request's principal. {@code groups} are the token's roles.
 */
final class SsoPrincipal implements JsonWebToken {

    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

    private final JwtClaims claims;
    private final String rawToken;
    private final String name;
    private final Set<String> roles;

    SsoPrincipal(JwtClaims claims, String rawToken, String name, Set<String> roles) {
        this.claims = claims;
        this.rawToken = rawToken;
        this.name = name;
        this.roles = Set.copyOf(roles);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Set<String> getClaimNames() {
        Set<String> names = new HashSet<>(claims.getClaimNames());
        names.add("raw_token");
        return names;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String claimName) {
        return switch (claimName) {
            case "raw_token" -> (T) rawToken;
            case "groups" -> (T) roles;
            case "aud" -> claims.hasClaim("aud") ? (T) strings(claims.getClaimValue("aud")) : null;
            default -> (T) claims.getClaimValue(claimName);
        };
    }

    Set<String> roles() {
        return roles;
    }

    /** The strings of a claim that is a list, or a space-separated string (OAuth {@code scope}). */
    static Set<String> strings(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof String s) {
            for (String part : SPACES.split(s.trim())) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        } else if (claim instanceof List<?> list) {
            for (Object o : list) {
                if (o != null) {
                    out.add(o.toString());
                }
            }
        }
        return out;
    }

    /**
     * The acl plugin's authenticated groups (Kong's {@code authenticated_groups}) of this login: its
     * roles, sorted so the upstream's X-Authenticated-Groups does not vary between requests. Here,
     * not in JwtFilter: a filter's method signatures must not name this class, which implements
     * MicroProfile JWT's interface (absent on WildFly: CDI reads a filter's methods when it makes it).
     */
    java.util.List<String> sortedRoles() {
        return roles().stream().sorted().toList();
    }
}
