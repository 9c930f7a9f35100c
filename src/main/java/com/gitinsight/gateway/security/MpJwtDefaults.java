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

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(MpJwtDefaults.class.getName());

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
            List<String> audiences = mpAudiences
                    .map(a -> List.of(a.trim().split("\\s*,\\s*")))
                    .filter(a -> !a.isEmpty() && !a.get(0).isEmpty())
                    .orElse(List.of());
            if (audiences.isEmpty()) {
                // As the plugin's sso: without an audience any client's token would pass.
                LOG.severe("mp.jwt.verify.audiences is not set: the gateway-wide SSO defaults are off (a token"
                        + " the provider issued to any of its clients would be accepted); set the audiences"
                        + " this gateway accepts tokens for");
                return;
            }
            sso = new JwtSchema.Sso(
                    issuer, location, audiences, JwtSchema.ASYMMETRIC, 60, List.of(), List.of(), null, "sub", 300, 10);
        }
    }

    /** The defaults, or null when neither an issuer nor a key URL is configured. */
    JwtSchema.Sso sso() {
        return sso;
    }
}
