package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.List;
import java.util.Set;

/** Kong's {@code acl} (3.9 OSS): {@code allow} or {@code deny} groups of the consumer or of the authentication. */
public final class AclSchema implements PluginSchema {

    public static final String NAME = "acl";
    private static final Set<String> FIELDS =
            Set.of("allow", "deny", "hide_groups_header", "always_use_authenticated_groups");

    /** {@code deny} true: {@code groups} are denied; false: only they are allowed. */
    public record Config(
            List<String> groups, boolean deny, boolean hideGroupsHeader, boolean alwaysUseAuthenticatedGroups)
            implements PluginConfig {
        public Config {
            groups = List.copyOf(groups);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's acl handler.lua: after every auth plugin (basic-auth 1100, key-auth 1250, jwt 1450). */
    @Override
    public int priority() {
        return 950;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.AclFilter");
    }

    @Override
    public Set<PluginSpec.Scope> scopes() {
        return AuthSchemas.NO_CONSUMER;
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, Set.of());
        // Kong's required fields with defaults: absent, the default; an explicit null, refused.
        f.required("hide_groups_header", "always_use_authenticated_groups");
        List<String> allow = f.strings("allow", List.of());
        List<String> deny = f.strings("deny", List.of());
        // Kong's entity checks: only_one_of and at_least_one_of {config.allow, config.deny} (Kong
        // 3's words). A full entity has both fields (absent ones null), so only_one_of fails too
        // where neither is set, as Kong's admin API spec answers a config without either.
        String fields = "these fields must be non-empty: 'config.allow', 'config.deny'";
        if (!allow.isEmpty() && !deny.isEmpty()) {
            f.error("deny", "exactly one of " + fields);
        } else if (allow.isEmpty() && deny.isEmpty()) {
            f.error("allow", "exactly one of " + fields);
            f.error("allow", "at least one of " + fields);
        }
        return new Config(
                deny.isEmpty() ? allow : deny,
                !deny.isEmpty(),
                f.bool("hide_groups_header", false),
                f.bool("always_use_authenticated_groups", false));
    }
}
