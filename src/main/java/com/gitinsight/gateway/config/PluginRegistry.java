package com.gitinsight.gateway.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The plugins this gateway implements, by Kong name. A name not here is a config error. */
public final class PluginRegistry {

    private final Map<String, PluginSchema> schemas;

    public PluginRegistry(Collection<PluginSchema> schemas) {
        this.schemas = schemas.stream().collect(Collectors.toUnmodifiableMap(PluginSchema::name, Function.identity()));
    }

    /** Every plugin shipped with the gateway. Each plugin issue adds its schema here. */
    public static PluginRegistry builtIn() {
        return new PluginRegistry(List.of());
    }

    PluginSchema find(String name) {
        return schemas.get(name);
    }

    public java.util.Set<String> names() {
        return schemas.keySet();
    }
}
