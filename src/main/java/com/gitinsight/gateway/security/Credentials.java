package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.ConsumerSpec;
import com.gitinsight.gateway.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.jose4j.keys.EcKeyUtil;
import org.jose4j.keys.HmacKey;

/**
 * The consumers' JWT credentials of one configuration, by key, with their verification keys
 * decoded once. A credential whose key cannot be read is left out and logged.
 */
final class Credentials {

    private static final Logger LOG = Logger.getLogger(Credentials.class.getName());

    /**
     * A consumer as the upstream sees it (Kong's X-Consumer-* headers); {@code entity} the file's
     * tags and created_at, which the log record writes (null: a consumer the file does not have).
     */
    record Consumer(String id, String username, String customId, com.gitinsight.gateway.config.EntityMeta entity) {
        /** A consumer the file does not have (an SSO login's own, tests). */
        Consumer(String id, String username, String customId) {
            this(id, username, customId, null);
        }

        static Consumer of(ConsumerSpec c) {
            String id = c.kongId();
            return new Consumer(id, c.username(), c.customId(), c.entity());
        }
    }

    /** A jwt credential; {@code id} the file's, else null. */
    /** {@code verificationKey} null: the secret or public key could not be read (a secret_is_base64 secret that is not base64). */
    record Credential(Consumer consumer, String key, String algorithm, Key verificationKey, String id) {}

    private final Map<String, Credential> byKey;
    /** By username: the consumers an SSO login may map onto. */
    private final Map<String, Consumer> consumers;

    /** By id or username only: Kong's anonymous names no custom id. */
    private final Map<String, Consumer> anonymousCandidates;

    private Credentials(
            Map<String, Credential> byKey, Map<String, Consumer> consumers, Map<String, Consumer> anonymousCandidates) {
        this.anonymousCandidates = anonymousCandidates;
        this.byKey = byKey;
        this.consumers = consumers;
    }

    static Credentials of(GatewayConfig config, boolean secretIsBase64) {
        Map<String, Credential> byKey = new HashMap<>();
        Map<String, Consumer> consumers = new HashMap<>();
        Map<String, Consumer> anonymousCandidates = new HashMap<>();
        // The base64 reading is built for every file; it warns only when a plugin reads secrets so.
        boolean warn = !secretIsBase64
                || config.plugins().stream()
                        .anyMatch(p -> p.config() instanceof JwtSchema.Config j && j.secretIsBase64());
        for (ConsumerSpec c : config.consumers()) {
            Consumer consumer = Consumer.of(c);
            for (String name : new String[] {c.id(), c.username(), consumer.id()}) {
                if (name != null) {
                    anonymousCandidates.putIfAbsent(name, consumer);
                }
            }
            if (c.username() != null) {
                consumers.put(c.username(), consumer); // usernames are unique in a file
            }
            for (ConsumerSpec.JwtSecret s : c.jwtSecrets()) {
                try {
                    byKey.put(
                            s.key(), new Credential(consumer, s.key(), s.algorithm(), key(s, secretIsBase64), s.id()));
                } catch (Exception e) {
                    if (warn) {
                        LOG.warning("consumer " + c.reference() + ": JWT credential '" + s.key() + "' is unusable ("
                                + e.getMessage() + "); tokens for it will be refused");
                    }
                    // Still found by its key: Kong answers such a token "Invalid key/secret".
                    byKey.put(s.key(), new Credential(consumer, s.key(), s.algorithm(), null, s.id()));
                }
            }
        }
        return new Credentials(Map.copyOf(byKey), Map.copyOf(consumers), Map.copyOf(anonymousCandidates));
    }

    private static Key key(ConsumerSpec.JwtSecret s, boolean base64) throws Exception {
        String alg = s.algorithm();
        if (alg.startsWith("HS")) {
            byte[] secret = base64 ? base64(s.secret()) : s.secret().getBytes(StandardCharsets.UTF_8);
            return new HmacKey(secret);
        }
        // secret_is_base64 decodes HS secrets only: a public key is PEM (Kong 3.9, Kong/kong#13717).
        String pem = s.rsaPublicKey();
        if (pem == null) {
            throw new IllegalArgumentException("it has no rsa_public_key");
        }
        if (alg.startsWith("RS") || alg.startsWith("PS")) {
            return com.gitinsight.gateway.config.PublicKeys.rsa(pem);
        }
        if (alg.startsWith("ES")) {
            return new EcKeyUtil().fromPemEncoded(pem);
        }
        return com.gitinsight.gateway.config.PublicKeys.eddsa(pem);
    }

    /**
     * Kong 3.5+'s jwt base64_decode, nginx's {@code decode_base64url} (Kong/kong#11569; #12676: a
     * standard-alphabet secret with {@code +} or {@code /} is "invalid input" there): the URL-safe
     * alphabet only, read up to the first {@code =}, a length of 4n+1 refused.
     */
    static byte[] base64(String secret) {
        // "c2VjcmV0=" is "secret" there (helper review 191), where Java refuses the padded "c2VjcmV0====".
        int end = secret.indexOf('=');
        String data = end < 0 ? secret : secret.substring(0, end);
        if (data.length() % 4 == 1) {
            throw new IllegalArgumentException("not base64: a length of 4n+1");
        }
        return Base64.getUrlDecoder().decode(data);
    }

    Credential byKey(String key) {
        return byKey.get(key);
    }

    /**
     * The consumer an SSO token's consumer claim names, by username only: an id or custom id a
     * provider's user could be given must not take over a configured consumer (and its groups).
     */
    Consumer consumer(String username) {
        return consumers.get(username);
    }

    /**
     * The consumer a plugin's {@code anonymous} names, by id or username as Kong looks it up (the
     * other auth plugins' rule: a custom id equal to another consumer's username must not win), or null.
     */
    Consumer anonymous(String name) {
        return anonymousCandidates.get(name);
    }
}
