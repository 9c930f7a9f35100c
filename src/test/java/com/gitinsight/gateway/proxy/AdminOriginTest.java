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

    // Attacker review 144: Jersey drops ';' parameters from each segment, so /_gateway;/admin/config
    // was the admin API on the proxy's host, past the admin host rule (and its OPTIONS refusal).
    @Test
    void theGatewaysOwnPathsSpelledWithParametersOrSeparatorsAreRefused() throws Exception {
        CurrentRequestFilter filter = new CurrentRequestFilter();
        filter.kongHeaders = com.gitinsight.gateway.http.KongHeaders.of("off", "off");
        for (String target : new String[] {
            "/_gateway;/admin/config", "/_gateway;x/console/", "/_gateway/admin;x/status",
            "/;x/_gateway/admin/config", "/%2F_gateway/admin", "/_gateway/%61dmin/status"
        }) {
            com.gitinsight.gateway.testing.FakeHttp.Response response =
                    new com.gitinsight.gateway.testing.FakeHttp.Response();
            boolean[] passed = {false};
            filter.doFilter(
                    com.gitinsight.gateway.testing.FakeHttp.Request.get(target).request,
                    response.response,
                    (rq, rs) -> passed[0] = true);
            org.junit.jupiter.api.Assertions.assertEquals(400, response.status(), target);
            assertFalse(passed[0], target);
        }
        assertTrue(CurrentRequestFilter.namesGatewayOwn("/;x/_gateway/admin"));
        assertFalse(CurrentRequestFilter.namesGatewayOwn("/api;v=1/items"));
        assertFalse(CurrentRequestFilter.namesGatewayOwn("/a/_gateway;x"));
    }

    @Test
    void anAdminHostThatNoRequestCouldNameStopsTheStart() {
        org.junit.jupiter.api.Assertions.assertEquals(
                "admin.gw.internal", CurrentRequestFilter.adminHost(" Admin.GW.internal. "));
        org.junit.jupiter.api.Assertions.assertNull(CurrentRequestFilter.adminHost(""));
        for (String bad : new String[] {"admin.example:8443", "[::1]", "https://admin.example", "a b"}) {
            org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> CurrentRequestFilter.adminHost(bad), bad);
        }
    }
}
