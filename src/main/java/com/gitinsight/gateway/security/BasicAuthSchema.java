package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.Set;

/** Kong's {@code basic-auth} (3.9): consumers' {@code basicauth_credentials}. */
public final class BasicAuthSchema implements PluginSchema {

    public static final String NAME = "basic-auth";
    private static final Set<String> FIELDS = Set.of("anonymous", "hide_credentials", "realm");

    /** {@code challenge}: the 401's {@code WWW-Authenticate}, {@code Basic realm="<realm>"}. */
    public record Config(String anonymous, boolean hideCredentials, String realm, String challenge)
            implements PluginConfig {

        public static Config of(String anonymous, boolean hideCredentials, String realm) {
            return new Config(anonymous, hideCredentials, realm, "Basic realm=" + AuthSchemas.quoted(realm));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's basic-auth handler.lua: after key-auth (1250), before acl (950). */
    @Override
    public int priority() {
        return 1100;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.BasicAuthFilter");
    }

    @Override
    public Set<PluginSpec.Scope> scopes() {
        return AuthSchemas.NO_CONSUMER;
    }

    @Override
    public String anonymousConsumer(PluginConfig config) {
        return ((Config) config).anonymous();
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, Set.of());
        // Kong's required fields with defaults: absent, the default; an explicit null, refused.
        f.required("hide_credentials", "realm");
        String anonymous = AuthSchemas.anonymous(f);
        return Config.of(anonymous, f.bool("hide_credentials", false), AuthSchemas.realm(f, "service"));
    }
}
