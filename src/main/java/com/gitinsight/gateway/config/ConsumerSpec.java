package com.gitinsight.gateway.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * A Kong consumer with its credentials: JWT ({@code jwt_secrets}), key-auth
 * ({@code keyauth_credentials}), basic-auth ({@code basicauth_credentials}), hmac-auth
 * ({@code hmacauth_credentials}) and its ACL groups
 * ({@code acls}).
 */
public record ConsumerSpec(
        String id,
        String username,
        String customId,
        List<JwtSecret> jwtSecrets,
        List<KeyAuth> keyAuths,
        List<BasicAuth> basicAuths,
        List<HmacAuth> hmacAuths,
        List<String> groups,
        EntityMeta entity) {

    public ConsumerSpec {
        entity = entity == null ? EntityMeta.DEFAULT : entity; // null: the file gives none of them
        jwtSecrets = List.copyOf(jwtSecrets);
        keyAuths = List.copyOf(keyAuths);
        basicAuths = List.copyOf(basicAuths);
        hmacAuths = List.copyOf(hmacAuths);
        groups = List.copyOf(groups);
    }

    /** A consumer with JWT credentials only. */
    public ConsumerSpec(String id, String username, String customId, List<JwtSecret> jwtSecrets) {
        this(id, username, customId, jwtSecrets, List.of(), List.of(), List.of(), List.of(), null);
    }

    /** Name used to refer to the consumer from plugins: the username, else the custom id. */
    public String reference() {
        return username != null ? username : customId;
    }

    /** The consumer's id as backends and logs see it ({@code X-Consumer-ID}); see {@link #kongId(String, String, String)}. */
    public String kongId() {
        return kongId(id, username, customId);
    }

    /**
     * The file's id, else the one Kong's declarative loader gives a consumer (from its username);
     * a consumer with only a custom_id (Kong: a random id at each load) gets one derived from it.
     */
    static String kongId(String id, String username, String customId) {
        if (id != null) {
            return id;
        }
        if (username != null) {
            return KongIds.of("consumers", username);
        }
        return UUID.nameUUIDFromBytes(("consumer:" + customId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** A jwt credential; {@code id} the file's, else null. */
    public record JwtSecret(String key, String secret, String algorithm, String rsaPublicKey, String id) {

        public JwtSecret(String key, String secret, String algorithm, String rsaPublicKey) {
            this(key, secret, algorithm, rsaPublicKey, null);
        }

        @Override
        public String toString() {
            // Never print a secret in logs or errors.
            return "JwtSecret[key=" + key + ", algorithm=" + algorithm + "]";
        }
    }

    /**
     * A key-auth credential. {@code id}: the file's, else null (the plugin derives a stable one).
     * {@code expiresAtMillis}: when its {@code ttl} runs out ({@link Long#MAX_VALUE}: never).
     */
    public record KeyAuth(String id, String key, long expiresAtMillis) {

        /**
         * When a key-auth credential with {@code ttl} expires (epoch ms): {@code ttl} is an epoch
         * second, as DB-less Kong 3.4.1+ reads it; but a {@code ttl} earlier than the credential's own
         * {@code created_at} can only be the older, relative form (seconds after creation, as this
         * gateway's admin API wrote it before, and as Kong's database keeps it): it counts from
         * {@code created_at}, so such keys do not all expire at an upgrade (helper review 204).
         * {@code createdAt} is -1 when the credential has none.
         */
        public static long expiry(long ttl, long createdAt) {
            return createdAt > 0 && ttl >= 0 && ttl < createdAt ? (createdAt + ttl) * 1000 : ttl * 1000;
        }

        @Override
        public String toString() {
            return "KeyAuth[id=" + id + "]";
        }
    }

    /** A basic-auth credential: its username and the hash of its password (never the password). */
    public record BasicAuth(String id, String username, PasswordHash password) {
        @Override
        public String toString() {
            return "BasicAuth[username=" + username + "]";
        }
    }

    /** An hmac-auth credential: its username and the secret requests are signed with. */
    public record HmacAuth(String id, String username, String secret) {
        @Override
        public String toString() {
            return "HmacAuth[username=" + username + "]";
        }
    }
}
