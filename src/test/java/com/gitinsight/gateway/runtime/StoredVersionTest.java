package com.gitinsight.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Where a refused stored version is installed from when an explicit reload parses it again
 * (helper reviews 195, 200): below it, so it installs, whether newer than the running one or older.
 */
class StoredVersionTest {

    @Test
    void aNewerRefusedVersionInstallsOverTheRunningOne() {
        // 10 runs, 11 was refused: counted as applied up to 10, 11 installs.
        assertEquals(10, GatewayRuntime.beforeRetry(10, 11));
    }

    @Test
    void anOlderRefusedVersionInstallsToo() {
        // The store was put back to 3 while 5 ran here, and 3 was refused: counting 5 as applied
        // kept 3 out for good.
        assertEquals(2, GatewayRuntime.beforeRetry(5, 3));
        // The same number edited by hand (5 runs, 5's new content was refused).
        assertEquals(4, GatewayRuntime.beforeRetry(5, 5));
    }

    // Attacker review 310: a file is stored in the format it was read in, by its name.
    @Test
    void anImportedFileIsStoredInTheFormatItWasReadIn() throws Exception {
        String flow = "{_format_version: \"3.0\", # GitInsight\n services: []}\n";
        assertEquals("yaml", GatewayRuntime.importedFormat(java.nio.file.Path.of("/etc/kong.yml")));
        assertEquals("json", GatewayRuntime.importedFormat(java.nio.file.Path.of("/etc/kong.JSON")));
        var parser = new com.gitinsight.gateway.config.KongConfigParser(
                com.gitinsight.gateway.config.PluginRegistry.builtIn());
        parser.parse("config store version 1.yml", flow); // as every node reads it now
        org.junit.jupiter.api.Assertions.assertThrows(
                com.gitinsight.gateway.config.ConfigException.class,
                () -> parser.parse("config store version 1.json", flow),
                "as its text's first character had it stored");
    }
}
