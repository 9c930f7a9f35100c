package com.gitinsight.gateway.config;

/**
 * One plugin instance: its validated config (a small immutable record made by the plugin's
 * {@link PluginSchema}), where it applies, and where in the file it was declared. {@code within}
 * narrows a consumer's plugin to one route or service (Kong's combinations: a plugin naming a consumer
 * and a service applies to that consumer's requests to that service only), and marks a route's plugin
 * that also named its service (route+service outranks a consumer's own plugin); null: neither.
 */
public record PluginSpec(
        String name, Scope scope, String scopeName, PluginConfig config, String declaredAt, Within within) {

    public enum Scope {
        GLOBAL,
        SERVICE,
        ROUTE,
        CONSUMER
    }

    /** A route (by display name) or service (by name) a consumer's plugin is limited to. */
    public record Within(Scope scope, String name) {}

    public PluginSpec(String name, Scope scope, String scopeName, PluginConfig config, String declaredAt) {
        this(name, scope, scopeName, config, declaredAt, null);
    }
}
