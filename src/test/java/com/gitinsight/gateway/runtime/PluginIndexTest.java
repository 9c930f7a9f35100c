package com.gitinsight.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.ratelimit.RateLimitingSchema;
import org.junit.jupiter.api.Test;

/** Kong's plugin precedence, consumers included (Kong's "Plugin precedence" rules). */
class PluginIndexTest {

    private static GatewayConfig parse(String yaml) throws Exception {
        return new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", "_format_version: \"3.0\"\n" + yaml);
    }

    private static RouteSpec route(GatewayConfig c, String name) {
        return c.routes().stream()
                .filter(r -> name.equals(r.name()))
                .findFirst()
                .orElseThrow();
    }

    /** The minute limit that applies, as the plugin's identity. */
    private static Long minute(PluginIndex index, RouteSpec route, String consumer) {
        RateLimitingSchema.Config c = index.config(route, consumer, "rate-limiting", RateLimitingSchema.Config.class);
        return c == null ? null : c.limits().get(0).limit();
    }

    @Test
    void aConsumersPluginsTakePartWithKongsOrder() throws Exception {
        GatewayConfig c = parse("""
                services:
                  - name: s
                    url: http://s
                    routes:
                      - {name: r, paths: [/r]}
                      - {name: plain, paths: [/plain]}
                      - {name: both, paths: [/both]}
                consumers:
                  - username: alice
                  - username: bob
                  - username: carol
                plugins:
                  - {name: rate-limiting, config: {minute: 1}}
                  - {name: rate-limiting, service: s, config: {minute: 2}}
                  - {name: rate-limiting, route: r, config: {minute: 3}}
                  - {name: rate-limiting, route: both, service: s, config: {minute: 4}}
                  - {name: rate-limiting, consumer: alice, config: {minute: 5}}
                  - {name: rate-limiting, consumer: bob, service: s, config: {minute: 6}}
                  - {name: rate-limiting, consumer: carol, route: r, config: {minute: 7}}
                """);
        PluginIndex index = PluginIndex.build(c);
        RouteSpec r = route(c, "r");
        RouteSpec plain = route(c, "plain");
        RouteSpec both = route(c, "both");
        assertEquals(3L, minute(index, r, null), "route over service and global");
        assertEquals(2L, minute(index, plain, null), "service over global");
        assertEquals(5L, minute(index, r, "alice"), "a consumer's own over a route's alone");
        assertEquals(4L, minute(index, both, "alice"), "route+service over a consumer's own");
        assertEquals(6L, minute(index, r, "bob"), "consumer+service over route");
        assertEquals(6L, minute(index, both, "bob"), "consumer+service over route+service");
        assertEquals(7L, minute(index, r, "carol"), "consumer+route first");
        assertEquals(2L, minute(index, plain, "carol"), "carol's plugin is for route r only");
        assertEquals(3L, minute(index, r, "dave"), "another consumer: the route's");
    }

    @Test
    void aConsumersPluginOnTwoRoutesIsTwoInstances() throws Exception {
        // Kong keys rate-limiting's counters by the plugin's route and service too: bob's five
        // requests on r2 do not count against his limit on r1.
        GatewayConfig c = parse("""
                services:
                  - name: s
                    url: http://s
                    routes:
                      - {name: r1, paths: [/r1]}
                      - {name: r2, paths: [/r2]}
                consumers:
                  - username: bob
                plugins:
                  - {name: rate-limiting, consumer: bob, route: r1, config: {minute: 5}}
                  - {name: rate-limiting, consumer: bob, route: r2, config: {minute: 100}}
                  - {name: rate-limiting, consumer: bob, config: {minute: 7}}
                """);
        PluginIndex index = PluginIndex.build(c);
        RateLimitingSchema.Config one =
                index.config(route(c, "r1"), "bob", "rate-limiting", RateLimitingSchema.Config.class);
        RateLimitingSchema.Config two =
                index.config(route(c, "r2"), "bob", "rate-limiting", RateLimitingSchema.Config.class);
        assertEquals("consumer:bob@route:r1", index.instance(one));
        assertEquals("consumer:bob@route:r2", index.instance(two));
        assertEquals("consumer:bob", index.instance(c.plugins().get(2).config()));
    }

    @Test
    void aRouteWithoutAServiceTakesGlobalRouteAndConsumerPlugins() throws Exception {
        // Kong: a route may name no service (its plugins run, then Kong answers 503).
        GatewayConfig c = parse("""
                services:
                  - {name: s, url: http://s}
                routes:
                  - {name: bare, paths: [/bare]}
                  - {name: nulled, service: null, paths: [/nulled]}
                  - {name: routed, paths: [/routed]}
                consumers:
                  - username: alice
                  - username: bob
                plugins:
                  - {name: rate-limiting, config: {minute: 1}}
                  - {name: rate-limiting, service: s, config: {minute: 2}}
                  - {name: rate-limiting, route: routed, config: {minute: 3}}
                  - {name: rate-limiting, consumer: alice, config: {minute: 5}}
                  - {name: rate-limiting, consumer: bob, service: s, config: {minute: 6}}
                """);
        PluginIndex index = PluginIndex.build(c);
        assertEquals(null, route(c, "bare").service());
        assertEquals(null, route(c, "nulled").service());
        assertEquals(1L, minute(index, route(c, "bare"), null), "global; the service's is not for it");
        assertEquals(3L, minute(index, route(c, "routed"), null));
        assertEquals(5L, minute(index, route(c, "bare"), "alice"));
        assertEquals(1L, minute(index, route(c, "nulled"), "bob"), "bob's is for service s only");
    }

    // Helper review 253: Kong runs a plugin whose protocols are all streams in its stream subsystem
    // only; here it ran on every HTTP request of its scope (a global deny-all for tcp refused all).
    @Test
    void aPluginForStreamsOnlyNeverRunsOnHttp() throws Exception {
        GatewayConfig c = parse("""
                services:
                  - {name: s, url: http://s, routes: [{name: r, paths: [/r]}]}
                plugins:
                  - {name: ip-restriction, protocols: [tcp, tls], config: {deny: [0.0.0.0/0]}}
                  - {name: ip-restriction, route: r, protocols: [udp], config: {deny: [0.0.0.0/0]}}
                  - {name: ip-restriction, service: s, protocols: [tcp, http], config: {deny: [10.0.0.1]}}
                  - {name: key-auth, route: r, protocols: []}
                """);
        PluginIndex index = PluginIndex.build(c);
        com.gitinsight.gateway.security.IpRestrictionSchema.Config runs = index.config(
                route(c, "r"),
                null,
                "ip-restriction",
                com.gitinsight.gateway.security.IpRestrictionSchema.Config.class);
        assertEquals(
                "[10.0.0.1]",
                runs.deny().stream().map(cidr -> cidr.text()).toList().toString(),
                "the stream-only instances never run; the service's, with one HTTP protocol, does");
        org.junit.jupiter.api.Assertions.assertNull(
                index.config(route(c, "r"), null, "key-auth", com.gitinsight.gateway.config.PluginConfig.class),
                "protocols [] matches no request (helper review 258)");
        // A plugin Kong's schema keeps to HTTP (protocols_http) is refused with a stream protocol
        // (attacker review 257: key-auth with [tls] loaded and never ran, leaving its route open).
        org.junit.jupiter.api.Assertions.assertThrows(
                com.gitinsight.gateway.config.ConfigException.class, () -> parse("""
                services:
                  - {name: s, url: http://s, routes: [{name: r, paths: [/r], plugins: [{name: key-auth, protocols: [tls]}]}]}
                """));
    }
}
