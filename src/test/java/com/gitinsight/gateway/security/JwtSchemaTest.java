package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import org.junit.jupiter.api.Test;

/** Kong's 16-jwt/06-schema_spec, as far as the messages and where they are reported go. */
class JwtSchemaTest {

    private static String error(String config) {
        return assertThrows(
                        ConfigException.class,
                        () -> new KongConfigParser(PluginRegistry.builtIn())
                                .parse(
                                        "kong.yml",
                                        "_format_version: \"3.0\"\nplugins:\n  - name: jwt\n    config: " + config
                                                + "\n"))
                .getMessage();
    }

    @Test
    void maximumExpirationWithoutExpIsReportedAtClaimsToVerify() {
        String e = error("{maximum_expiration: 60, claims_to_verify: [nbf]}");
        assertTrue(e.contains("config.claims_to_verify") && e.contains("expected to contain: exp"), e);
    }

    @Test
    void aClaimThatCannotBeVerifiedIsKongsOneOf() {
        String e = error("{claims_to_verify: [iat]}");
        assertTrue(e.contains("config.claims_to_verify") && e.contains("expected one of: exp, nbf"), e);
    }

    @Test
    void aNegativeMaximumExpirationIsOutOfRange() {
        String e = error("{maximum_expiration: -1, claims_to_verify: [exp]}");
        assertTrue(e.contains("value should be between 0 and 31536000"), e);
    }

    // Attacker review 153: an SSO without audiences accepted a token the provider issued to any of
    // its clients (with jwks_uri alone, any tenant's signing with the same keys).
    @Test
    void ssoNeedsTheAudiencesItAccepts() {
        for (String config : new String[] {
            "{issuer: \"https://idp.example\"}",
            "{jwks_uri: \"https://idp.example/keys\"}",
            "{jwks_uri: \"https://idp.example/keys\", audiences: []}"
        }) {
            String e = error(config);
            assertTrue(e.contains("config.audiences") && e.contains("required field missing"), config + ": " + e);
        }
    }
}
