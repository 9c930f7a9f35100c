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
        assertEquals(
                List.of("b", "a"), values(FakeHttp.Request.get("/", "X-Tenant", "b", "X_Tenant", "a"), "x-tenant"));
        assertEquals(List.of(), values(FakeHttp.Request.get("/", "X-Tenantx", "c"), "x-tenant"));
        assertEquals(List.of("v"), values(FakeHttp.Request.get("/", "Version", "v"), "version"));
    }
}
