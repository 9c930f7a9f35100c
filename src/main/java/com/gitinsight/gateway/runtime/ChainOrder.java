package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.PluginRegistry;

/**
 * A filter's place in the plugin chain: {@code proxy.PluginFilters} runs its filters by descending
 * {@link #order}. A plugin's filter sits at its plugin's priority ({@link #at}, Kong's number for a
 * Kong plugin); an infrastructure filter is placed next to a plugin ({@link #after}, {@link #before})
 * or at either end, so it keeps its place whatever plugins run around it.
 */
public interface ChainOrder {

    /** Outermost: before every plugin (metrics and the access log see everything). */
    long OUTERMOST = Long.MAX_VALUE;

    /** Innermost: after every plugin, just before the proxy. */
    long INNERMOST = Long.MIN_VALUE;

    long order(PluginRegistry plugins);

    /** At {@code plugin}'s priority. */
    static long at(PluginRegistry plugins, String plugin) {
        return 2L * plugins.priority(plugin);
    }

    /**
     * A plugin that works in Kong's log phase (file-log, http-log) or, like opentelemetry, around
     * the whole request: above every plugin (it sees the answer of any of them, a refusal
     * included) and below {@link #OUTERMOST}. Among its kind the higher priority is the inner
     * one: its log runs first, once the response is done, as Kong's log phase runs its plugins by
     * descending priority (opentelemetry's spans end, then http-log, then file-log, which sees the
     * custom fields http-log set).
     */
    static long logPhase(PluginRegistry plugins, String plugin) {
        return OUTERMOST / 2 - plugins.priority(plugin);
    }

    /** Right after {@code plugin}, before any plugin of lower priority. */
    static long after(PluginRegistry plugins, String plugin) {
        return at(plugins, plugin) - 1;
    }

    /** Right before {@code plugin}, after any plugin of higher priority. */
    static long before(PluginRegistry plugins, String plugin) {
        return at(plugins, plugin) + 1;
    }
}
