package com.gitinsight.gateway.config;

import java.util.Set;

/** How an entity names itself ({@code id}) and another entity (by name, username or id). */
final class EntityRefs {

    private EntityRefs() {}

    /** An entity's {@code id}: free text here (Kong's are UUIDs), but it names the entity in admin API paths. */
    static String id(Section s) {
        return s.checked("id", s.string("id", null), EntityNames::pathProblem);
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
}
