package com.gitinsight.gateway.config;

import java.util.List;

/** A Kong consumer with its JWT credentials (used by the JWT plugin). */
public record ConsumerSpec(String id, String username, String customId, List<JwtSecret> jwtSecrets) {

    public ConsumerSpec {
        jwtSecrets = List.copyOf(jwtSecrets);
    }

    /** Name used to refer to the consumer from plugins: the username, else the custom id. */
    public String reference() {
        return username != null ? username : customId;
    }

    public record JwtSecret(String key, String secret, String algorithm, String rsaPublicKey) {
        @Override
        public String toString() {
            // Never print a secret in logs or errors.
            return "JwtSecret[key=" + key + ", algorithm=" + algorithm + "]";
        }
    }
}
