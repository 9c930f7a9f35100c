package com.gitinsight.gateway.config;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The file's consumers and their credentials (nested, or top-level naming their consumer): JWT
 * ({@code jwt_secrets}: algorithms, usable public keys, keys unique across the file), key-auth
 * ({@code keyauth_credentials}: keys unique across the file), basic-auth ({@code basicauth_credentials}:
 * usernames unique, passwords hashed here), hmac-auth ({@code hmacauth_credentials}: usernames unique)
 * and ACL groups ({@code acls}: unique per consumer).
 * Nested plugins go to {@link PluginBinder}. One instance per load.
 */
final class ConsumerParser {

    private static final Set<String> CONSUMER = Set.of(
            "username",
            "custom_id",
            "jwt_secrets",
            "keyauth_credentials",
            "basicauth_credentials",
            "hmacauth_credentials",
            "acls",
            "plugins");
    /** The credential entities a consumer may nest, or the file list top-level naming their consumer. */
    static final List<String> CREDENTIAL_KINDS =
            List.of("jwt_secrets", "keyauth_credentials", "basicauth_credentials", "hmacauth_credentials", "acls");

    private static final Set<String> KEY_AUTH = Set.of("key", "ttl", "consumer");
    private static final Set<String> BASIC_AUTH = Set.of("username", "password", "consumer");
    private static final Set<String> HMAC_AUTH = Set.of("username", "secret", "consumer");
    private static final Set<String> ACL = Set.of("group", "consumer");
    private static final Set<String> CREDENTIAL_ACCEPTED = Set.of("id", "tags", "created_at");
    private static final Pattern KONG_SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final char[] LOWER = "abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final Set<String> CONSUMER_ACCEPTED = Set.of("id", "tags", "created_at", "updated_at");
    private static final Set<String> JWT_SECRET = Set.of("key", "secret", "algorithm", "rsa_public_key", "consumer");
    private static final Set<String> JWT_SECRET_ACCEPTED = Set.of("id", "tags", "created_at");
    private static final Set<String> JWT_ALGORITHMS = Set.of(
            "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512",
            "EdDSA");

    /** The ids of each credential kind seen so far (Kong's primary keys). */
    private final java.util.Map<String, java.util.Set<String>> credentialIds = new java.util.HashMap<>();

    private final Problems problems;
    private final PluginBinder plugins;
    private final List<PendingConsumer> consumers = new ArrayList<>();
    // The consumers by each name they are looked up by: a file (or an admin write) of thousands of
    // consumers compared each with every other (helper review 189: 8,000 took 25 s per parse).
    private final java.util.Map<String, PendingConsumer> byUsername = new java.util.HashMap<>();
    private final java.util.Map<String, PendingConsumer> byCustomId = new java.util.HashMap<>();
    private final java.util.Map<String, PendingConsumer> byReference = new java.util.HashMap<>();
    /** By the file's {@code id}, for references: the first with that id. */
    private final java.util.Map<String, PendingConsumer> byId = new java.util.HashMap<>();
    /** By Kong's id, lower-cased: one id, one consumer. */
    private final java.util.Map<String, PendingConsumer> byKongId = new java.util.HashMap<>();
    /** Every JWT credential's key, to its credential: Kong's keys are unique. */
    private final Map<String, Section> jwtKeys = new HashMap<>();
    /** Every key-auth key, to its credential: Kong's keys are unique. */
    private final Map<String, Section> keyAuthKeys = new HashMap<>();
    /** Every basic-auth username, to its credential: Kong's usernames are unique. */
    private final Map<String, Section> basicUsernames = new HashMap<>();
    /** Every hmac-auth username, to its credential: Kong's usernames are unique. */
    private final Map<String, Section> hmacUsernames = new HashMap<>();
    /** Kong's {@code _transform}: false when the file's basic-auth passwords are already Kong's hashes. */
    private final boolean transform;

    ConsumerParser(Problems problems, PluginBinder plugins) {
        this(problems, plugins, true);
    }

    ConsumerParser(Problems problems, PluginBinder plugins, boolean transform) {
        this.problems = problems;
        this.plugins = plugins;
        this.transform = transform;
    }

    /** One {@code consumers[]} entry, with its nested credentials and plugins. */
    void consumer(Section s) {
        s.allowEntity(CONSUMER, CONSUMER_ACCEPTED, KongConfigParser::unsupported);
        AcceptedFields.common(s);
        String username = s.checked("username", s.string("username", null), EntityNames::pathProblem);
        String customId = s.checked("custom_id", s.string("custom_id", null), EntityNames::pathProblem);
        String id = EntityRefs.id(s);
        PendingConsumer consumer = new PendingConsumer(id, username, customId);
        consumer.entity = EntityMeta.of(s);
        for (String kind : CREDENTIAL_KINDS) {
            for (Section c : s.sections(kind)) {
                if (EntityRefs.namesAnotherParent(c, "consumer", username, id, derivedId(consumer))) {
                    c.error("consumer", "a nested credential already belongs to its consumer");
                }
                credential(kind, c, consumer);
            }
        }
        if (username == null && customId == null) {
            if (!s.has("username") && !s.has("custom_id")) {
                // Kong's entity check, in its words.
                problems.add(
                        s.location(),
                        s.path(),
                        "at least one of these fields must be non-empty: 'custom_id', 'username'");
            }
            return;
        }
        // Kong's unique fields; a username and another's custom_id may not share a text here either
        // (files and plugins name a consumer by the one or the other).
        String field = username != null && byUsername.containsKey(username)
                ? "username"
                : customId != null && byCustomId.containsKey(customId) ? "custom_id" : null;
        if (field != null) {
            problems.add(
                    s.location(),
                    s.path() + "." + field,
                    "uniqueness violation: 'consumers' entity with " + field + " set to '"
                            + (field.equals("username") ? username : customId) + "' already declared");
            return;
        }
        if (byReference.containsKey(consumer.reference())) {
            problems.add(s.location(), s.path(), "duplicate consumer '" + consumer.reference() + "'");
            return;
        }
        // One id, one consumer: backends, ACL groups, rate limits and the cache know consumers by it.
        // Case-blind: a UUID is the same in either case (a backend may store it lower-cased).
        PendingConsumer sameId = byKongId.get(consumer.kongId().toLowerCase(java.util.Locale.ROOT));
        if (sameId != null) {
            problems.add(
                    s.location(),
                    s.path(),
                    "consumer '" + consumer.reference() + "' would have the id of consumer '" + sameId.reference()
                            + "' (" + consumer.kongId()
                            + "; a consumer without an id gets the one Kong derives from its username)");
            return;
        }
        if (username != null) {
            byUsername.put(username, consumer);
        }
        if (customId != null) {
            byCustomId.put(customId, consumer);
        }
        byReference.put(consumer.reference(), consumer);
        if (id != null) {
            byId.putIfAbsent(id, consumer);
        }
        byKongId.put(consumer.kongId().toLowerCase(java.util.Locale.ROOT), consumer);
        consumers.add(consumer);
        for (Section p : s.sections("plugins")) {
            plugins.add(p, PluginSpec.Scope.CONSUMER, consumer.reference(), id != null ? id : derivedId(consumer));
        }
    }

    /**
     * A top-level credential of {@code kind} (one of {@link #CREDENTIAL_KINDS}): Kong's credentials
     * may name their consumer instead of nesting.
     */
    void topLevel(String kind, Section j) {
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
                j.error("consumer", "invalid reference 'consumer: " + ref + "' (no such entry in 'consumers')");
            }
        }
        // Read (and checked) even without its consumer, so every error is reported in one pass; the
        // stand-in has an id so that a Kong hash is not also blamed on the missing consumer.
        credential(kind, j, consumer == null ? new PendingConsumer("(none)", ref, null) : consumer);
    }

    /** Reads one credential of {@code kind} into {@code consumer} (a stand-in when it has none). */
    private void credential(String kind, Section c, PendingConsumer consumer) {
        // Kong's primary keys are unique per entity kind (helper review 256: a second credential
        // with the same id loaded, and references by that id went to the first).
        if (c.node("id") instanceof Node.ScalarNode idNode && idNode.value() instanceof String id) {
            EntityRefs.unique(c, kind, id, credentialIds.computeIfAbsent(kind, k -> new java.util.HashSet<>()));
        }
        switch (kind) {
            case "jwt_secrets" -> {
                ConsumerSpec.JwtSecret secret = jwtSecret(c);
                if (secret != null) {
                    consumer.secrets.add(secret);
                }
            }
            case "keyauth_credentials" -> {
                ConsumerSpec.KeyAuth key = keyAuth(c);
                if (key != null) {
                    consumer.keyAuths.add(key);
                }
            }
            case "basicauth_credentials" -> {
                ConsumerSpec.BasicAuth basic = basicAuth(c, consumer);
                if (basic != null) {
                    consumer.basicAuths.add(basic);
                }
            }
            case "hmacauth_credentials" -> {
                ConsumerSpec.HmacAuth hmac = hmacAuth(c);
                if (hmac != null) {
                    consumer.hmacAuths.add(hmac);
                }
            }
            default -> acl(c, consumer);
        }
    }

    /**
     * A key-auth credential (Kong's {@code keyauth_credentials}), or null when unusable. Without a
     * {@code key}, Kong generates a random one; so does this gateway (no client can know it).
     * {@code ttl} is when the key expires, in seconds since the epoch, as DB-less Kong reads a
     * declarative credential's {@code ttl} ({@code process_ttl_field}: {@code ttl - ngx.time()}
     * left, else the credential is not found) and as {@code kong config db_export} writes it.
     */
    private ConsumerSpec.KeyAuth keyAuth(Section c) {
        c.allowEntity(KEY_AUTH, CREDENTIAL_ACCEPTED);
        AcceptedFields.common(c);
        String id = EntityRefs.id(c);
        boolean expiring = c.has("ttl");
        long ttl = c.integer("ttl", 0, Long.MIN_VALUE / 1000, Long.MAX_VALUE / 1000);
        c.integer("created_at", 0, 0, Long.MAX_VALUE / 1000);
        String key = c.string("key", null);
        if (key == null) {
            if (c.has("key")) {
                return null;
            }
            key = randomKey();
        } else if (key.isEmpty()) {
            c.error("key", "length must be at least 1"); // Kong's words for an empty string
            return null;
        } else {
            Section first = keyAuthKeys.putIfAbsent(key, c);
            if (first != null) {
                // The key itself is a secret: the error names where, not what.
                c.error(
                        "key",
                        "uniqueness violation: 'keyauth_credentials' entity with key set to the key already"
                                + " declared at " + first.location());
                return null;
            }
        }
        long expires = expiring
                ? ConsumerSpec.KeyAuth.expiry(
                        ttl, c.has("created_at") ? c.integer("created_at", 0, 0, Long.MAX_VALUE / 1000) : -1)
                : Long.MAX_VALUE;
        return new ConsumerSpec.KeyAuth(id, key, expires);
    }

    /**
     * A basic-auth credential (Kong's {@code basicauth_credentials}), or null when unusable: its
     * password hashed here ({@link PasswordHash}), or, in a file of Kong's hashes
     * ({@code _transform: false}), taken as Kong's hash, which is salted with the consumer's id.
     */
    private ConsumerSpec.BasicAuth basicAuth(Section c, PendingConsumer consumer) {
        c.allowEntity(BASIC_AUTH, CREDENTIAL_ACCEPTED);
        AcceptedFields.common(c);
        String id = EntityRefs.id(c);
        String username = c.requiredString("username");
        String password = c.string("password", null);
        if (password == null && !c.has("password")) {
            problems.add(c.location(), c.child("password"), "required field missing");
        } else if (password != null && password.isEmpty()) {
            // Kong's strings are at least one character: an empty password (or a vault variable
            // set but empty) would let "user:" in.
            c.error("password", "length must be at least 1");
            password = null;
        }
        if (username != null) {
            Section first = basicUsernames.putIfAbsent(username, c);
            if (first != null) {
                c.error(
                        "username",
                        "uniqueness violation: 'basicauth_credentials' entity with username set to '" + username
                                + "' already declared");
                return null;
            }
        }
        if (username == null || password == null) {
            return null;
        }
        if (transform) {
            return new ConsumerSpec.BasicAuth(id, username, PasswordHash.of(password));
        }
        if (!KONG_SHA1.matcher(password).matches()) {
            c.error("password", "with _transform: false, expected Kong's hash (40 lower-case hex digits)");
            return null;
        }
        if (consumer.id == null) {
            c.error(
                    "password",
                    "Kong's hash is salted with the consumer's id: its consumer needs its 'id' (as Kong exported it)");
            return null;
        }
        return new ConsumerSpec.BasicAuth(id, username, PasswordHash.kong(password, consumer.id));
    }

    /**
     * An hmac-auth credential (Kong's {@code hmacauth_credentials}), or null when unusable. Without a
     * {@code secret}, Kong generates a random one (its {@code auto = true}); so does this gateway.
     */
    private ConsumerSpec.HmacAuth hmacAuth(Section c) {
        c.allowEntity(HMAC_AUTH, CREDENTIAL_ACCEPTED);
        AcceptedFields.common(c);
        String id = EntityRefs.id(c);
        String username = c.requiredString("username");
        if (username != null && username.isEmpty()) {
            c.error("username", "length must be at least 1");
            username = null;
        }
        String secret = c.string("secret", null);
        if (secret == null) {
            if (c.has("secret")) {
                return null;
            }
            secret = randomKey();
        } else if (secret.isEmpty()) {
            c.error("secret", "length must be at least 1");
            return null;
        }
        if (username == null) {
            return null;
        }
        Section first = hmacUsernames.putIfAbsent(username, c);
        if (first != null) {
            c.error(
                    "username",
                    "uniqueness violation: 'hmacauth_credentials' entity with username set to '" + username
                            + "' already declared");
            return null;
        }
        return new ConsumerSpec.HmacAuth(id, username, secret);
    }

    /** An ACL group of the consumer (Kong's {@code acls}); unique per consumer. */
    private void acl(Section c, PendingConsumer consumer) {
        c.allowEntity(ACL, CREDENTIAL_ACCEPTED);
        AcceptedFields.common(c);
        EntityRefs.id(c);
        String group = c.requiredString("group");
        if (group != null && group.indexOf(',') >= 0) {
            // The upstream reads X-Consumer-Groups as a comma-separated list: "a, admin" would be two groups there.
            c.error("group", "a group name may not contain ','");
        } else if (group != null && !consumer.groupSet.add(group)) {
            c.error("group", "duplicate group '" + group + "' for this consumer");
        } else if (group != null) {
            consumer.groups.add(group);
        }
    }

    /** Kong's {@code random_string()}: 24 random bytes in base64, '/' and '+' replaced by letters (32 chars). */
    static String randomKey() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        char[] out = Base64.getEncoder().withoutPadding().encodeToString(bytes).toCharArray();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '/') {
                out[i] = UPPER[RANDOM.nextInt(UPPER.length)];
            } else if (out[i] == '+') {
                out[i] = LOWER[RANDOM.nextInt(LOWER.length)];
            }
        }
        return new String(out);
    }

    /**
     * One JWT credential (Kong's {@code jwt_secrets}), or null when unusable. Without a {@code key}, Kong
     * generates one (random, so no token names it until the file gives one); so does this gateway.
     */
    private ConsumerSpec.JwtSecret jwtSecret(Section j) {
        j.allowEntity(JWT_SECRET, JWT_SECRET_ACCEPTED);
        AcceptedFields.common(j);
        String id = EntityRefs.id(j);
        // Kong's strings are never empty (len_min = 1): one error, and no generated value instead.
        for (String field : List.of("key", "secret", "rsa_public_key")) {
            if ("".equals(j.string(field, null))) {
                j.error(field, "length must be at least 1");
            }
        }
        String key = j.string("key", null);
        String algorithm = j.string("algorithm", "HS256");
        if (!JWT_ALGORITHMS.contains(algorithm)) {
            j.error("algorithm", "unknown JWT algorithm '" + algorithm + "'");
        }
        String secret = j.string("secret", null);
        if (secret == null && algorithm.startsWith("HS") && !j.has("secret")) {
            // Kong's daos: secret = { auto = true }, 32 random characters nobody else knows.
            secret = UUID.randomUUID().toString().replace("-", "");
        }
        String rsa = j.string("rsa_public_key", null);
        if (!algorithm.startsWith("HS") && rsa == null) {
            // Kong's entity check requires the key for the RSA family only: an ES credential
            // without one loads, and its tokens are refused "Invalid key/secret" (Credentials).
            if (!algorithm.startsWith("ES")) {
                problems.add(j.location(), j.child("rsa_public_key"), "required field missing");
            }
        } else if (!algorithm.startsWith("HS") && !rsa.isEmpty()) {
            if (PublicKeys.problem(algorithm, rsa) != null) {
                j.error("rsa_public_key", "invalid key"); // Kong's words (jwt 02-api_spec)
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
                j.error(
                        "key",
                        "uniqueness violation: 'jwt_secrets' entity with key set to '" + key + "' already declared");
                return null;
            }
        }
        return new ConsumerSpec.JwtSecret(key, secret, algorithm, rsa, id);
    }

    /** The consumer a reference names (its username, custom id or {@code id}), or null. */
    PendingConsumer find(String reference) {
        // Kong's find_entity: the username, then the id (the file's, or the one Kong derives from a
        // username: it derives ids before it resolves references); a custom id, which Kong never
        // resolves, last, so it cannot take a reference Kong gives another (helper reviews 318, 320).
        PendingConsumer named = byUsername.get(reference);
        if (named != null) {
            return named;
        }
        PendingConsumer identified = byId.get(reference);
        if (identified != null) {
            return identified;
        }
        PendingConsumer derived = byKongId.get(reference.toLowerCase(java.util.Locale.ROOT));
        if (derived != null
                && derived.id == null
                && derived.username != null
                && derived.kongId().equals(reference)) {
            return derived;
        }
        PendingConsumer custom = byReference.get(reference);
        return custom != null && custom.username == null ? custom : null;
    }

    /**
     * The id Kong derives for a consumer written without one, from its username; null otherwise
     * (one with only a custom id gets a random id on Kong: no file can name it by id).
     */
    private static String derivedId(PendingConsumer c) {
        return c.id == null && c.username != null ? c.kongId() : null;
    }

    List<ConsumerSpec> specs() {
        return consumers.stream().map(PendingConsumer::spec).toList();
    }

    /**
     * The consumer an {@code anonymous} setting names: by {@code id} or username, as Kong looks it up
     * (not by custom id); null when the file has none.
     */
    PendingConsumer findByIdOrUsername(String reference) {
        PendingConsumer named = byUsername.get(reference);
        PendingConsumer identified = byKongId.get(reference.toLowerCase(java.util.Locale.ROOT));
        if (identified != null && !identified.kongId().equals(reference)) {
            identified = null; // Kong's id compared exactly, as before
        }
        if (named == null || identified == null) {
            return named != null ? named : identified;
        }
        return consumers.indexOf(named) <= consumers.indexOf(identified) ? named : identified;
    }

    /** A consumer whose credentials may still come (top-level credentials name their consumer). */
    static final class PendingConsumer {
        final String id;
        final String username;
        final String customId;
        final List<ConsumerSpec.JwtSecret> secrets = new ArrayList<>();
        final List<ConsumerSpec.KeyAuth> keyAuths = new ArrayList<>();
        final List<ConsumerSpec.BasicAuth> basicAuths = new ArrayList<>();
        final List<ConsumerSpec.HmacAuth> hmacAuths = new ArrayList<>();
        final List<String> groups = new ArrayList<>();
        final Set<String> groupSet = new HashSet<>();
        /** The entity's tags and created_at (a stand-in's: none). */
        EntityMeta entity = EntityMeta.DEFAULT;

        PendingConsumer(String id, String username, String customId) {
            this.id = id;
            this.username = username;
            this.customId = customId;
        }

        String reference() {
            return username != null ? username : customId;
        }

        private String kongId;

        /** Kong's id (derived once: two SHA-1s). */
        String kongId() {
            if (kongId == null) {
                kongId = ConsumerSpec.kongId(id, username, customId);
            }
            return kongId;
        }

        ConsumerSpec spec() {
            return new ConsumerSpec(id, username, customId, secrets, keyAuths, basicAuths, hmacAuths, groups, entity);
        }
    }
}
