package com.gitinsight.gateway.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kong's {@code vaults} entities, as far as its one open-source vault goes: an {@code env} vault
 * under a prefix of its own, whose {@code config.prefix} is put before the variable a reference
 * names ({@code {vault://my-secrets/db-password}} with {@code config.prefix: APP_} reads
 * {@code APP_DB_PASSWORD}). Read before references are resolved ({@link VaultReferences}).
 */
final class Vaults {

    /** Kong's bundled vaults: a prefix may not take their names. */
    static final String ENV = "env";

    /** Kong's vaults.prefix match ({@code ^[a-z][a-z%d-]-[a-z%d]+$}). */
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]*[a-z0-9]");

    /** Kong's env vault config.prefix match ({@code ^[%a_-][%a%d_-]*$}). */
    private static final Pattern ENV_PREFIX = Pattern.compile("[A-Za-z_-][A-Za-z0-9_-]*");

    private static final Set<String> FIELDS = Set.of("name", "prefix", "description", "config");
    private static final Set<String> ACCEPTED = Set.of("id", "tags", "created_at", "updated_at");

    private Vaults() {}

    /**
     * Each vault's prefix to the text its variables start with ({@code ""}: none), {@code env}
     * included; every error at its field.
     */
    static Map<String, String> read(Section top) {
        Map<String, String> out = new HashMap<>();
        out.put(ENV, "");
        Set<String> ids = new HashSet<>();
        for (Section s : top.sections("vaults")) {
            s.allowEntity(FIELDS, ACCEPTED);
            AcceptedFields.common(s);
            EntityRefs.unique(s, "vaults", EntityRefs.id(s), ids);
            s.string("description", null);
            String name = s.requiredString("name");
            if (name != null && !name.equals(ENV)) {
                s.error("name", "vault '" + name + "' is not installed"); // Kong's subschema_error
            }
            String prefix = s.requiredString("prefix");
            Section config = s.section("config");
            config.allowOnly(Set.of("prefix"), Set.of());
            String variables = config.string("prefix", null);
            if (variables != null && !ENV_PREFIX.matcher(variables).matches()) {
                config.error("prefix", "invalid value: " + variables);
                variables = null;
            }
            if (prefix == null || prefix.isEmpty()) {
                continue;
            }
            if (!PREFIX.matcher(prefix).matches()) {
                s.error("prefix", "invalid value: " + prefix);
            } else if (prefix.equals(ENV)) {
                s.error("prefix", "must not be one of: " + ENV);
            } else if (out.containsKey(prefix)) {
                s.error(
                        "prefix",
                        "uniqueness violation: 'vaults' entity with prefix set to '" + prefix + "' already declared");
            } else if (ENV.equals(name)) {
                out.put(prefix, variables == null ? "" : variables);
            }
        }
        return out;
    }
}
