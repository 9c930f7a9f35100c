package com.gitinsight.gateway.config;

import java.util.Set;

/** How an entity names itself ({@code id}) and another entity (by name, username or id). */
final class EntityRefs {

    private EntityRefs() {}

    /**
     * An entity's {@code id}: a UUID, as Kong's typedefs.uuid requires. Free text would let an id
     * shadow another consumer's username wherever Kong takes either (anonymous, references).
     */
    static String id(Section s) {
        return s.checked("id", s.string("id", null), EntityRefs::uuidProblem);
    }

    /** Kong's check that two {@code entity} entries of a file never share an id (its primary key). */
    static void unique(Section s, String entity, String id, java.util.Set<String> seen) {
        if (id != null && KongIds.isUuid(id) && !seen.add(id.toLowerCase(java.util.Locale.ROOT))) {
            s.error(
                    "id",
                    "uniqueness violation: '" + entity + "' entity with primary key set to '" + id
                            + "' already declared");
        }
    }

    /**
     * Kong derives an entity's id from its name before it checks primary keys: the derived id may
     * not be another's written one (helper review 320: a route written with the id route A would
     * derive took the plugins naming A by it, leaving A without them; Kong refuses the file).
     */
    static void uniqueDerived(Section s, String entity, String name, java.util.Set<String> seen) {
        String derived = KongIds.of(entity, name);
        if (!seen.add(derived.toLowerCase(java.util.Locale.ROOT))) {
            s.error(
                    "name",
                    "uniqueness violation: '" + entity + "' entity with primary key set to '" + derived
                            + "' (the id Kong derives from this name) already declared");
        }
    }

    /** Kong's words for an id that is not a UUID. */
    static String uuidProblem(String id) {
        return KongIds.isUuid(id) ? null : "expected a valid UUID";
    }

    /** A reference to another entity: a name, or a map {@code {name: ...}} as deck writes it. */
    static String reference(Section s, String key) {
        Node n = s.node(key);
        if (n == null || n instanceof Node.ScalarNode sc && sc.isNull()) {
            return null;
        }
        if (n instanceof Node.MapNode) {
            Section ref = s.section(key);
            ref.allowOnly(Set.of("name", "username", "id"), Set.of());
            String name = ref.string("name", ref.string("username", ref.string("id", null)));
            if (name == null) {
                s.error(key, "expected a name");
            }
            return name;
        }
        return s.string(key, null);
    }

    /**
     * Whether a nested entity's {@code key} names an entity other than its parent. Naming the parent
     * itself, by name or id, is Kong's too (its flatten binds the child to the parent either way:
     * 03-flatten_spec "accepts as a nested entity by username/by id"); null or absent names none.
     */
    static boolean namesAnotherParent(Section s, String key, String... parent) {
        if (!s.has(key)) {
            return false;
        }
        String ref = reference(s, key);
        if (ref == null) {
            return false;
        }
        for (String p : parent) {
            if (ref.equals(p)) {
                return false;
            }
        }
        return true;
    }
}
