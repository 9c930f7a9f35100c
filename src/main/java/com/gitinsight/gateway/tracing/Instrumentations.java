package com.gitinsight.gateway.tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kong's {@code tracing_instrumentations} ({@code gateway.tracing.instrumentations}): which spans
 * an opentelemetry plugin exports. {@code off} exports none (the plugin still passes a context on,
 * marked not sampled); any other list exports the request's span ({@code kong}, Kong's root span,
 * on whenever tracing is) and the kinds it names; {@code all}, first in the list as Kong reads it,
 * every kind. Of Kong's kinds this gateway makes {@code router} ({@code kong.router}),
 * {@code balancer} ({@code kong.balancer}, one per try) and {@code plugin_access}
 * ({@code kong.access.plugin.<name>}, each plugin with an access phase); the others are accepted
 * and make no span.
 */
record Instrumentations(boolean exported, boolean router, boolean balancer, boolean pluginAccess) {

    static final Instrumentations ALL = new Instrumentations(true, true, true, true);

    /** Kong's accepted types (its instrumentation's, with all, off and request). */
    private static final Set<String> KNOWN = Set.of(
            "off",
            "all",
            "request",
            "db_query",
            "dns_query",
            "router",
            "http_client",
            "balancer",
            "plugin_rewrite",
            "plugin_access",
            "plugin_header_filter",
            "create_span");

    /** The setting's value, comma-separated; every error in one message, as Kong's loader lists them. */
    static Instrumentations parse(String setting) {
        // An empty entry ("balancer,,router") is a type Kong does not know, as its loader finds.
        List<String> types = new ArrayList<>();
        for (String t : setting.split(",", -1)) {
            types.add(t.strip());
        }
        List<String> errors = new ArrayList<>();
        for (String t : types) {
            if (!KNOWN.contains(t)) {
                errors.add("invalid tracing type: " + t);
            }
        }
        if (types.size() > 1 && types.contains("off")) {
            errors.add("invalid tracing types: off, other types are mutually exclusive");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("gateway.tracing.instrumentations: " + String.join("; ", errors));
        }
        if (types.get(0).equals("off")) {
            return new Instrumentations(false, false, false, false);
        }
        // Kong reads "all" only as the first type.
        boolean all = types.get(0).equals("all");
        return new Instrumentations(
                true,
                all || types.contains("router"),
                all || types.contains("balancer"),
                all || types.contains("plugin_access"));
    }
}
