package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Kong's {@code jwt} plugin: consumers' {@code jwt_secrets}, Kong's fields and defaults. */
public final class JwtPlugin implements PluginSchema {

    public static final String NAME = "jwt";
    private static final Set<String> FIELDS = Set.of("key_claim_name", "claims_to_verify", "maximum_expiration",
            "uri_param_names", "cookie_names", "header_names", "secret_is_base64", "anonymous", "run_on_preflight");
    private static final Set<String> CLAIMS = Set.of("exp", "nbf");

    public record Config(String keyClaimName, boolean verifyExp, boolean verifyNbf, long maximumExpiration,
            List<String> uriParamNames, List<String> cookieNames, List<String> headerNames, boolean secretIsBase64,
            String anonymous, boolean runOnPreflight) implements PluginConfig {
        public Config {
            uriParamNames = List.copyOf(uriParamNames);
            cookieNames = List.copyOf(cookieNames);
            headerNames = List.copyOf(headerNames);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, Set.of());
        List<String> claims = f.strings("claims_to_verify", List.of());
        for (String c : claims) {
            if (!CLAIMS.contains(c)) {
                f.error("claims_to_verify", "'" + c + "' cannot be verified; use exp or nbf");
            }
        }
        long maxExp = f.integer("maximum_expiration", 0, 0, 31_536_000);
        if (maxExp > 0 && !claims.contains("exp")) {
            f.error("maximum_expiration", "needs exp in claims_to_verify (as in Kong)");
        }
        return new Config(f.string("key_claim_name", "iss"), claims.contains("exp"), claims.contains("nbf"), maxExp,
                f.strings("uri_param_names", List.of("jwt")), f.strings("cookie_names", List.of()),
                f.strings("header_names", List.of("authorization")).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
                f.bool("secret_is_base64", false), f.string("anonymous", null), f.bool("run_on_preflight", true));
    }
}
