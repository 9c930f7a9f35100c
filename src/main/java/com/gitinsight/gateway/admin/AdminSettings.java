package com.gitinsight.gateway.admin;

import com.gitinsight.gateway.http.Cidr;
import com.gitinsight.gateway.security.IdentityProviderClient;
import com.gitinsight.gateway.security.SsoTokens;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How admins get in: a static token ({@code GATEWAY_ADMIN_TOKEN}, for bootstrapping) and/or an
 * OpenID Connect provider whose tokens carry the admin role; from the allowed networks only.
 * Nothing configured: the admin API refuses everyone.
 */
@ApplicationScoped
public class AdminSettings {

    private static final Logger LOG = Logger.getLogger(AdminSettings.class.getName());

    /** MicroProfile Config maps the environment variable GATEWAY_ADMIN_TOKEN here. */
    @Inject
    @ConfigProperty(name = "gateway.admin.token")
    Optional<String> token;

    @Inject
    @ConfigProperty(
            name = "gateway.admin.allow",
            defaultValue = "127.0.0.0/8,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7")
    String allow;

    @Inject
    @ConfigProperty(name = "gateway.admin.oidc.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "gateway.admin.oidc.jwks-uri")
    Optional<String> jwksUri;

    @Inject
    @ConfigProperty(name = "gateway.admin.oidc.audience")
    Optional<String> audience;

    @Inject
    @ConfigProperty(name = "gateway.admin.oidc.client-id")
    Optional<String> clientId;

    @Inject
    @ConfigProperty(name = "gateway.admin.oidc.scope", defaultValue = "openid profile")
    String scope;

    @Inject
    @ConfigProperty(name = "gateway.admin.oidc.roles-claim", defaultValue = "roles")
    String rolesClaim;

    @Inject
    @ConfigProperty(name = "gateway.admin.oidc.role", defaultValue = "gateway-admin")
    String role;

    @Inject
    @ConfigProperty(name = "gateway.admin.backups", defaultValue = "10")
    int backups;

    @Inject
    IdentityProviderClient idp;

    private List<Cidr> allowed;
    private SsoTokens sso;

    @PostConstruct
    void start() {
        allowed = Cidr.parseList(allow);
        if (issuer.isPresent()) {
            List<String> audiences = audience.map(a -> Arrays.stream(a.split(","))
                            .map(String::trim)
                            .filter(s -> !s.isEmpty())
                            .toList())
                    .orElse(List.of());
            // Without an audience, a token must still be the console's (aud or azp): the provider's
            // tokens for its other clients carry the same realm roles.
            sso = new SsoTokens(
                    issuer.get(), jwksUri.orElse(null), audiences, rolesClaim, idp, clientId.orElse("gateway-console"));
        }
        if (adminToken() == null && sso == null) {
            LOG.info("Admin API closed: set GATEWAY_ADMIN_TOKEN or gateway.admin.oidc.issuer to open it");
        } else if (adminToken() != null && adminToken().length() < 16) {
            LOG.warning("GATEWAY_ADMIN_TOKEN is shorter than 16 characters; use a long random token");
        }
    }

    /** The static admin token, or null when none is set. */
    String adminToken() {
        return token.filter(t -> !t.isBlank()).orElse(null);
    }

    List<Cidr> allowed() {
        return allowed;
    }

    /** The SSO verifier, or null when no provider is configured. */
    SsoTokens sso() {
        return sso;
    }

    String role() {
        return role;
    }

    int backupsKept() {
        return backups;
    }

    /** What the console needs to start a login (no secret: PKCE needs none). */
    Optional<Oidc> oidc() {
        return issuer.map(i -> new Oidc(i, clientId.orElse("gateway-console"), scope));
    }

    record Oidc(String issuer, String clientId, String scope) {}
}
