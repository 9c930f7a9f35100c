package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** request-rate's filter: what a request that would wait its turn gets. */
class RequestRateFilterTest {

    private final RequestRateFilter filter = new RequestRateFilter();
    private final CounterStores stores = TestStores.local();
    private final FakeHttp.Backend backend = new FakeHttp.Backend();

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: svc
                url: http://127.0.0.1:9
                routes: [{name: r, paths: [/r]}]
            plugins:
              - {name: request-rate, route: r, config: {rate: 10r/s, burst: 5, nodelay: false}}
            """);

    @BeforeEach
    void stores() {
        filter.stores = stores;
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private FakeHttp.Response send() throws Exception {
        FakeHttp.Request r =
                FakeHttp.Request.get("/r").from("10.0.0.1").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "r"));
        RequestRateSchema.Config config = r.context().plugin(RequestRateSchema.NAME, RequestRateSchema.Config.class);
        FakeHttp.Response response = new FakeHttp.Response();
        filter.apply(config, r.context(), r.request, response.response, backend);
        return response;
    }

    // Attacker review 178: each waiting request holds a thread; past the gateway-wide bound a
    // request that would wait is refused as over the rate, with Retry-After, not parked.
    @Test
    void aRequestThatWouldWaitBeyondTheBoundIsRefusedNotParked() throws Exception {
        assertEquals(200, send().status(), "the first passes at once");
        assertEquals(200, send().status(), "the second waits its turn (100 ms)");
        filter.waitingAtMost(0);
        FakeHttp.Response refused = send();
        assertEquals(429, refused.status());
        assertNotNull(refused.header("Retry-After"));
    }
}
