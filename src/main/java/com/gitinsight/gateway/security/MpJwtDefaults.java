package com.gitinsight.gateway.security;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gateway-wide SSO defaults for the jwt plugin from the standard MicroProfile JWT properties
 * ({@code mp.jwt.verify.issuer}, {@code mp.jwt.verify.publickey.location} when it is an http(s)
 * URL, {@code mp.jwt.verify.audiences}): used where a plugin has no {@code sso} of its own.
 */
@ApplicationScoped
public class MpJwtDefaults {

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> mpIssuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> mpKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.audiences")
    Optional<String> mpAudiences;

    private JwtSchema.Sso sso;

    @PostConstruct
    void read() {
        String issuer = mpIssuer.orElse(null);
        String location = mpKeyLocation
                .filter(l -> l.startsWith("http://") || l.startsWith("https://"))
                .orElse(null);
        if (issuer != null || location != null) {
            List<String> audiences =
                    mpAudiences.map(a -> List.of(a.split("\\s*,\\s*"))).orElse(List.of());
            sso = new JwtSchema.Sso(
                    issuer, location, audiences, JwtSchema.ASYMMETRIC, 60, List.of(), List.of(), null, "sub", 300, 10);
        }
    }

    /** The defaults, or null when neither an issuer nor a key URL is configured. */
    JwtSchema.Sso sso() {
        return sso;
    }
}
