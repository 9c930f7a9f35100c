package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plugin rate-limiting against Kong's spec/03-plugins/23-rate-limiting/04-access_spec.lua (the
 * cases that do not depend on Kong's key-auth or cluster policy), and the cases: counters
 * belong to the plugin instance, limit_by path, the longer of two equal windows reported,
 * hide_client_headers hiding Retry-After. Kong's spec counts per minute (and retries when the
 * minute flips); these count per hour and day, away from the hour's edge.
 */
class RateLimitFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RateLimitFilter filter = new RateLimitFilter();
    private final CounterStores stores = TestStores.local();
    private final FakeHttp.Backend backend = new FakeHttp.Backend();

    @BeforeEach
    void stores() throws Exception {
        filter.stores = stores;
        // A test counts within one hour: never start one in its last seconds.
        long intoHour = System.currentTimeMillis() % 3_600_000L;
        if (intoHour > 3_595_000L) {
            Thread.sleep(3_600_000L - intoHour + 100);
        }
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private FakeHttp.Response send(GatewaySnapshot snapshot, String route, String path, String client)
            throws Exception {
        FakeHttp.Request r = FakeHttp.Request.get(path).from(client).on(snapshot, TestSnapshots.match(snapshot, route));
        RateLimitingSchema.Config config = r.context().plugin(RateLimitingSchema.NAME, RateLimitingSchema.Config.class);
        FakeHttp.Response response = new FakeHttp.Response();
        filter.apply(config, r.context(), r.request, response.response, backend);
        return response;
    }

    /** A request authenticated as {@code consumer} (by username), through the plugin instance it gets. */
    private FakeHttp.Response sendAs(
            GatewaySnapshot snapshot, String route, String path, String client, String consumer) throws Exception {
        FakeHttp.Request r = FakeHttp.Request.get(path).from(client).on(snapshot, TestSnapshots.match(snapshot, route));
        r.context().consumer(consumer);
        r.context().consumerReference(consumer);
        RateLimitingSchema.Config config = r.context().plugin(RateLimitingSchema.NAME, RateLimitingSchema.Config.class);
        FakeHttp.Response response = new FakeHttp.Response();
        filter.apply(config, r.context(), r.request, response.response, backend);
        return response;
    }

    private static long header(FakeHttp.Response r, String name) {
        String value = r.header(name);
        return value == null ? -1 : Long.parseLong(value);
    }

    private static GatewaySnapshot routes(String plugins) {
        return TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - {name: r1, paths: [/r1]}
                      - {name: r2, paths: [/r2]}
                  - name: other
                    url: http://127.0.0.1:9
                    routes:
                      - {name: o1, paths: [/o1]}
                """ + plugins);
    }

    // 04-access_spec.lua, "Without authentication (IP address)": "blocks if exceeding limit"
    @Test
    void blocksIfExceedingLimit() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, route: r1, config: {hour: 6, limit_by: ip}}
                """);
        for (int i = 1; i <= 6; i++) {
            FakeHttp.Response r = send(s, "r1", "/r1", "10.0.0.1");
            assertEquals(200, r.status());
            assertEquals(6, header(r, "X-RateLimit-Limit-Hour"));
            assertEquals(6 - i, header(r, "X-RateLimit-Remaining-Hour"));
            assertEquals(6, header(r, "RateLimit-Limit"));
            assertEquals(6 - i, header(r, "RateLimit-Remaining"));
            long reset = header(r, "RateLimit-Reset");
            assertTrue(reset > 0 && reset <= 3600, "reset " + reset);
        }
        FakeHttp.Response limited = send(s, "r1", "/r1", "10.0.0.1");
        assertEquals(429, limited.status());
        assertEquals(6, header(limited, "RateLimit-Limit"));
        assertEquals(0, header(limited, "RateLimit-Remaining"));
        long retry = header(limited, "Retry-After");
        assertTrue(retry > 0 && retry <= 3600, "retry " + retry);
        assertEquals(header(limited, "RateLimit-Reset"), retry, "Kong: Retry-After is the reported window's reset");
        assertEquals(
                "API rate limit exceeded",
                JSON.readTree(limited.text()).get("message").asText());
        assertEquals(6, backend.calls(), "a limited request never reaches the backend");
    }

    @Test
    void anUnderscoredHeaderNameReadsTheDashedHeaderAsKongsGetHeader() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, route: r1, config: {hour: 2, limit_by: header, header_name: x_tenant}}
                """);
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String client : List.of("10.0.0.1", "10.0.0.2")) {
            FakeHttp.Request r =
                    FakeHttp.Request.get("/r1", "X-Tenant", "acme").from(client).on(s, TestSnapshots.match(s, "r1"));
            RateLimitingSchema.Config config =
                    r.context().plugin(RateLimitingSchema.NAME, RateLimitingSchema.Config.class);
            String key = filter.key(config, r.context(), r.request);
            assertFalse(key.contains(client), "counted by the tenant, not " + client + ": " + key);
            keys.add(key);
        }
        assertEquals(1, keys.size(), "one count for the tenant: " + keys);
    }

    // 04-access_spec.lua: "counts against the same service register from different routes"
    // Helper review 86: limit_by credential counts by the credential, under its consumer: a jwt
    // key and another consumer's basic-auth username of the same name never share a count.
    @Test
    void byCredentialTwoPrincipalsOfOneNameCountApart() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, route: r1, config: {hour: 2, limit_by: credential}}
                """);
        FakeHttp.Request a = FakeHttp.Request.get("/r1").from("10.0.0.1").on(s, TestSnapshots.match(s, "r1"));
        FakeHttp.Request b = FakeHttp.Request.get("/r1").from("10.0.0.1").on(s, TestSnapshots.match(s, "r1"));
        a.context().consumer("consumer-a");
        a.context().credentialId("partner");
        b.context().consumer("consumer-b");
        b.context().credentialId("partner");
        RateLimitingSchema.Config config = a.context().plugin(RateLimitingSchema.NAME, RateLimitingSchema.Config.class);
        String keyA = filter.key(config, a.context(), a.request);
        String keyB = filter.key(config, b.context(), b.request);
        assertFalse(keyA.equals(keyB), keyA);
        assertTrue(keyA.endsWith("partner"), keyA);
        // No credential (anonymous): by client, as Kong falls back to the forwarded address.
        FakeHttp.Request anonymous =
                FakeHttp.Request.get("/r1").from("10.0.0.9").on(s, TestSnapshots.match(s, "r1"));
        anonymous.context().consumer("anon");
        assertTrue(filter.key(config, anonymous.context(), anonymous.request).endsWith("10.0.0.9"));
    }

    // Helper review 261: Kong keys counters by the plugin's route and service only
    // (ratelimit:<route_id>:<service_id>:<identifier>:...): a consumer's instance counts in the
    // counters of the instance with the same route and service, wherever the identifier is the same.
    @Test
    void aConsumersInstanceCountsInItsRoutesAndServicesCounters() throws Exception {
        GatewaySnapshot s = TestSnapshots.of("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - {name: r1, paths: [/r1]}
                      - {name: r2, paths: [/r2]}
                plugins:
                  - {name: rate-limiting, config: {hour: 100, limit_by: ip}}
                  - {name: rate-limiting, consumer: alice, config: {hour: 10, limit_by: ip}}
                  - {name: rate-limiting, route: r2, config: {hour: 100, limit_by: ip}}
                  - {name: rate-limiting, route: r2, consumer: alice, config: {hour: 10, limit_by: ip}}
                """);
        for (String route : List.of("r1", "r2")) {
            for (int i = 1; i <= 5; i++) {
                assertEquals(100 - i, header(send(s, route, "/" + route, "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
            }
            FakeHttp.Response response = sendAs(s, route, "/" + route, "10.0.0.1", "alice");
            assertEquals(10, header(response, "X-RateLimit-Limit-Hour"), route + ": alice's own instance");
            assertEquals(4, header(response, "X-RateLimit-Remaining-Hour"), route + ": the address's 5 count");
        }
    }

    // Helper review 265: a route's instance that also names its service is Kong's (route, service)
    // key; a consumer's instance on that route is (route, none): they count apart.
    @Test
    void aRouteAndServiceInstanceCountsApartFromAConsumersOnTheRoute() throws Exception {
        GatewaySnapshot s = TestSnapshots.of("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - {name: r1, paths: [/r1]}
                plugins:
                  - {name: rate-limiting, route: r1, service: svc, config: {hour: 100, limit_by: ip}}
                  - {name: rate-limiting, route: r1, consumer: alice, config: {hour: 10, limit_by: ip}}
                """);
        for (int i = 1; i <= 5; i++) {
            assertEquals(100 - i, header(send(s, "r1", "/r1", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
        }
        FakeHttp.Response response = sendAs(s, "r1", "/r1", "10.0.0.1", "alice");
        assertEquals(10, header(response, "X-RateLimit-Limit-Hour"), "alice's own instance");
        assertEquals(9, header(response, "X-RateLimit-Remaining-Hour"), "alice's own count on the route");
    }

    @Test
    void aServiceInstanceCountsAcrossItsRoutes() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, service: svc, config: {hour: 6, limit_by: ip}}
                """);
        for (int i = 1; i <= 3; i++) {
            assertEquals(6 - i, header(send(s, "r1", "/r1", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
        }
        for (int i = 4; i <= 6; i++) {
            assertEquals(6 - i, header(send(s, "r2", "/r2", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
        }
        assertEquals(429, send(s, "r1", "/r1", "10.0.0.1").status());
    }

    // 04-access_spec.lua: "handles multiple limits" (minute 3, hour 5 there; hour 3, day 5 here)
    @Test
    void handlesMultipleLimits() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, route: r1, config: {hour: 3, day: 5, limit_by: ip}}
                """);
        for (int i = 1; i <= 3; i++) {
            FakeHttp.Response r = send(s, "r1", "/r1", "10.0.0.1");
            assertEquals(3 - i, header(r, "X-RateLimit-Remaining-Hour"));
            assertEquals(5 - i, header(r, "X-RateLimit-Remaining-Day"));
            assertEquals(3, header(r, "RateLimit-Limit"), "the window with least left");
            assertEquals(3 - i, header(r, "RateLimit-Remaining"));
        }
        FakeHttp.Response limited = send(s, "r1", "/r1", "10.0.0.1");
        assertEquals(429, limited.status());
        assertEquals(3, header(limited, "RateLimit-Limit"));
        assertEquals(0, header(limited, "RateLimit-Remaining"));
        assertEquals(2, header(limited, "X-RateLimit-Remaining-Day"));
        assertEquals(0, header(limited, "X-RateLimit-Remaining-Hour"));
    }

    // 04-access_spec.lua, "Config with hide_client_headers"; and Kong's handler sets Retry-After
    // from the same headers, so it is hidden too.
    @Test
    void hideClientHeadersHidesRetryAfterToo() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, route: r1, config: {hour: 1, limit_by: ip, hide_client_headers: true}}
                """);
        FakeHttp.Response ok = send(s, "r1", "/r1", "10.0.0.1");
        assertEquals(200, ok.status());
        assertTrue(
                ok.headers().keySet().stream().noneMatch(h -> h.toLowerCase().contains("ratelimit")),
                ok.headers().toString());
        FakeHttp.Response limited = send(s, "r1", "/r1", "10.0.0.1");
        assertEquals(429, limited.status());
        assertNull(limited.header("Retry-After"));
        assertTrue(
                limited.headers().keySet().stream()
                        .noneMatch(h -> h.toLowerCase().contains("ratelimit")),
                limited.headers().toString());
    }

    /** The issue: a global instance limiting by ip is one counter across every service. */
    @Test
    void aGlobalInstanceByIpCountsAcrossServices() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, config: {hour: 3, limit_by: ip}}
                """);
        assertEquals(2, header(send(s, "r1", "/r1", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
        assertEquals(1, header(send(s, "o1", "/o1", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
        assertEquals(0, header(send(s, "r2", "/r2", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
        assertEquals(429, send(s, "o1", "/o1", "10.0.0.1").status());
        assertEquals(200, send(s, "o1", "/o1", "10.0.0.2").status(), "another client has its own count");
    }

    /** Kong's limit_by service: a global instance counts each service on its own. */
    @Test
    void aGlobalInstanceByServiceCountsEachService() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, config: {hour: 2, limit_by: service}}
                """);
        send(s, "r1", "/r1", "10.0.0.1");
        assertEquals(
                0, header(send(s, "r2", "/r2", "10.0.0.2"), "X-RateLimit-Remaining-Hour"), "one count per service");
        assertEquals(1, header(send(s, "o1", "/o1", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
    }

    /** Kong's get_identifier: a route without a service has no service id, so it counts by client. */
    @Test
    void byServiceARouteWithoutAServiceCountsByClient() throws Exception {
        GatewaySnapshot s = routes("""
                routes:
                  - {name: bare, paths: [/bare]}
                plugins:
                  - {name: rate-limiting, config: {hour: 2, limit_by: service}}
                """);
        assertEquals(1, header(send(s, "bare", "/bare", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
        assertEquals(1, header(send(s, "bare", "/bare", "10.0.0.2"), "X-RateLimit-Remaining-Hour"), "its own count");
        assertEquals(0, header(send(s, "bare", "/bare", "10.0.0.1"), "X-RateLimit-Remaining-Hour"));
    }

    /** The issue: two route instances on one service keep their own counts (a 5/hour route never uses a 50/hour route's budget). */
    @Test
    void twoRouteInstancesOnOneServiceKeepSeparateCounts() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, route: r1, config: {hour: 5, limit_by: ip}}
                  - {name: rate-limiting, route: r2, config: {hour: 50, limit_by: ip}}
                """);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, send(s, "r1", "/r1", "10.0.0.1").status());
        }
        assertEquals(429, send(s, "r1", "/r1", "10.0.0.1").status());
        FakeHttp.Response big = send(s, "r2", "/r2", "10.0.0.1");
        assertEquals(200, big.status());
        assertEquals(49, header(big, "X-RateLimit-Remaining-Hour"));
    }

    /** Kong's limit_by path: requests for that path count together, any other path by client. */
    @Test
    void limitByPathCountsOnlyThatPathByPath() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, route: r1, config: {hour: 2, limit_by: path, path: /r1/hot}}
                """);
        assertEquals(200, send(s, "r1", "/r1/hot", "10.0.0.1").status());
        assertEquals(200, send(s, "r1", "/r1/hot", "10.0.0.2").status());
        assertEquals(429, send(s, "r1", "/r1/hot", "10.0.0.3").status(), "every client shares the path's count");
        assertEquals(200, send(s, "r1", "/r1/cold", "10.0.0.3").status(), "another path counts by client");
        assertEquals(200, send(s, "r1", "/r1/cold", "10.0.0.3").status());
        assertEquals(429, send(s, "r1", "/r1/cold", "10.0.0.3").status());
        assertEquals(200, send(s, "r1", "/r1/cold", "10.0.0.4").status());
    }

    /** Kong: when two windows have equally little left, RateLimit-* report the longer one. */
    @Test
    void equallyLittleLeftReportsTheLongerWindow() throws Exception {
        GatewaySnapshot s = routes("""
                plugins:
                  - {name: rate-limiting, route: r1, config: {hour: 4, day: 4, limit_by: ip}}
                """);
        long now = System.currentTimeMillis();
        FakeHttp.Response r = send(s, "r1", "/r1", "10.0.0.1");
        long untilDayEnds = (Period.DAY.end(now) - now + 999) / 1000;
        assertEquals(3, header(r, "RateLimit-Remaining"));
        assertTrue(
                Math.abs(header(r, "RateLimit-Reset") - untilDayEnds) <= 2,
                "the day's reset: " + r.headers() + ", day ends in " + untilDayEnds);
    }
}
