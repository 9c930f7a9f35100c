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
}
