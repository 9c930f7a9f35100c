package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * YAML's anchors, aliases and merge keys, resolved as Kong's loader (lyaml) resolves them. Jackson's
 * parser hands an alias over as a string naming the anchor: read as a value, {@code host: *backend}
 * sent the service to a host named {@code backend}.
 */
class TreeReaderTest {

    private final KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());

    private GatewayConfig load(String yaml) throws ConfigException {
        return parser.parse("kong.yml", "_format_version: \"3.0\"\n" + yaml);
    }

    @Test
    void anAliasIsTheAnchoredValue() throws Exception {
        GatewayConfig c = load("""
                services:
                  - {name: a, host: &backend orders.internal, port: &port 8080, routes: [{paths: [/a]}]}
                  - {name: b, host: *backend, port: *port, routes: [{paths: [/b]}]}
                  - name: c
                    url: http://c.internal
                    plugins: &auth
                      - {name: key-auth}
                  - name: d
                    url: http://d.internal
                    plugins: *auth
                """);
        assertEquals("orders.internal", c.service("b").orElseThrow().host());
        assertEquals(8080, c.service("b").orElseThrow().port());
        assertEquals(1, c.pluginsFor(PluginSpec.Scope.SERVICE, "d").size());
        assertEquals(
                "key-auth", c.pluginsFor(PluginSpec.Scope.SERVICE, "d").get(0).name());
    }

    @Test
    void aMergeKeyAddsTheKeysAMappingDoesNotGiveItself() throws Exception {
        GatewayConfig c = load("""
                x-defaults: &defaults {retries: 2, read_timeout: 5000, host: default.internal}
                x-slow: &slow {read_timeout: 60000, write_timeout: 7000}
                services:
                  - name: a
                    host: a.internal
                    <<: *defaults
                  - <<: [*slow, *defaults]
                    name: b
                    retries: 9
                """.replace("x-defaults:", "_ignore:\n  - ").replace("x-slow:", "  - "));
        ServiceSpec a = c.service("a").orElseThrow();
        assertEquals("a.internal", a.host()); // the mapping's own key wins
        assertEquals(2, a.retries());
        assertEquals(5000, a.readTimeoutMs());
        ServiceSpec b = c.service("b").orElseThrow();
        assertEquals(9, b.retries());
        assertEquals(60000, b.readTimeoutMs()); // the first merged mapping wins
        assertEquals(7000, b.writeTimeoutMs());
        assertEquals("default.internal", b.host());
    }

    // Attacker review 154: a mapping and its first key start at one place; an anchor on the key
    // anchored the whole mapping (so "<<: *svc" merged a service). The key's anchor is its text, as lyaml's.
    @Test
    void anAnchorOnAKeyIsTheKeysText() throws Exception {
        GatewayConfig c = load("""
                services:
                  - &n name: a
                    host: a.internal
                  - name: b
                    host: *n
                """);
        assertEquals("name", c.service("b").orElseThrow().host());
        ConfigException merged = assertThrows(ConfigException.class, () -> load("""
                services:
                  - &svc name: a
                    host: a.internal
                  - <<: *svc
                    name: b
                """));
        assertTrue(merged.getMessage().contains("<<"), merged.getMessage());
    }

    @Test
    void badAliasesAndMergesAreRefused() {
        for (String bad : List.of(
                "services: [{name: a, host: *nowhere}]\n",
                "services: &s [{name: a, host: h, x: *s}]\n",
                "services: [{name: a, host: h, <<: 5}]\n",
                "services: [{name: a, host: h, <<: [{retries: 1}, 5]}]\n")) {
            ConfigException e = assertThrows(ConfigException.class, () -> load(bad), bad);
            assertTrue(e.getMessage().contains("kong.yml:"), e.getMessage());
        }
        // A duplicate key is still refused; a key a merge also brings is not a duplicate.
        assertTrue(assertThrows(ConfigException.class, () -> load("services: []\nservices: []\n"))
                .getMessage()
                .contains("duplicate key 'services'"));
    }

    // A few lines of nested aliases can stand for billions of values; the reader counts what they
    // expand to and stops.
    @Test
    void aliasesThatExpandPastTheBoundAreRefused() {
        StringBuilder bomb = new StringBuilder("_ignore:\n  - &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) {
            bomb.append("  - &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            bomb.append("]\n");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> load(bomb.toString()));
        assertTrue(e.getMessage().contains("expand to more than"), e.getMessage());
    }

    // Helper review 189: six levels of nine aliases (a kilobyte) stood for a million values, under
    // the bound on the whole document; aliases may add 200,000 values at most.
    @Test
    void aliasesMayAddABoundedNumberOfValues() {
        StringBuilder bomb = new StringBuilder("_ignore:\n  - &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 6; i++) {
            bomb.append("  - &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            bomb.append("]\n");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> load(bomb.toString()));
        assertTrue(e.getMessage().contains("expand to more than 200000 values"), e.getMessage());
        // Sharing a plugin configuration across many routes is well within it.
        StringBuilder shared = new StringBuilder("_ignore:\n  - &cfg {minute: 5, policy: local, limit_by: consumer}\n");
        for (int i = 0; i < 2000; i++) {
            shared.append("  - *cfg\n");
        }
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> load(shared.toString()));
    }

    @Test
    void jsonHasNoAliasesOrMerges() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> parser.parse(
                        "kong.json",
                        "{\"_format_version\": \"3.0\", \"services\": [{\"name\": \"a\", \"host\": \"h\", \"<<\": {}}]}"));
        assertTrue(e.getMessage().contains("<<"), e.getMessage());
    }
}
