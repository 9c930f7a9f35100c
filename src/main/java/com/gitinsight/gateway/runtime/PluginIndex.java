package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.CredentialSource;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginSpec;
import com.gitinsight.gateway.config.RouteSpec;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which plugin configuration applies to each route, resolved once per configuration with Kong's
 * precedence (route with its service, route, service, global), so a filter finds its config with
 * one lookup; once authentication names a consumer, that consumer's plugins take part with Kong's
 * order: consumer+route, consumer+service, route+service, consumer, route, service, global;
 * and which plugin instance each configuration is (state that belongs to an instance, such as
 * rate-limit counters, is kept per instance, as Kong keys it by the instance's service and route).
 */
public final class PluginIndex {

    private final Map<String, Map<String, PluginConfig>> byRoute;
    private final Map<String, PluginConfig> global;
    private final Map<PluginConfig, String> instances;
    /** Each instance's rate-limit counters' owner ({@link #counters}). */
    private final Map<PluginConfig, String> counters;
    /** Route plugins that named their service too (they outrank a consumer's own). */
    private final Set<PluginConfig> routeAndService;
    /** A consumer's plugins by {@link #consumerKey}; empty in most files. */
    private final Map<String, PluginConfig> byConsumer;
    /** The names of the plugins configured anywhere. */
    private final Set<String> used;

    private final boolean logsRequests;
    /** Where any configured plugin reads a credential (see {@link CredentialSource}). */
    private final Set<String> credentialArguments;

    private final Set<String> credentialHeaders;

    private PluginIndex(
            Map<String, Map<String, PluginConfig>> byRoute,
            Map<String, PluginConfig> global,
            Map<PluginConfig, String> instances,
            Map<PluginConfig, String> counters,
            Set<PluginConfig> routeAndService,
            Map<String, PluginConfig> byConsumer,
            Set<String> used,
            Set<String> credentialArguments,
            Set<String> credentialHeaders) {
        this.used = used;
        this.logsRequests = used.contains("file-log") || used.contains("http-log");
        this.credentialArguments = credentialArguments;
        this.credentialHeaders = credentialHeaders;
        this.byRoute = byRoute;
        this.global = global;
        this.instances = instances;
        this.counters = counters;
        this.routeAndService = routeAndService;
        this.byConsumer = byConsumer;
    }

    static PluginIndex build(GatewayConfig config) {
        Map<String, PluginConfig> global = new HashMap<>();
        // By identity: two instances with equal settings are still two instances.
        Map<PluginConfig, String> instances = new IdentityHashMap<>();
        Map<PluginConfig, String> counters = new IdentityHashMap<>();
        for (PluginSpec p : config.plugins()) {
            instances.put(p.config(), instance(p));
            counters.put(p.config(), counters(p));
        }
        for (PluginSpec p : config.plugins()) {
            if (p.scope() == PluginSpec.Scope.GLOBAL) {
                global.put(p.name(), p.config());
            }
        }
        Map<String, Map<String, PluginConfig>> byRoute = new HashMap<>();
        Set<PluginConfig> routeAndService = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RouteSpec r : config.routes()) {
            Map<String, PluginConfig> effective = new HashMap<>(global);
            List<PluginSpec> servicePlugins =
                    r.service() == null ? List.of() : config.pluginsFor(PluginSpec.Scope.SERVICE, r.service());
            for (PluginSpec p : servicePlugins) {
                effective.put(p.name(), p.config());
            }
            List<PluginSpec> routePlugins = config.pluginsFor(PluginSpec.Scope.ROUTE, r.displayName());
            for (PluginSpec p : routePlugins) {
                if (p.within() == null) {
                    effective.put(p.name(), p.config());
                }
            }
            for (PluginSpec p : routePlugins) {
                if (p.within() != null) {
                    effective.put(p.name(), p.config());
                    routeAndService.add(p.config());
                }
            }
            byRoute.put(r.displayName(), Map.copyOf(effective));
        }
        Map<String, PluginConfig> byConsumer = new HashMap<>();
        for (PluginSpec p : config.plugins()) {
            if (p.scope() == PluginSpec.Scope.CONSUMER) {
                PluginSpec.Within w = p.within();
                byConsumer.put(
                        consumerKey(p.scopeName(), w == null ? null : w.scope(), w == null ? null : w.name(), p.name()),
                        p.config());
            }
        }
        return new PluginIndex(
                Map.copyOf(byRoute),
                Map.copyOf(global),
                Collections.unmodifiableMap(instances),
                Collections.unmodifiableMap(counters),
                Collections.unmodifiableSet(routeAndService),
                Map.copyOf(byConsumer),
                config.plugins().stream()
                        .map(PluginSpec::name)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()),
                credentialNames(config, true),
                credentialNames(config, false));
    }

    private static Set<String> credentialNames(GatewayConfig config, boolean arguments) {
        Set<String> names =
                arguments ? new java.util.HashSet<>() : new java.util.TreeSet<>(RequestContext.HEADER_ORDER);
        for (PluginSpec p : config.plugins()) {
            if (p.config() instanceof CredentialSource source) {
                names.addAll(arguments ? source.credentialArguments() : source.credentialHeaders());
            }
        }
        if (names.isEmpty()) {
            return Set.of();
        }
        // Argument names compare exactly: an immutable copy, which a log record's redaction walks
        // for each argument without the hash set's iterator and empty buckets (issue 22).
        return arguments ? Set.copyOf(names) : Collections.unmodifiableSet(names);
    }

    /** The query argument names any configured plugin reads a credential from (exact names). */
    public Set<String> credentialArguments() {
        return credentialArguments;
    }

    /** The header names any configured plugin reads a credential from, compared as {@link RequestContext#HEADER_ORDER}. */
    public Set<String> credentialHeaders() {
        return credentialHeaders;
    }

    /** Whether {@code plugin} is configured anywhere (else its filter need not even look). */
    public boolean uses(String plugin) {
        return used.contains(plugin);
    }

    /** Whether a plugin that records Kong's log record (file-log, http-log) is configured anywhere. */
    public boolean logsRequests() {
        return logsRequests;
    }

    private static String consumerKey(String consumer, PluginSpec.Scope within, String name, String plugin) {
        return consumer + '\u0000' + (within == null ? "" : within.name() + '\u0000' + name) + '\u0000' + plugin;
    }

    /** Whether any plugin is scoped to a consumer (else consumers change no lookup). */
    public boolean hasConsumerPlugins() {
        return !byConsumer.isEmpty();
    }

    /**
     * The plugin's config for {@code route} and the authenticated {@code consumer} (its username, or
     * custom id without one), with Kong's precedence; without a consumer plugin, as
     * {@link #config(RouteSpec, String, Class)}.
     */
    public <T extends PluginConfig> T config(RouteSpec route, String consumer, String plugin, Class<T> type) {
        if (consumer == null || byConsumer.isEmpty() || route == null) {
            return config(route, plugin, type);
        }
        PluginConfig c = byConsumer.get(consumerKey(consumer, PluginSpec.Scope.ROUTE, route.displayName(), plugin));
        if (c == null && route.service() != null) {
            c = byConsumer.get(consumerKey(consumer, PluginSpec.Scope.SERVICE, route.service(), plugin));
        }
        if (c == null) {
            Map<String, PluginConfig> plugins = byRoute.get(route.displayName());
            PluginConfig effective = plugins == null ? null : plugins.get(plugin);
            c = effective != null && routeAndService.contains(effective)
                    ? effective
                    : byConsumer.getOrDefault(consumerKey(consumer, null, null, plugin), effective);
        }
        return type.isInstance(c) ? type.cast(c) : null;
    }

    /** Where an instance is attached, by name, so it names the same instance after a reload. */
    private static String instance(PluginSpec p) {
        return switch (p.scope()) {
            case GLOBAL -> "global";
            case SERVICE -> "service:" + p.scopeName();
            case ROUTE -> "route:" + p.scopeName();
            // Limited to a route or service, it is another instance than the same consumer's on
            // another route (Kong keys rate-limiting counters by the plugin's route and service too).
            case CONSUMER ->
                p.within() == null
                        ? "consumer:" + p.scopeName()
                        : "consumer:" + p.scopeName() + "@"
                                + p.within().scope().name().toLowerCase(java.util.Locale.ROOT) + ":"
                                + p.within().name();
        };
    }

    /**
     * The plugin instance {@code config} belongs to: {@code global}, {@code service:<name>},
     * {@code route:<name>}, {@code consumer:<name>} or, limited to a route or service,
     * {@code consumer:<name>@route:<name>} / {@code @service:<name>} (the scope it is attached to;
     * a plugin name is unique per scope). Null for a config this index did not make.
     */
    public String instance(PluginConfig config) {
        return instances.get(config);
    }

    /**
     * Whose rate-limit counters {@code config}'s are, as Kong keys them
     * ({@code ratelimit:<route_id>:<service_id>:<identifier>:...}, the plugin's route and service
     * only): a consumer's instance counts in its route's, its service's or the global counters, so
     * it shares them with that instance wherever the identifier is the same (helper review 261: an
     * address's anonymous requests counted against alice's limit on Kong, not here).
     */
    public String counters(PluginConfig config) {
        return counters.get(config);
    }

    private static String counters(PluginSpec p) {
        PluginSpec.Within w = p.within();
        return switch (p.scope()) {
            case GLOBAL, SERVICE -> instance(p);
            // A route's instance that also names its service is Kong's (route, service) key, not
            // the route-only one (helper review 265).
            case ROUTE -> w == null ? instance(p) : instance(p) + "@service:" + w.name();
            case CONSUMER ->
                w == null ? "global" : w.scope().name().toLowerCase(java.util.Locale.ROOT) + ":" + w.name();
        };
    }

    /** The plugin's config for {@code route} (null: no route matched, global plugins only), or null. */
    public <T extends PluginConfig> T config(RouteSpec route, String plugin, Class<T> type) {
        Map<String, PluginConfig> plugins = route == null ? global : byRoute.get(route.displayName());
        PluginConfig c = plugins == null ? null : plugins.get(plugin);
        return type.isInstance(c) ? type.cast(c) : null;
    }
}
