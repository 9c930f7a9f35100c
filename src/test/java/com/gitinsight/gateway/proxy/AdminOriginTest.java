package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * gateway.admin.host (attacker review 143): on the proxy's origin a script a backend serves could
 * open the console in a window of its own origin and read its token, or run its sign-in and take
 * the code; under a host of their own, the admin API and console are another origin.
 */
class AdminOriginTest {

    private static final String ADMIN = "admin.gw.internal";

    @Test
    void theAdminApiAndConsoleAnswerOnTheAdminHostOnly() {
        assertTrue(CurrentRequestFilter.onItsOrigin("/_gateway/console/", ADMIN, ADMIN));
        assertTrue(CurrentRequestFilter.onItsOrigin("/_gateway/admin/config", "Admin.GW.internal", ADMIN));
        assertFalse(CurrentRequestFilter.onItsOrigin("/_gateway/console/", "api.example.com", ADMIN));
        assertFalse(CurrentRequestFilter.onItsOrigin("/_gateway/admin/login", "api.example.com", ADMIN));
        assertFalse(CurrentRequestFilter.onItsOrigin("/_gateway/admin/config", null, ADMIN));
    }

    @Test
    void theAdminHostProxiesNoRouteAndKeepsTheGatewaysOwnPaths() {
        assertFalse(CurrentRequestFilter.onItsOrigin("/", ADMIN, ADMIN), "no backend page on the admin's origin");
        assertFalse(CurrentRequestFilter.onItsOrigin("/api/v1/x", ADMIN, ADMIN));
        assertFalse(CurrentRequestFilter.onItsOrigin("/_gatewayx", ADMIN, ADMIN));
        assertTrue(CurrentRequestFilter.onItsOrigin("/_gateway/health", ADMIN, ADMIN));
        assertTrue(CurrentRequestFilter.onItsOrigin("/api/v1/x", "api.example.com", ADMIN));
        assertTrue(CurrentRequestFilter.onItsOrigin("/_gateway/health", "api.example.com", ADMIN));
    }
}
