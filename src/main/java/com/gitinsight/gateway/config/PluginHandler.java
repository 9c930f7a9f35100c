package com.gitinsight.gateway.config;

/**
 * The handler half of a plugin (Kong's {@code handler.lua}), named by its schema so the two are
 * found together: the class that applies the plugin and the phase it works in. Named, not
 * referenced, because this package depends on no other; {@code PluginUnitsTest} checks that every
 * handler exists, is the kind its phase says, and is run.
 */
public record PluginHandler(String className, Phase phase) {

    /** Where a plugin's work happens on a request, or beside it. */
    public enum Phase {
        /**
         * A plugin filter that {@code proxy.PluginFilters} runs in priority order: its access phase
         * before the request goes on, its header phase through {@code http.ManagedHeaders} just
         * before the response is committed, its body and log phases once the chain returns.
         */
        REQUEST,
        /** Around the upstream call, by the service's guard ({@code upstream.ServiceGuards}). */
        UPSTREAM,
        /** Off the request path, on events from other services ({@code messaging.EvictionListener}). */
        EVENTS
    }

    /** A plugin filter. */
    public static PluginHandler filter(String className) {
        return new PluginHandler(className, Phase.REQUEST);
    }
}
