package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Kong's {@code jwt} plugin: consumers' {@code jwt_secrets}, Kong's fields and defaults. */
public final class JwtSchema implements PluginSchema {

    public static final String NAME = "jwt";
    private static final Set<String> FIELDS = Set.of(
            "key_claim_name",
            "claims_to_verify",
            "maximum_expiration",
            "uri_param_names",
            "cookie_names",
            "header_names",
            "secret_is_base64",
            "anonymous",
            "run_on_preflight",
            "issuer",
            "jwks_uri",
            "audiences",
            "allowed_algorithms",
            "clock_skew",
            "required_scopes",
            "required_roles",
            "roles_claim",
            "consumer_claim",
            "jwks_cache_seconds",
            "jwks_min_refresh_seconds",
            "realm");
    static final List<String> ASYMMETRIC =
            List.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA");
    private static final Set<String> CLAIMS = Set.of("exp", "nbf");

    /** {@code realm} (Kong 3.9): named in the 401's {@code WWW-Authenticate} ({@code Bearer realm="..."}); null: none. */
    public record Config(
            String keyClaimName,
            boolean verifyExp,
            boolean verifyNbf,
            double maximumExpiration,
            List<String> uriParamNames,
            List<String> cookieNames,
            List<String> headerNames,
            boolean secretIsBase64,
            String anonymous,
            boolean runOnPreflight,
            Sso sso,
            String realm)
            implements PluginConfig, com.gitinsight.gateway.config.CredentialSource {

        @Override
        public java.util.Collection<String> credentialArguments() {
            return uriParamNames;
        }

        @Override
        public java.util.Collection<String> credentialHeaders() {
            return headerNames;
        }

        public Config {
            uriParamNames = List.copyOf(uriParamNames);
            cookieNames = List.copyOf(cookieNames);
            headerNames = List.copyOf(headerNames);
        }

        public Config(
                String keyClaimName,
                boolean verifyExp,
                boolean verifyNbf,
                double maximumExpiration,
                List<String> uriParamNames,
                List<String> cookieNames,
                List<String> headerNames,
                boolean secretIsBase64,
                String anonymous,
                boolean runOnPreflight,
                Sso sso) {
            this(
                    keyClaimName,
                    verifyExp,
                    verifyNbf,
                    maximumExpiration,
                    uriParamNames,
                    cookieNames,
                    headerNames,
                    secretIsBase64,
                    anonymous,
                    runOnPreflight,
                    sso,
                    null);
        }

        /** Without SSO settings (tests, the Kong-only case). */
        public Config(
                String keyClaimName,
                boolean verifyExp,
                boolean verifyNbf,
                double maximumExpiration,
                List<String> uriParamNames,
                List<String> cookieNames,
                List<String> headerNames,
                boolean secretIsBase64,
                String anonymous,
                boolean runOnPreflight) {
            this(
                    keyClaimName,
                    verifyExp,
                    verifyNbf,
                    maximumExpiration,
                    uriParamNames,
                    cookieNames,
                    headerNames,
                    secretIsBase64,
                    anonymous,
                    runOnPreflight,
                    null);
        }
    }

    /**
     * Enterprise SSO (beyond Kong OSS): tokens from an OpenID Connect provider, verified with its
     * JWKS. {@code issuer} alone uses discovery; {@code jwksUri} overrides it. {@code rolesClaim}
     * null: {@code roles}, then {@code groups}.
     */
    public record Sso(
            String issuer,
            String jwksUri,
            List<String> audiences,
            List<String> algorithms,
            int clockSkewSeconds,
            List<String> requiredScopes,
            List<String> requiredRoles,
            String rolesClaim,
            String consumerClaim,
            int jwksCacheSeconds,
            int jwksMinRefreshSeconds) {
        public Sso {
            audiences = List.copyOf(audiences);
            algorithms = List.copyOf(algorithms);
            requiredScopes = List.copyOf(requiredScopes);
            requiredRoles = List.copyOf(requiredRoles);
        }

        /** Where the keys are: the explicit JWKS URL, else the issuer (for discovery). */
        String keySource() {
            return jwksUri != null ? jwksUri : issuer;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's jwt handler.lua: before ip-restriction (990), so a request without a token gets 401 wherever it comes from. */
    @Override
    public int priority() {
        return 1450;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.JwtFilter");
    }

    /** Kong's typedefs.no_consumer: an auth plugin cannot be a consumer's own. */
    @Override
    public Set<com.gitinsight.gateway.config.PluginSpec.Scope> scopes() {
        return AuthSchemas.NO_CONSUMER;
    }

    /** Warned at load when missing, as key-auth's and basic-auth's; each request falling back to it is 500 (Kong 3.9). */
    @Override
    public String anonymousConsumer(PluginConfig config) {
        return ((Config) config).anonymous();
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, Set.of());
        // Kong's required fields with defaults: absent, the default; an explicit null, refused.
        f.required("secret_is_base64", "run_on_preflight");
        List<String> claims = f.strings("claims_to_verify", List.of());
        for (String c : claims) {
            if (!CLAIMS.contains(c)) {
                f.error("claims_to_verify", "expected one of: exp, nbf"); // Kong's one_of
            }
        }
        // Kong's number, compared as it is (exp - now > 0.5: a token one second from expiry is refused).
        double maxExp = f.number("maximum_expiration", 0, 0, 31_536_000);
        if (maxExp > 0 && !claims.contains("exp")) {
            // Kong's conditional entity check, reported at claims_to_verify (its 06-schema_spec).
            f.error("claims_to_verify", "expected to contain: exp");
        }
        return new Config(
                f.string("key_claim_name", "iss"),
                claims.contains("exp"),
                claims.contains("nbf"),
                maxExp,
                f.strings("uri_param_names", List.of("jwt")),
                f.strings("cookie_names", List.of()),
                f.strings("header_names", List.of("authorization")).stream()
                        .map(h -> h.toLowerCase(Locale.ROOT))
                        .toList(),
                f.bool("secret_is_base64", false),
                AuthSchemas.anonymous(f),
                f.bool("run_on_preflight", true),
                sso(f),
                AuthSchemas.realm(f, null));
    }

    /** A header parameter's value: printable, without control characters (they would split the header). */
    private static Sso sso(PluginFields f) {
        String issuer = f.string("issuer", null);
        String jwks = f.string("jwks_uri", null);
        for (String key : new String[] {"issuer", "jwks_uri"}) {
            String url = f.string(key, null);
            if (url != null && !url.startsWith("https://") && !url.startsWith("http://")) {
                f.error(key, "must be an http(s) URL");
            }
        }
        if (issuer == null && jwks == null) {
            for (String key :
                    List.of("audiences", "required_scopes", "required_roles", "roles_claim", "consumer_claim")) {
                if (f.has(key)) {
                    f.error(key, "needs issuer or jwks_uri");
                }
            }
            return null;
        }
        List<String> algorithms = f.strings("allowed_algorithms", ASYMMETRIC);
        for (String a : algorithms) {
            if (!ASYMMETRIC.contains(a)) {
                f.error("allowed_algorithms", "'" + a + "' is not allowed for SSO tokens; use " + ASYMMETRIC);
            }
        }
        List<String> audiences = f.strings("audiences", List.of());
        if (audiences.isEmpty()) {
            // Attacker review 153: without an audience, a token the provider issued to any of its
            // clients (a public app's, another team's) was accepted; with jwks_uri alone, one from
            // any tenant signing with the same keys.
            f.error(
                    "audiences",
                    "required field missing: the client ids or API audiences whose tokens this route"
                            + " accepts (without them, a token the provider issued to any other client would pass)");
        }
        return new Sso(
                issuer,
                jwks,
                audiences,
                algorithms,
                (int) f.integer("clock_skew", 60, 0, 3600),
                f.strings("required_scopes", List.of()),
                f.strings("required_roles", List.of()),
                f.string("roles_claim", null),
                f.string("consumer_claim", "sub"),
                (int) f.integer("jwks_cache_seconds", 300, 10, 86_400),
                (int) f.integer("jwks_min_refresh_seconds", 10, 1, 3600));
    }
}
