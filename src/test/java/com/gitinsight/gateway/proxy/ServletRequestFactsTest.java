package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.testing.FakeHttp;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServletRequestFactsTest {

    private static List<String> values(FakeHttp.Request r, String lowerName) {
        return Collections.list(new ServletRequestFacts(r.request, "/").headers(lowerName));
    }

    // Helper review 108: Kong's router reads X_Tenant as x_tenant, the field a route's x-tenant
    // names (nginx passes underscores), so both spellings match the route.
    @Test
    void aRouteHeaderIsMatchedUnderEitherSpelling() {
        assertEquals(List.of("a"), values(FakeHttp.Request.get("/", "X_Tenant", "a"), "x-tenant"));
        assertEquals(List.of("b"), values(FakeHttp.Request.get("/", "X-Tenant", "b"), "x-tenant"));
        // Attacker review 188: only what the backend gets counts. Beside its dash spelling an
        // underscore one is not forwarded; nor are two underscore spellings; nor a header the
        // client's Connection names.
        assertEquals(List.of("b"), values(FakeHttp.Request.get("/", "X-Tenant", "b", "X_Tenant", "a"), "x-tenant"));
        assertEquals(List.of(), values(FakeHttp.Request.get("/", "X_Api-Key", "a", "X-Api_Key", "b"), "x-api-key"));
        assertEquals(
                List.of("a", "b"), values(FakeHttp.Request.get("/", "X_Tenant", "a", "x_TENANT", "b"), "x-tenant"));
        assertEquals(
                List.of(), values(FakeHttp.Request.get("/", "X-Tenant", "a", "Connection", "X-Tenant"), "x-tenant"));
        assertEquals(
                List.of(),
                values(FakeHttp.Request.get("/", "X_Tenant", "a", "Connection", "close, x-tenant"), "x-tenant"));
        assertEquals(
                List.of(), values(FakeHttp.Request.get("/", "X_Tenant", "a", "Connection", "X_Tenant"), "x-tenant"));
        assertEquals(
                List.of("a"), values(FakeHttp.Request.get("/", "X-Tenant", "a", "Connection", "close"), "x-tenant"));
        assertEquals(List.of(), values(FakeHttp.Request.get("/", "X-Tenantx", "c"), "x-tenant"));
        assertEquals(List.of("v"), values(FakeHttp.Request.get("/", "Version", "v"), "version"));
    }
}
