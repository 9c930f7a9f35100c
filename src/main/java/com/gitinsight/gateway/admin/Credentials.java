package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.KongConfigParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A consumer's credentials in a declarative file, as Kong's admin API serves them
 * ({@code /consumers/{consumer}/key-auth}, {@code basic-auth}, {@code hmac-auth}, {@code acls},
 * {@code jwt}): found
 * whether nested in the consumer or top-level naming it, and edited where they are. Like
 * {@link DeclarativeDocument}, this only refuses what would make an edit ambiguous (an unknown
 * consumer or credential, a duplicate id, key, username or group); the rest is the parser's job.
 */
final class Credentials {

    /** The five kinds: the path segment, the file's list, and the field besides {@code id} that names one. */
    enum Kind {
        KEY_AUTH("key-auth", "keyauth_credentials", "key"),
        BASIC_AUTH("basic-auth", "basicauth_credentials", "username"),
        HMAC_AUTH("hmac-auth", "hmacauth_credentials", "username"),
        ACLS("acls", "acls", "group"),
        JWT("jwt", "jwt_secrets", "key");

        final String segment;
        final String list;
        final String key;

        Kind(String segment, String list, String key) {
            this.segment = segment;
            this.list = list;
            this.key = key;
        }

        static Kind of(String segment) {
            for (Kind k : values()) {
                if (k.segment.equals(segment)) {
                    return k;
                }
            }
            throw new IllegalArgumentException(segment);
        }

        /** A key-auth key is itself the secret: never named in an answer, an error or the audit trail. */
        boolean keyIsSecret() {
            return this == KEY_AUTH;
        }

        /** Kong's keys, usernames and JWT keys are unique in the whole file; an ACL group per consumer. */
        boolean uniqueInFile() {
            return this != ACLS;
        }
    }

    /** One credential where it sits: its list, its node, and whether that list is the file's top level. */
    record Credential(ArrayNode list, ObjectNode node, boolean topLevel) {}

    private final DeclarativeDocument doc;

    Credentials(DeclarativeDocument doc) {
        this.doc = doc;
    }

    /** The consumer a path names: by username, custom id (the reference when it has no username) or id; else 404. */
    ObjectNode consumer(String ref) throws AdminException {
        for (JsonNode c : consumers()) {
            if (c instanceof ObjectNode o && names(o, ref)) {
                return o;
            }
        }
        throw AdminReplies.notFound();
    }

    private ArrayNode consumers() {
        return doc.root().get("consumers") instanceof ArrayNode a ? a : AdminReplies.JSON.createArrayNode();
    }

    /** As the parser resolves a credential's {@code consumer}: its username (else custom id) or its id. */
    private static boolean names(ObjectNode consumer, String ref) {
        return ref != null && (ref.equals(reference(consumer)) || ref.equals(text(consumer.get("id"))));
    }

    private static String reference(ObjectNode consumer) {
        String username = text(consumer.get("username"));
        return username != null ? username : text(consumer.get("custom_id"));
    }

    /** The consumer's credentials of {@code kind}: those nested in it, then the top-level ones naming it. */
    List<Credential> list(Kind kind, String consumerRef) throws AdminException {
        ObjectNode consumer = consumer(consumerRef);
        List<Credential> out = new ArrayList<>();
        if (consumer.get(kind.list) instanceof ArrayNode nested) {
            nested.forEach(n -> {
                if (n instanceof ObjectNode o) {
                    out.add(new Credential(nested, o, false));
                }
            });
        }
        if (doc.root().get(kind.list) instanceof ArrayNode top) {
            top.forEach(n -> {
                if (n instanceof ObjectNode o && names(consumer, DeclarativeDocument.reference(o.get("consumer")))) {
                    out.add(new Credential(top, o, true));
                }
            });
        }
        return out;
    }

    /** Where in {@link #list} the credential {@code idOrKey} (its id, or key, username or group) is; else 404. */
    int indexOf(Kind kind, String consumerRef, String idOrKey) throws AdminException {
        List<Credential> all = list(kind, consumerRef);
        for (int i = 0; i < all.size(); i++) {
            ObjectNode n = all.get(i).node();
            if (idOrKey.equals(text(n.get("id")))) {
                return i;
            }
        }
        for (int i = 0; i < all.size(); i++) {
            if (idOrKey.equals(text(all.get(i).node().get(kind.key)))) {
                return i;
            }
        }
        throw AdminReplies.notFound();
    }

    /**
     * Adds a credential to the consumer, nested in it unless the file keeps this kind at the top
     * level and the consumer has none nested; an {@code id} is given when the body has none (as Kong
     * does, so the credential can be named), its {@code created_at}, a key-auth {@code ttl} (seconds
     * from now, as Kong's admin API takes it) as the time it expires, and a key-auth or JWT key when the body has none (as the load would, but once:
     * written in the file, it stays the same across reloads). Returns the id and
     * where the credential now sits ({@code consumers[0].acls[1]}), so errors name its fields.
     */
    /** Kong's DAO bound on a ttl given through the admin API. */
    static final long MAX_TTL = 100_000_000;

    Added add(Kind kind, String consumerRef, ObjectNode body) throws AdminException {
        ObjectNode consumer = consumer(consumerRef);
        List<String> nulls = new ArrayList<>();
        body.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                nulls.add(e.getKey());
            }
        });
        nulls.forEach(body::remove); // Kong's null is "not set"
        body.remove("consumer"); // the path names the consumer
        if (!body.has("id")) {
            body.put("id", UUID.randomUUID().toString());
        }
        long now = System.currentTimeMillis() / 1000;
        if (!body.has("created_at")) {
            body.put("created_at", now); // as Kong stamps a new credential
        }
        if (kind == Kind.KEY_AUTH && body.has("ttl")) {
            // Kong's admin API takes ttl as seconds from now, 0 for none (its DAO's words for
            // anything else); the file holds when the key expires, as DB-less Kong reads it.
            JsonNode ttl = body.get("ttl");
            if (!ttl.isIntegralNumber() || ttl.asLong() < 0 || ttl.asLong() > MAX_TTL) {
                throw new AdminException(400, "ttl must be an integer between 0 and " + MAX_TTL);
            }
            if (ttl.asLong() == 0) {
                body.remove("ttl");
            } else {
                body.put("ttl", now + ttl.asLong());
            }
        }
        if (kind == Kind.KEY_AUTH && !body.has("key")) {
            body.put("key", KongConfigParser.generatedKeyAuthKey());
        }
        if (kind == Kind.HMAC_AUTH && !body.has("secret")) {
            // Kong's secret is auto: one is made, and written so it stays the same across reloads.
            body.put("secret", KongConfigParser.generatedKeyAuthKey());
        }
        if (kind == Kind.JWT && !body.has("key")) {
            // As the load would generate one, but written, so that tokens can name it.
            body.put("key", UUID.randomUUID().toString().replace("-", ""));
        }
        String id = text(body.get("id"));
        if (id != null && all(kind).stream().anyMatch(c -> id.equals(text(c.get("id"))))) {
            throw new AdminException(409, "UNIQUE violation detected on '{id=\"" + id + "\"}'");
        }
        String key = text(body.get(kind.key));
        if (key != null) {
            List<ObjectNode> scope = kind.uniqueInFile()
                    ? all(kind)
                    : list(kind, consumerRef).stream().map(Credential::node).toList();
            if (scope.stream().anyMatch(c -> key.equals(text(c.get(kind.key))))) {
                throw new AdminException(
                        409,
                        kind.keyIsSecret()
                                ? "UNIQUE violation detected on '{key}' (another credential has this key)"
                                : "UNIQUE violation detected on '{" + kind.key + "=\"" + key + "\"}'");
            }
        }
        int consumerIndex = indexOf(consumers(), consumer);
        boolean topLevel = !(consumer.get(kind.list) instanceof ArrayNode)
                && doc.root().get(kind.list) instanceof ArrayNode top
                && !top.isEmpty();
        if (topLevel) {
            ArrayNode top = (ArrayNode) doc.root().get(kind.list);
            String ref = reference(consumer);
            body.put("consumer", ref != null ? ref : text(consumer.get("id")));
            top.add(body);
            return new Added(id, kind.list + "[" + (top.size() - 1) + "]");
        }
        ArrayNode nested = consumer.get(kind.list) instanceof ArrayNode a ? a : consumer.putArray(kind.list);
        nested.add(body);
        return new Added(id, "consumers[" + consumerIndex + "]." + kind.list + "[" + (nested.size() - 1) + "]");
    }

    record Added(String id, String path) {}

    /** Removes the consumer's credential {@code idOrKey}; 404 when it has none so named. */
    void delete(Kind kind, String consumerRef, String idOrKey) throws AdminException {
        Credential c = list(kind, consumerRef).get(indexOf(kind, consumerRef, idOrKey));
        c.list().remove(indexOf(c.list(), c.node()));
    }

    /**
     * A credential as the API shows it: the fields the file gives (secrets as this document has
     * them: a redacted document's tokens) and its consumer, as Kong names it ({@code {"id": ...}},
     * with the username or custom id this file names it by).
     */
    ObjectNode view(Kind kind, String consumerRef, Credential c) throws AdminException {
        ObjectNode consumer = consumer(consumerRef);
        ObjectNode out = c.node().deepCopy();
        if (kind == Kind.KEY_AUTH && out.path("ttl").isIntegralNumber()) {
            // As Kong's admin API shows it: the seconds left (a client sending back what it read
            // must not add the epoch to now).
            long expires = com.gitinsight.gateway.config.ConsumerSpec.KeyAuth.expiry(
                    out.get("ttl").asLong(),
                    out.path("created_at").canConvertToLong()
                            ? out.get("created_at").asLong()
                            : -1);
            out.put("ttl", Math.max(0, (expires - System.currentTimeMillis()) / 1000));
        }
        out.remove("consumer");
        ObjectNode ref = out.putObject("consumer");
        for (String f : List.of("id", "username", "custom_id")) {
            if (text(consumer.get(f)) != null) {
                ref.put(f, text(consumer.get(f)));
            }
        }
        return out;
    }

    /** Every credential of {@code kind} in the file, whichever consumer it belongs to. */
    private List<ObjectNode> all(Kind kind) {
        List<ObjectNode> out = new ArrayList<>();
        List<ArrayNode> lists = new ArrayList<>();
        consumers().forEach(c -> {
            if (c.get(kind.list) instanceof ArrayNode a) {
                lists.add(a);
            }
        });
        if (doc.root().get(kind.list) instanceof ArrayNode a) {
            lists.add(a);
        }
        lists.forEach(l -> l.forEach(n -> {
            if (n instanceof ObjectNode o) {
                out.add(o);
            }
        }));
        return out;
    }

    /** The credential {@code idOrKey} of the consumer, if it has one (for tests and reads). */
    Optional<Credential> find(Kind kind, String consumerRef, String idOrKey) throws AdminException {
        try {
            return Optional.of(list(kind, consumerRef).get(indexOf(kind, consumerRef, idOrKey)));
        } catch (AdminException e) {
            if (e.status == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static int indexOf(ArrayNode list, JsonNode node) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == node) {
                return i;
            }
        }
        throw new IllegalStateException("credential not in its list");
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    static final Map<Kind, String> SINGULAR = Map.of(
            Kind.KEY_AUTH, "key-auth credential",
            Kind.BASIC_AUTH, "basic-auth credential",
            Kind.HMAC_AUTH, "hmac-auth credential",
            Kind.ACLS, "acl",
            Kind.JWT, "jwt credential");
}
