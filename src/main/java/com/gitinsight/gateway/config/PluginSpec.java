package com.gitinsight.gateway.config;

/**
 * One plugin instance: its validated config (a small immutable record made by the plugin's
 * {@link PluginSchema}), where it applies, and where in the file it was declared.
 */
public record PluginSpec(String name, Scope scope, String scopeName, PluginConfig config, String declaredAt) {

    public enum Scope { GLOBAL, SERVICE, ROUTE, CONSUMER }
}
