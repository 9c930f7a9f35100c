package com.gitinsight.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which stored version an explicit reload parses again (helper review 195: a version a node
 * refused, say for a vault variable it lacked, was never parsed again, the node staying on the
 * older one until the next change or a restart).
 */
class StoredVersionTest {

    @Test
    void anExplicitReloadParsesAVersionThisNodeRefusedAgain() {
        // Version 11 refused here: 10 runs, 11 is the newest seen.
        assertTrue(GatewayRuntime.refusedHere(11, true, 11, 10));
    }

    @Test
    void nothingElseIsParsedAgain() {
        assertFalse(GatewayRuntime.refusedHere(11, false, 11, 10), "the watcher's checks do not");
        assertFalse(GatewayRuntime.refusedHere(11, true, 11, 11), "the running version");
        assertFalse(GatewayRuntime.refusedHere(10, true, 11, 10), "an older one");
    }
}
