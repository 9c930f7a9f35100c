package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.List;
import java.util.Set;

/** Kong's {@code hmac-auth} (3.9): consumers' {@code hmacauth_credentials}, requests signed with their secret. */
public final class HmacAuthSchema implements PluginSchema {

    public static final String NAME = "hmac-auth";
    /** Kong's {@code ALGORITHMS}, in its order (also the default). */
    static final List<String> ALGORITHMS = List.of("hmac-sha1", "hmac-sha256", "hmac-sha384", "hmac-sha512");

    private static final Set<String> FIELDS = Set.of(
            "hide_credentials",
            "clock_skew",
            "anonymous",
            "validate_request_body",
            "enforce_headers",
            "algorithms",
            "realm");

    /** {@code challenge}: the 401s' {@code WWW-Authenticate}, {@code hmac} or {@code hmac realm="<realm>"}. */
    public record Config(
            boolean hideCredentials,
            double clockSkew,
            String anonymous,
            boolean validateRequestBody,
            List<String> enforceHeaders,
            Set<String> algorithms,
            String realm,
            String challenge)
            implements PluginConfig {

        public Config {
            enforceHeaders = List.copyOf(enforceHeaders);
            algorithms = Set.copyOf(algorithms);
        }

        /** Kong's fields; the challenge is derived. */
        public static Config of(
                boolean hideCredentials,
                double clockSkew,
                String anonymous,
                boolean validateRequestBody,
                List<String> enforceHeaders,
                Set<String> algorithms,
                String realm) {
            return new Config(
                    hideCredentials,
                    clockSkew,
                    anonymous,
                    validateRequestBody,
                    enforceHeaders,
                    algorithms,
                    realm,
                    realm == null ? "hmac" : "hmac realm=" + AuthSchemas.quoted(realm));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's hmac-auth handler.lua: after basic-auth (1100), before ip-restriction (990) and acl (950). */
    @Override
    public int priority() {
        return 1030;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.HmacAuthFilter");
    }

    @Override
    public Set<PluginSpec.Scope> scopes() {
        return AuthSchemas.NO_CONSUMER;
    }

    @Override
    public String anonymousConsumer(PluginConfig config) {
        return ((Config) config).anonymous();
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, Set.of());
        // Kong's required fields with defaults: absent, the default; an explicit null, refused.
        f.required("hide_credentials", "validate_request_body");
        double skew = f.number("clock_skew", 300, -Double.MAX_VALUE, Double.MAX_VALUE);
        if (!(skew > 0)) {
            f.error("clock_skew", "value must be greater than 0");
        }
        String anonymous = AuthSchemas.anonymous(f);
        List<String> algorithms = f.strings("algorithms", ALGORITHMS);
        for (String a : algorithms) {
            if (!ALGORITHMS.contains(a)) {
                f.error("algorithms", "expected one of: " + String.join(", ", ALGORITHMS));
            }
        }
        return Config.of(
                f.bool("hide_credentials", false),
                skew,
                anonymous,
                f.bool("validate_request_body", false),
                f.strings("enforce_headers", List.of()),
                Set.copyOf(algorithms),
                AuthSchemas.realm(f, null));
    }
}
