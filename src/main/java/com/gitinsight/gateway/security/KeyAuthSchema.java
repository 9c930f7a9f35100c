package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kong's {@code key-auth} (3.9): consumers' {@code keyauth_credentials}, looked for under
 * {@code key_names} in the headers, the query and (optionally) the body.
 */
public final class KeyAuthSchema implements PluginSchema {

    public static final String NAME = "key-auth";
    private static final Set<String> FIELDS = Set.of(
            "key_names",
            "hide_credentials",
            "anonymous",
            "key_in_header",
            "key_in_query",
            "key_in_body",
            "run_on_preflight",
            "realm");
    /** Kong's {@code typedefs.header_name}. */

    /**
     * {@code headerFallbacks}: per key name, the {@code -} spelling a {@code _} name also matches in
     * headers (nginx's lookup), or null. {@code challenge}: the 401s' {@code WWW-Authenticate}.
     */
    public record Config(
            List<String> keyNames,
            List<String> headerFallbacks,
            boolean hideCredentials,
            String anonymous,
            boolean keyInHeader,
            boolean keyInQuery,
            boolean keyInBody,
            boolean runOnPreflight,
            String realm,
            String challenge)
            implements PluginConfig, com.gitinsight.gateway.config.CredentialSource {

        @Override
        public java.util.Collection<String> credentialArguments() {
            return keyNames;
        }

        @Override
        public java.util.Collection<String> credentialHeaders() {
            List<String> out = new ArrayList<>(keyNames);
            for (String fallback : headerFallbacks) {
                if (fallback != null) {
                    out.add(fallback);
                }
            }
            return out;
        }

        public Config {
            keyNames = List.copyOf(keyNames);
            headerFallbacks = java.util.Collections.unmodifiableList(new ArrayList<>(headerFallbacks));
        }

        /** Kong's fields; the derived ones are computed. */
        public static Config of(
                List<String> keyNames,
                boolean hideCredentials,
                String anonymous,
                boolean keyInHeader,
                boolean keyInQuery,
                boolean keyInBody,
                boolean runOnPreflight,
                String realm) {
            List<String> fallbacks = new ArrayList<>();
            for (String name : keyNames) {
                fallbacks.add(name.indexOf('_') >= 0 ? name.replace('_', '-') : null);
            }
            return new Config(
                    keyNames,
                    fallbacks,
                    hideCredentials,
                    anonymous,
                    keyInHeader,
                    keyInQuery,
                    keyInBody,
                    runOnPreflight,
                    realm,
                    realm == null ? "Key" : "Key realm=" + AuthSchemas.quoted(realm));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's key-auth handler.lua: before basic-auth (1100) and acl (950). */
    @Override
    public int priority() {
        return 1250;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.KeyAuthFilter");
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
        f.required("key_names", "hide_credentials", "key_in_header", "key_in_query", "key_in_body", "run_on_preflight");
        // key_names: [] loads, as Kong's schema has no len_min for it: every request is then
        // "No API key found in request" (or the anonymous consumer's).
        List<String> names = f.strings("key_names", List.of("apikey"));
        for (String name : names) {
            if (!com.gitinsight.gateway.config.KongHeaderName.valid(name)) {
                f.error("key_names", com.gitinsight.gateway.config.KongHeaderName.problem(name));
            }
        }
        String anonymous = AuthSchemas.anonymous(f);
        return Config.of(
                names,
                f.bool("hide_credentials", false),
                anonymous,
                f.bool("key_in_header", true),
                f.bool("key_in_query", true),
                f.bool("key_in_body", false),
                f.bool("run_on_preflight", true),
                AuthSchemas.realm(f, null));
    }
}
