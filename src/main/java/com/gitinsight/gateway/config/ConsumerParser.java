package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The file's consumers and their JWT credentials (nested, or top-level {@code jwt_secrets} naming
 * their consumer): algorithms, usable public keys, keys unique across the file. Nested plugins go
 * to {@link PluginBinder}. One instance per load.
 */
final class ConsumerParser {

    private static final Set<String> CONSUMER = Set.of("username", "custom_id", "jwt_secrets", "plugins");
    private static final Set<String> CONSUMER_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at");
    private static final Set<String> JWT_SECRET = Set.of("key", "secret", "algorithm", "rsa_public_key", "consumer");
    private static final Set<String> JWT_SECRET_ACCEPTED = Set.of("id", "tags", "created_at");
    private static final Set<String> JWT_ALGORITHMS = Set.of(
            "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512",
            "EdDSA");

    private final Problems problems;
    private final PluginBinder plugins;
    private final List<PendingConsumer> consumers = new ArrayList<>();
    /** Every JWT credential's key, to its credential: Kong's keys are unique. */
    private final Map<String, Section> jwtKeys = new HashMap<>();

    ConsumerParser(Problems problems, PluginBinder plugins) {
        this.problems = problems;
        this.plugins = plugins;
    }

    /** One {@code consumers[]} entry, with its nested credentials and plugins. */
    void consumer(Section s) {
        s.allowEntity(CONSUMER, CONSUMER_ACCEPTED, KongConfigParser::unsupported);
        AcceptedFields.common(s);
        String username = s.checked("username", s.string("username", null), EntityNames::pathProblem);
        String customId = s.checked("custom_id", s.string("custom_id", null), EntityNames::pathProblem);
        String id = EntityRefs.id(s);
        List<ConsumerSpec.JwtSecret> secrets = new ArrayList<>();
        for (Section j : s.sections("jwt_secrets")) {
            if (j.has("consumer")) {
                j.error("consumer", "a nested credential already belongs to its consumer");
            }
            ConsumerSpec.JwtSecret secret = jwtSecret(j);
            if (secret != null) {
                secrets.add(secret);
            }
        }
        if (username == null && customId == null) {
            if (!s.has("username") && !s.has("custom_id")) {
                problems.add(s.location(), s.path(), "a consumer needs a username or a custom_id");
            }
            return;
        }
        PendingConsumer consumer = new PendingConsumer(id, username, customId, secrets);
        if (consumers.stream().anyMatch(c -> c.reference().equals(consumer.reference()))) {
            problems.add(s.location(), s.path(), "duplicate consumer '" + consumer.reference() + "'");
            return;
        }
        consumers.add(consumer);
        for (Section p : s.sections("plugins")) {
            plugins.add(p, PluginSpec.Scope.CONSUMER, consumer.reference());
        }
    }

    /** A top-level {@code jwt_secrets} entry: Kong's credentials may name their consumer instead of nesting. */
    void topLevelJwtSecret(Section j) {
        String ref = EntityRefs.reference(j, "consumer");
        PendingConsumer consumer = null;
        if (ref == null) {
            if (!j.has("consumer")) {
                problems.add(
                        j.location(),
                        j.child("consumer"),
                        "required field missing (a top-level credential names its consumer)");
            }
        } else {
            consumer = find(ref);
            if (consumer == null) {
                j.error("consumer", "no consumer named '" + ref + "'");
            }
        }
        ConsumerSpec.JwtSecret secret = jwtSecret(j);
        if (consumer != null && secret != null) {
            consumer.secrets.add(secret);
        }
    }

    /**
     * One JWT credential (Kong's {@code jwt_secrets}), or null when unusable. Without a {@code key}, Kong
     * generates one (random, so no token names it until the file gives one); so does this gateway.
     */
    private ConsumerSpec.JwtSecret jwtSecret(Section j) {
        j.allowEntity(JWT_SECRET, JWT_SECRET_ACCEPTED);
        AcceptedFields.common(j);
        EntityRefs.id(j);
        String key = j.string("key", null);
        String algorithm = j.string("algorithm", "HS256");
        if (!JWT_ALGORITHMS.contains(algorithm)) {
            j.error("algorithm", "unknown JWT algorithm '" + algorithm + "'");
        }
        String secret = j.string("secret", null);
        String rsa = j.string("rsa_public_key", null);
        if (!algorithm.startsWith("HS") && rsa == null) {
            problems.add(j.location(), j.child("rsa_public_key"), "required for algorithm " + algorithm);
        } else if (!algorithm.startsWith("HS")) {
            String unusable = PublicKeys.problem(algorithm, rsa);
            if (unusable != null) {
                j.error("rsa_public_key", "not a usable " + algorithm + " public key (PEM): " + unusable);
            }
        }
        if (key == null) {
            if (j.has("key")) {
                return null;
            }
            key = UUID.randomUUID().toString().replace("-", "");
        } else {
            Section first = jwtKeys.putIfAbsent(key, j);
            if (first != null) {
                j.error("key", "duplicate JWT key '" + key + "' (first at " + first.location() + ")");
                return null;
            }
        }
        return new ConsumerSpec.JwtSecret(key, secret, algorithm, rsa);
    }

    /** The consumer a reference names (its username, custom id or {@code id}), or null. */
    PendingConsumer find(String reference) {
        for (PendingConsumer c : consumers) {
            if (reference.equals(c.reference()) || reference.equals(c.id)) {
                return c;
            }
        }
        return null;
    }

    List<ConsumerSpec> specs() {
        return consumers.stream().map(PendingConsumer::spec).toList();
    }

    /** A consumer whose credentials may still come (top-level {@code jwt_secrets} name their consumer). */
    static final class PendingConsumer {
        final String id;
        final String username;
        final String customId;
        final List<ConsumerSpec.JwtSecret> secrets;

        PendingConsumer(String id, String username, String customId, List<ConsumerSpec.JwtSecret> secrets) {
            this.id = id;
            this.username = username;
            this.customId = customId;
            this.secrets = secrets;
        }

        String reference() {
            return username != null ? username : customId;
        }

        ConsumerSpec spec() {
            return new ConsumerSpec(id, username, customId, secrets);
        }
    }
}
