package com.gitinsight.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.gitinsight.gateway.config.ConsumerSpec;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.PasswordHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The key-auth, basic-auth, hmac-auth and acl credentials of one configuration: keys by their SHA-256 (the
 * key itself then compared in constant time), basic-auth credentials by username with the
 * passwords already verified (bounded, by a SHA-256 of username and password, so the KDF runs once
 * per client and not per request), and each consumer's groups. Built once per configuration
 * ({@link Current}); a reload starts afresh, so a changed password is never answered from the cache.
 */
final class AuthIndex {

    private static final long MAX_VERIFIED = 10_000;
    private static final Duration VERIFIED_TTL = Duration.ofMinutes(5);

    record KeyCredential(Credentials.Consumer consumer, String id, byte[] key, long expiresAtMillis) {
        @Override
        public String toString() {
            return "KeyCredential[id=" + id + "]";
        }
    }

    /** A basic-auth credential; {@code id} the file's, else null. */
    record BasicCredential(Credentials.Consumer consumer, String username, PasswordHash password, String id) {}

    /** An hmac-auth credential; {@code id} the file's, else null. */
    record HmacCredential(Credentials.Consumer consumer, String username, byte[] secret, String id) {
        @Override
        public String toString() {
            return "HmacCredential[username=" + username + "]";
        }
    }

    /** A consumer's groups: in file order, as a set, and as Kong's header value ({@code a, b}). */
    record Groups(List<String> list, Set<String> set, String header) {}

    private final GatewayConfig config;
    private final Map<ByteBuffer, KeyCredential> keys = new HashMap<>();
    private final Map<String, BasicCredential> basics = new HashMap<>();
    private final Map<String, HmacCredential> hmacs = new HashMap<>();
    private final Map<String, Credentials.Consumer> byIdOrUsername = new HashMap<>();
    private final Map<String, Groups> groupsById = new HashMap<>();
    /**
     * A credential's hash to check an unknown username's password against: of the file's own kind
     * (PBKDF2, or Kong's SHA-1 with {@code _transform: false}), so an unknown name costs what a
     * known one's wrong password costs. Null: no basic-auth credential.
     */
    private PasswordHash decoy;

    /** HMAC-SHA256 under a key made for this index: the verified cache's keys. */
    private final com.google.common.hash.HashFunction cacheKeys =
            com.google.common.hash.Hashing.hmacSha256(new javax.crypto.spec.SecretKeySpec(randomKey(), "HmacSHA256"));

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    private final Cache<String, BasicCredential> verified = Caffeine.newBuilder()
            .maximumSize(MAX_VERIFIED)
            .expireAfterWrite(VERIFIED_TTL)
            // Maintenance on the calling thread, amortized: no unmanaged pool threads in the container.
            .executor(Runnable::run)
            .build();

    private AuthIndex(GatewayConfig config) {
        this.config = config;
        for (ConsumerSpec c : config.consumers()) {
            Credentials.Consumer consumer = Credentials.Consumer.of(c);
            byIdOrUsername.putIfAbsent(consumer.id(), consumer);
            if (c.username() != null) {
                byIdOrUsername.putIfAbsent(c.username(), consumer);
            }
            for (ConsumerSpec.KeyAuth k : c.keyAuths()) {
                byte[] key = k.key().getBytes(StandardCharsets.UTF_8);
                byte[] digest = sha256(key);
                String id = k.id() != null ? k.id() : derivedId(consumer, digest);
                keys.put(ByteBuffer.wrap(digest), new KeyCredential(consumer, id, key, k.expiresAtMillis()));
            }
            for (ConsumerSpec.BasicAuth b : c.basicAuths()) {
                basics.put(b.username(), new BasicCredential(consumer, b.username(), b.password(), b.id()));
                if (decoy == null) {
                    decoy = b.password();
                }
            }
            for (ConsumerSpec.HmacAuth h : c.hmacAuths()) {
                hmacs.put(
                        h.username(),
                        new HmacCredential(
                                consumer, h.username(), h.secret().getBytes(StandardCharsets.UTF_8), h.id()));
            }
            groupsById.put(
                    consumer.id(),
                    new Groups(c.groups(), Set.copyOf(new LinkedHashSet<>(c.groups())), String.join(", ", c.groups())));
        }
    }

    /**
     * A stable id for a key the file gives none (Kong's X-Credential-Identifier), from its consumer
     * and the key's hash (never the key): the same key of the same consumer keeps its id across loads.
     */
    private static String derivedId(Credentials.Consumer consumer, byte[] keyDigest) {
        return UUID.nameUUIDFromBytes(
                        ("keyauth:" + consumer.id() + ":" + HexFormat.of().formatHex(keyDigest))
                                .getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** The credential whose key is {@code presented} and still valid at {@code nowMillis}, or null. */
    KeyCredential key(String presented, long nowMillis) {
        return key(presented.getBytes(StandardCharsets.UTF_8), nowMillis);
    }

    /** The credential whose key is the bytes {@code presented} (as sent), or null. */
    KeyCredential key(byte[] bytes, long nowMillis) {
        KeyCredential c = keys.get(ByteBuffer.wrap(sha256(bytes)));
        if (c == null || !MessageDigest.isEqual(c.key(), bytes) || nowMillis >= c.expiresAtMillis()) {
            return null;
        }
        return c;
    }

    BasicCredential basic(String username) {
        return basics.get(username);
    }

    HmacCredential hmac(String username) {
        return hmacs.get(username);
    }

    /** See {@link #decoy}. */
    PasswordHash decoy() {
        return decoy;
    }

    /** Whether {@code password} is {@code c}'s: from the cache of verified ones, else by its hash. */
    boolean verify(BasicCredential c, String password) {
        return verify(c, password, null);
    }

    /** {@code checks}: bounds the derivations running at once (null: unbounded, for tests). */
    boolean verify(BasicCredential c, String password, PasswordChecks checks) {
        // Keyed under this index's random key: a heap dump's keys are no fast unsalted hashes of
        // the passwords (helper review 255), which the stored PBKDF2 hashes are there to prevent.
        String cacheKey = cacheKeys
                .hashString(c.username() + '\0' + password, StandardCharsets.UTF_8)
                .toString();
        BasicCredential known = verified.getIfPresent(cacheKey);
        if (known == c) {
            return true;
        }
        boolean matches = checks == null ? c.password().matches(password) : checks.matches(c.password(), password);
        if (!matches) {
            return false;
        }
        verified.put(cacheKey, c);
        return true;
    }

    /** The consumer an {@code anonymous} setting names (id or username), or null. */
    Credentials.Consumer consumer(String idOrUsername) {
        return byIdOrUsername.get(idOrUsername);
    }

    /** The groups of the configured consumer {@code consumerId}, or null when no configured consumer has it. */
    Groups groups(String consumerId) {
        return groupsById.get(consumerId);
    }

    /** Guava's, as CredentialCache hashes tokens: a cloned digest, no provider lookup per request. */
    static byte[] sha256(byte[] bytes) {
        return com.google.common.hash.Hashing.sha256().hashBytes(bytes).asBytes();
    }

    /** The index of the running configuration, rebuilt when it changes (one per filter). */
    static final class Current {
        private final AtomicReference<AuthIndex> current = new AtomicReference<>();

        AuthIndex of(GatewayConfig config) {
            AuthIndex index = current.get();
            if (index == null || index.config != config) {
                index = new AuthIndex(config);
                current.set(index);
            }
            return index;
        }
    }
}
