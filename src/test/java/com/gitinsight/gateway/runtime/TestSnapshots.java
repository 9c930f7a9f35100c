package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.routing.RouteMatch;
import java.time.Instant;
import java.util.Map;

/** Snapshots of a declarative file for plugin tests: the plugin index as the gateway builds it. */
public final class TestSnapshots {

    private TestSnapshots() {}

    /** The snapshot of {@code yaml} (no router or upstreams: plugin filters need neither). */
    public static GatewaySnapshot of(String yaml) {
        GatewayConfig config;
        try {
            config = new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", yaml);
        } catch (com.gitinsight.gateway.config.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new GatewaySnapshot(config, null, null, Map.of(), PluginIndex.build(config), Instant.now());
    }

    /** {@code route} (by name) as the router would have matched it. */
    public static RouteMatch match(GatewaySnapshot snapshot, String route) {
        RouteSpec r = snapshot.config().routes().stream()
                .filter(x -> x.displayName().equals(route))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no route " + route));
        ServiceSpec service = r.service() == null
                ? null
                : snapshot.config().service(r.service()).orElseThrow();
        return new RouteMatch(r, service, "/");
    }

    /**
     * One service with route {@code route} on {@code /<route>}, and {@code plugin} (a YAML flow
     * mapping) configured globally or on that route only.
     */
    public static GatewaySnapshot withPlugin(String plugin, String route, boolean global) {
        return of("""
                _format_version: "3.0"
                plugins: [%s]
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - name: %s
                        paths: [/%s]
                        plugins: [%s]
                """.formatted(global ? plugin : "", route, route, global ? "" : plugin));
    }
}
