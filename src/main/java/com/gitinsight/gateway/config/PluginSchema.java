package com.gitinsight.gateway.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * A plugin, as Kong splits it: this is the schema half (the plugin's name, Kong's priority, and its
 * {@code config:} map turned into an immutable {@link PluginConfig}, problems reported through
 * {@link PluginFields}), and it names its handler half ({@link #handler()}). Registered once, in
 * {@code META-INF/services/com.gitinsight.gateway.config.PluginSchema}; {@code proxy.PluginFilters}
 * runs the handlers of that list, so a plugin cannot be accepted and silently not run.
 */
public interface PluginSchema {

    String name();

    PluginConfig parse(PluginFields config);

    /**
     * Where the plugin runs among the others on a request: higher first, as Kong orders its
     * plugins. A Kong plugin has the {@code PRIORITY} of its Kong {@code handler.lua} (jwt 1450
     * runs before ip-restriction 990); a GitInsight plugin has a number that places it where it
     * runs (each says why). {@code proxy.PluginFilters} runs the plugin filters in this order.
     */
    int priority();

    /** The class that applies the plugin and its phase (Kong's handler). */
    PluginHandler handler();

    /**
     * The name the plugin is known by once loaded: an alias (the seed's {@code response-caching})
     * answers its canonical plugin's name, so handlers look up one name.
     */
    default String storedAs() {
        return name();
    }

    /**
     * The fields of the plugin's {@code config} that hold secrets (credentials, passwords, URLs with
     * them), dotted for nested ones ({@code redis.password}): the only fields a {@code {vault://env/NAME}}
     * reference may fill, and the ones the admin API shows redacted.
     */
    default Set<String> secretFields() {
        return Set.of();
    }

    /**
     * The consumer (id or username) {@code config} falls back to when authentication fails (Kong's
     * {@code anonymous}), or null. The file must define it: a load that names a missing one is refused.
     */
    default String anonymousConsumer(PluginConfig config) {
        return null;
    }

    /**
     * Whether its {@code protocols} may name stream protocols (Kong's {@code typedefs.protocols}:
     * the log plugins, prometheus, ip-restriction); else only HTTP ones ({@code protocols_http}),
     * and a stream protocol is a load error, as in Kong.
     */
    default boolean acceptsStreamProtocols() {
        return false;
    }

    /** Kong's {@code no_consumer}: global, a service or a route, never a consumer. */
    Set<PluginSpec.Scope> NO_CONSUMER = java.util.Collections.unmodifiableSet(
            EnumSet.of(PluginSpec.Scope.GLOBAL, PluginSpec.Scope.SERVICE, PluginSpec.Scope.ROUTE));

    /** Where the plugin may be attached; anywhere unless the plugin says otherwise. */
    default Set<PluginSpec.Scope> scopes() {
        return EnumSet.allOf(PluginSpec.Scope.class);
    }
}
