package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A declarative file as an editable tree, and the entity operations of the admin API on it. An
 * entity is found wherever Kong's format allows it (routes nested in services or at the top,
 * plugins global, top-level with a reference, or nested), and edited where it is, so a file keeps
 * its shape. Validation is the parser's job, after the edit; this class only refuses what would
 * make an edit ambiguous (a missing or duplicate name, a dangling reference on delete).
 */
final class DeclarativeDocument {

    static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    /**
     * The tree of a configuration text, its YAML anchors, aliases and merge keys resolved as the
     * loader resolves them (an edit saved from Jackson's own tree would write an alias as its
     * anchor's name). A saved edit writes the resolved values: the anchors are not kept.
     */
    static JsonNode readTree(String text) throws JsonProcessingException {
        JsonNode resolved = com.gitinsight.gateway.config.DocumentTrees.resolvedOrNull(text);
        return resolved != null ? resolved : YAML.readTree(text);
    }

    /** Fields that hold child entities rather than the entity's own settings. */
    private static final Map<EntityKind, Set<String>> CHILDREN = Map.of(
            EntityKind.SERVICES, Set.of("routes", "plugins"),
            EntityKind.ROUTES, Set.of("plugins"),
            EntityKind.UPSTREAMS, Set.of("targets"),
            EntityKind.CONSUMERS, Set.of("plugins"),
            EntityKind.PLUGINS, Set.of());

    /** A consumer's credential lists, each with the field that holds its secret. */
    private static final Map<String, String> CREDENTIAL_SECRETS = Map.of(
            "jwt_secrets",
            "secret",
            "keyauth_credentials",
            "key",
            "basicauth_credentials",
            "password",
            "hmacauth_credentials",
            "secret");

    /** The field that names a credential of each list, for {@link #keepCredentialSecrets}. */
    private static final Map<String, String> CREDENTIAL_IDENTITY = Map.of(
            "jwt_secrets",
            "key",
            "keyauth_credentials",
            "id",
            "basicauth_credentials",
            "username",
            "hmacauth_credentials",
            "username");

    /** One entity where it sits: its list, its node, and the entity it is nested in (null: top level). */
    record Located(EntityKind kind, ArrayNode list, ObjectNode node, Parent parent) {}

    record Parent(EntityKind kind, String name) {}

    private final ObjectNode root;

    private DeclarativeDocument(ObjectNode root) {
        this.root = root;
    }

    static DeclarativeDocument parse(String text) throws AdminException {
        try {
            JsonNode tree = readTree(text);
            if (!(tree instanceof ObjectNode o)) {
                throw new AdminException(400, "the configuration is not a mapping");
            }
            return new DeclarativeDocument(o);
        } catch (JsonProcessingException e) {
            throw new AdminException(
                    400, "malformed configuration: " + com.gitinsight.gateway.config.ParseErrors.describe(e));
        }
    }

    /** A document of a tree already read (the redacted tree admins read entities from). */
    static DeclarativeDocument of(ObjectNode root) {
        return new DeclarativeDocument(root);
    }

    ObjectNode root() {
        return root;
    }

    String toYaml() {
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree read from YAML always writes", e);
        }
    }

    String toJson() {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always writes", e);
        }
    }

    List<Located> all(EntityKind kind) {
        List<Located> out = new ArrayList<>();
        switch (kind) {
            case SERVICES, UPSTREAMS, CONSUMERS -> each(root, kind, null, out);
            case ROUTES -> {
                each(root, kind, null, out);
                for (Located s : all(EntityKind.SERVICES)) {
                    each(s.node(), kind, new Parent(EntityKind.SERVICES, name(s)), out);
                }
            }
            case PLUGINS -> {
                each(root, kind, null, out);
                for (EntityKind parent : List.of(EntityKind.SERVICES, EntityKind.ROUTES, EntityKind.CONSUMERS)) {
                    for (Located p : all(parent)) {
                        each(p.node(), kind, new Parent(parent, name(p)), out);
                    }
                }
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
        return out;
    }

    private static void each(ObjectNode holder, EntityKind kind, Parent parent, List<Located> out) {
        if (holder.get(kind.collection) instanceof ArrayNode list) {
            for (JsonNode n : list) {
                if (n instanceof ObjectNode o) {
                    out.add(new Located(kind, list, o, parent));
                }
            }
        }
    }

    /**
     * The entity named {@code id}; or, for a UUID, the one with that {@code id} (given in the file,
     * or the one Kong's loader derives from its name), as Kong's endpoints take either.
     */
    Optional<Located> find(EntityKind kind, String id) {
        List<Located> all = all(kind);
        if (kind != EntityKind.PLUGINS && isUuid(id)) {
            // A UUID is an id first, as Kong's endpoints read it; a name only when no id is it.
            Optional<Located> byId = all.stream()
                    .filter(l -> id.equalsIgnoreCase(text(l.node().get("id")))
                            || l.node().get("id") == null
                                    && name(l) != null
                                    && id.equalsIgnoreCase(
                                            com.gitinsight.gateway.config.KongIds.of(kind.collection, name(l))))
                    .findFirst();
            if (byId.isPresent()) {
                return byId;
            }
        }
        return all.stream().filter(l -> id.equals(name(l))).findFirst();
    }

    static boolean isUuid(String key) {
        return com.gitinsight.gateway.config.KongIds.isUuid(key);
    }

    /**
     * Where an entity sits as the parser names fields ({@code routes[2]}, {@code services[0].routes[1]}),
     * or null; so errors about it can be given relative to the entity, as Kong gives them.
     */
    String pathOf(EntityKind kind, String id) {
        Optional<Located> found = find(kind, id);
        if (found.isEmpty()) {
            return null;
        }
        Located l = found.get();
        String own = kind.collection + "[" + indexOf(l.list(), l.node()) + "]";
        if (l.parent() == null) {
            return own;
        }
        String parent = pathOf(l.parent().kind(), l.parent().name());
        return parent == null ? null : parent + "." + own;
    }

    Located require(EntityKind kind, String id) throws AdminException {
        return find(kind, id).orElseThrow(() -> new AdminException(404, "Not found"));
    }

    /** The entity's name; for a plugin, Kong's id if given, else its scope and name ({@code route:r1:jwt}). */
    static String name(Located l) {
        if (l.kind() == EntityKind.SERVICES && text(l.node().get("name")) == null) {
            // A nameless service is known by its id: the file's, else the one the loader derives
            // from its position (services sit only at the top level).
            String id = text(l.node().get("id"));
            if (id != null || l.list() == null) {
                return id;
            }
            return com.gitinsight.gateway.config.KongIds.of("services", "#" + indexOf(l.list(), l.node()));
        }
        if (l.kind() != EntityKind.PLUGINS) {
            return text(l.node().get(l.kind().key));
        }
        String id = text(l.node().get("id"));
        if (id != null) {
            return id;
        }
        String plugin = text(l.node().get("name"));
        if (l.parent() != null) {
            return l.parent().kind().singular() + ":" + l.parent().name() + ":" + plugin;
        }
        for (String scope : List.of("service", "route", "consumer")) {
            String ref = reference(l.node().get(scope));
            if (ref != null) {
                return scope + ":" + ref + ":" + plugin;
            }
        }
        return "global:" + plugin;
    }

    /** The name an entity given as a request body will have (a plugin's derived id included). */
    static String idOf(EntityKind kind, ObjectNode body) {
        return name(new Located(kind, null, body, null));
    }

    /** The entity as the admin API shows it: Kong's shape, children left to their own endpoints. */
    ObjectNode view(Located l) {
        ObjectNode out = l.node().deepCopy();
        CHILDREN.get(l.kind()).forEach(out::remove);
        if (l.kind() == EntityKind.ROUTES) {
            String service = l.parent() != null ? l.parent().name() : reference(out.get("service"));
            if (service != null) {
                serviceReference(out.putObject("service"), service);
            } else {
                out.putNull("service"); // Kong's route without a service
            }
        }
        if (l.kind() == EntityKind.CONSUMERS) {
            // Kong never shows a JWT credential's secret (its key and algorithm identify it); a
            // key-auth key, a basic-auth password and an hmac-auth secret are secrets too (their id and username
            // identify them).
            for (Map.Entry<String, String> secret : CREDENTIAL_SECRETS.entrySet()) {
                if (out.get(secret.getKey()) instanceof ArrayNode credentials) {
                    credentials.forEach(c -> {
                        if (c instanceof ObjectNode o) {
                            o.remove(secret.getValue());
                        }
                    });
                }
            }
        }
        if (l.kind() == EntityKind.SERVICES && !out.hasNonNull("name") && !out.hasNonNull("id")) {
            out.put("id", name(l)); // what the admin API and the loader know it by
        }
        if (l.kind() == EntityKind.PLUGINS) {
            out.put("id", name(l));
            if (l.parent() != null && l.parent().kind() == EntityKind.SERVICES) {
                serviceReference(out.putObject("service"), l.parent().name());
            } else if (l.parent() != null) {
                out.putObject(l.parent().kind().singular())
                        .put(l.parent().kind().key, l.parent().name());
            }
        }
        return out;
    }

    /** Kong's foreign key to a service: by name, or by id for a service without a name. */
    private void serviceReference(ObjectNode reference, String service) {
        Optional<Located> found = find(EntityKind.SERVICES, service);
        if (found.isEmpty()) {
            reference.put("name", service);
            return;
        }
        // A reference may name the service by its id; shown by the name it has, else its id.
        String name = text(found.get().node().get("name"));
        if (name != null) {
            reference.put("name", name);
        } else {
            reference.put("id", name(found.get()));
        }
    }

    void create(EntityKind kind, ObjectNode body) throws AdminException {
        if (kind == EntityKind.SERVICES && !body.hasNonNull("name") && !body.hasNonNull("id")) {
            // Kong's POST /services takes a service without a name and gives it an id; written into
            // the file, it stays the service's id across loads.
            body.put("id", java.util.UUID.randomUUID().toString());
        }
        Located probe = new Located(kind, null, body, null);
        String id = name(probe);
        if (kind == EntityKind.PLUGINS ? body.path("name").asText("").isEmpty() : id == null || id.isEmpty()) {
            throw new AdminException(
                    400,
                    "schema violation (" + (kind == EntityKind.PLUGINS ? "name" : kind.key)
                            + ": required field missing)",
                    Map.of(kind == EntityKind.PLUGINS ? "name" : kind.key, "required field missing"),
                    null);
        }
        if (find(kind, id).isPresent()) {
            throw new AdminException(409, "UNIQUE violation detected on '{" + kind.key + "=\"" + id + "\"}'");
        }
        list(root, kind.collection).add(body);
    }

    /** PATCH (merge the given fields; null removes one) or PUT (replace, keeping child entities). */
    void update(EntityKind kind, String id, ObjectNode body, boolean replace) throws AdminException {
        Optional<Located> found = find(kind, id);
        if (found.isEmpty()) {
            if (!replace) {
                throw new AdminException(404, "Not found");
            }
            if (kind != EntityKind.PLUGINS && isUuid(id)) {
                // Kong's PUT /services/{uuid}: the path names the id, the body the name.
                if (!body.hasNonNull("id")) {
                    body.put("id", id);
                }
            } else if (kind != EntityKind.PLUGINS) {
                body.put(kind.key, id);
            }
            create(kind, body);
            return;
        }
        Located l = found.get();
        String current = name(l);
        String newName = kind == EntityKind.PLUGINS ? id : text(body.get(kind.key));
        if (newName != null && !newName.equals(current) && find(kind, newName).isPresent()) {
            throw new AdminException(409, "UNIQUE violation detected on '{" + kind.key + "=\"" + newName + "\"}'");
        }
        if (kind == EntityKind.PLUGINS) {
            body.remove("id");
            if (l.parent() != null) {
                body.remove(l.parent().kind().singular());
            }
        }
        if (kind == EntityKind.ROUTES && l.parent() != null && body.has("service")) {
            String target = reference(body.get("service"));
            if (java.util.Objects.equals(l.parent().name(), target)) {
                body.remove("service");
            } else {
                moveToTop(l);
            }
        }
        ObjectNode node = l.node();
        if (kind == EntityKind.CONSUMERS) {
            keepCredentialSecrets(node, body);
        }
        // Kong keeps an entity's primary key through a PUT and a rename: the id it was given, or
        // the one its loader derived from the old name (X-Consumer-ID must not change).
        // A nameless service's key is its id already.
        boolean nameless = kind == EntityKind.SERVICES && text(node.get("name")) == null;
        String keptId = kind == EntityKind.PLUGINS || body.hasNonNull("id")
                ? null
                : node.hasNonNull("id")
                        ? text(node.get("id"))
                        : nameless && current != null
                                ? current
                                : newName != null && current != null && !newName.equals(current)
                                        ? com.gitinsight.gateway.config.KongIds.of(kind.collection, current)
                                        : null;
        if (replace) {
            List<String> own = new ArrayList<>();
            node.fieldNames().forEachRemaining(f -> {
                if (!CHILDREN.get(kind).contains(f)) {
                    own.add(f);
                }
            });
            own.forEach(node::remove);
            if (kind != EntityKind.PLUGINS && !nameless && !body.has(kind.key) && current != null) {
                node.put(kind.key, current);
            }
        }
        merge(node, body, !replace ? DEEP : Set.of());
        if (keptId != null && !node.has("id")) {
            node.put("id", keptId);
        }
    }

    /** The fields Kong's schemas declare as records, whose PATCH merges (maps and references are replaced). */
    private static final Set<String> DEEP = Set.of("config", "healthchecks");

    /** Map-typed fields inside records: Kong replaces them whole. */
    private static final Set<String> MAPS = Set.of("headers", "custom_fields_by_lua", "resource_attributes");

    /**
     * Sets {@code body}'s fields on {@code node} (null removes one). {@code deep}: PATCH, whose
     * nested objects merge into the stored ones as Kong's merge_values merges records: a PATCH of
     * a plugin's {@code config.max_age} keeps its {@code origins} (a replaced config would fall
     * back to cors's default "*"). Lists are replaced whole.
     */
    private static void merge(ObjectNode node, ObjectNode body, Set<String> deep) {
        merge(node, body, deep, false);
    }

    /** {@code inRecord}: inside a record, where every object but a map is a record too. */
    private static void merge(ObjectNode node, ObjectNode body, Set<String> deep, boolean inRecord) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            boolean record = inRecord ? !MAPS.contains(e.getKey()) : deep.contains(e.getKey());
            if (e.getValue().isNull()) {
                node.remove(e.getKey());
            } else if (record
                    && e.getValue() instanceof ObjectNode sent
                    && node.get(e.getKey()) instanceof ObjectNode kept) {
                merge(kept, sent, deep, true);
            } else {
                node.set(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * A consumer read from the API has its credentials without their secrets ({@link #view}); one
     * sent back so keeps each secret of the credential it names (a JWT credential by {@code key}, a
     * key-auth one by {@code id}, a basic-auth one by {@code username}), so that editing a consumer
     * never drops a secret or, for a key-auth key, makes the load generate a new one.
     */
    private static void keepCredentialSecrets(ObjectNode consumer, ObjectNode body) {
        for (Map.Entry<String, String> secret : CREDENTIAL_SECRETS.entrySet()) {
            String identity = CREDENTIAL_IDENTITY.get(secret.getKey());
            if (!(body.get(secret.getKey()) instanceof ArrayNode sent)
                    || !(consumer.get(secret.getKey()) instanceof ArrayNode stored)) {
                continue;
            }
            for (JsonNode c : sent) {
                if (c instanceof ObjectNode o && !o.has(secret.getValue()) && o.hasNonNull(identity)) {
                    for (JsonNode old : stored) {
                        if (o.get(identity).equals(old.get(identity)) && old.has(secret.getValue())) {
                            o.set(secret.getValue(), old.get(secret.getValue()));
                        }
                    }
                }
            }
        }
    }

    private void moveToTop(Located route) {
        route.list().remove(indexOf(route.list(), route.node()));
        list(root, "routes").add(route.node());
    }

    /** Deletes the entity; one that is not there is already deleted (Kong answers 204 too). */
    void delete(EntityKind kind, String key) throws AdminException {
        Optional<Located> found = find(kind, key);
        if (found.isEmpty()) {
            return;
        }
        Located l = found.get();
        String id = name(l);
        if (kind == EntityKind.SERVICES) {
            boolean routed = all(EntityKind.ROUTES).stream()
                    .anyMatch(r -> r.parent() != null
                            ? java.util.Objects.equals(r.parent().name(), id)
                            : id.equals(reference(r.node().get("service"))));
            if (routed) {
                throw new AdminException(400, "an existing 'routes' entity references this 'services' entity");
            }
        }
        if (kind == EntityKind.UPSTREAMS) {
            for (Located s : all(EntityKind.SERVICES)) {
                if (id.equals(serviceHost(s.node()))) {
                    throw new AdminException(400, "the service '" + name(s) + "' sends its requests to this upstream");
                }
            }
        }
        if (kind == EntityKind.SERVICES) {
            pinNamelessServiceIds();
        }
        l.list().remove(indexOf(l.list(), l.node()));
    }

    /**
     * Writes into each service without a name or id the id the loader derives from its position,
     * before a delete moves the ones after it (attacker review 154: a reference to the derived id
     * would then name the next service, and its route send there).
     */
    private void pinNamelessServiceIds() {
        for (Located s : all(EntityKind.SERVICES)) {
            if (text(s.node().get("name")) == null && text(s.node().get("id")) == null) {
                s.node().put("id", name(s));
            }
        }
    }

    ArrayNode targets(String upstream) throws AdminException {
        return list(require(EntityKind.UPSTREAMS, upstream).node(), "targets");
    }

    void addTarget(String upstream, ObjectNode body) throws AdminException {
        String target = text(body.get("target"));
        if (target == null || target.isEmpty()) {
            throw new AdminException(
                    400,
                    "schema violation (target: required field missing)",
                    Map.of("target", "required field missing"),
                    null);
        }
        ArrayNode targets = targets(upstream);
        for (JsonNode t : targets) {
            if (target.equals(text(t.get("target")))) {
                throw new AdminException(409, "UNIQUE violation detected on '{target=\"" + target + "\"}'");
            }
        }
        targets.add(body);
    }

    void deleteTarget(String upstream, String target) throws AdminException {
        ArrayNode targets = targets(upstream);
        for (int i = 0; i < targets.size(); i++) {
            if (target.equals(text(targets.get(i).get("target")))) {
                targets.remove(i);
                return;
            }
        }
        throw new AdminException(404, "Not found");
    }

    private static String serviceHost(ObjectNode service) {
        String host = text(service.get("host"));
        if (host != null) {
            return host;
        }
        String url = text(service.get("url"));
        try {
            return url == null ? null : URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int indexOf(ArrayNode list, JsonNode node) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == node) {
                return i;
            }
        }
        throw new IllegalStateException("entity not in its list");
    }

    private static ArrayNode list(ObjectNode holder, String field) {
        return holder.get(field) instanceof ArrayNode a ? a : holder.putArray(field);
    }

    /** A reference as deck writes it ({@code {name: x}}) or as a plain name. */
    static String reference(JsonNode ref) {
        if (ref == null || ref.isNull()) {
            return null;
        }
        if (ref.isObject()) {
            JsonNode n = ref.has("name") ? ref.get("name") : ref.has("username") ? ref.get("username") : ref.get("id");
            return text(n);
        }
        return text(ref);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }
}
