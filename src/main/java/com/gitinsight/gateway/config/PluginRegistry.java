package com.gitinsight.gateway.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The plugins this gateway implements, by Kong name. A name not here is a config error. */
public final class PluginRegistry {

    private final Map<String, PluginSchema> schemas;

    public PluginRegistry(Collection<PluginSchema> schemas) {
        this.schemas = schemas.stream().collect(Collectors.toUnmodifiableMap(PluginSchema::name, Function.identity()));
    }

    /**
     * Every plugin shipped with the gateway: the schemas listed in
     * {@code META-INF/services/com.gitinsight.gateway.config.PluginSchema}, so each capability
     * package registers its own plugins without this package depending on them.
     */
    public static PluginRegistry builtIn() {
        List<PluginSchema> found = new java.util.ArrayList<>();
        ServiceLoader.load(PluginSchema.class, PluginRegistry.class.getClassLoader())
                .forEach(found::add);
        return new PluginRegistry(found);
    }

    PluginSchema find(String name) {
        return schemas.get(name);
    }

    /** The priority of plugin {@code name} (see {@link PluginSchema#priority()}). */
    public int priority(String name) {
        PluginSchema schema = schemas.get(name);
        if (schema == null) {
            throw new IllegalArgumentException("no plugin named " + name);
        }
        return schema.priority();
    }

    /** Every schema, once each (an alias is its own schema with its canonical plugin's handler). */
    public Collection<PluginSchema> schemas() {
        return schemas.values();
    }

    public java.util.Set<String> names() {
        return schemas.keySet();
    }
}
