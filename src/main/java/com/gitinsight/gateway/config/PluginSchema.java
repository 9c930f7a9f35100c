package com.gitinsight.gateway.config;

/**
 * Kong splits a plugin into a schema and a handler; this is the schema half. It turns the
 * plugin's {@code config:} map into an immutable {@link PluginConfig}, reporting problems
 * through {@link PluginFields}.
 */
public interface PluginSchema {

    String name();

    PluginConfig parse(PluginFields config);
}
