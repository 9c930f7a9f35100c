package com.gitinsight.gateway.ratelimit;

import com.gitinsight.gateway.http.TrustedProxies;
import jakarta.servlet.http.HttpServletRequest;

/** Counter stores as the filters' tests use them: local, the client its socket's address. */
final class TestStores {

    private TestStores() {}

    static CounterStores local() {
        CounterStores stores = new CounterStores();
        stores.clients = new TrustedProxies() {
            @Override
            public String clientText(HttpServletRequest request) {
                return request.getRemoteAddr();
            }
        };
        stores.maxKeys = 1000;
        stores.sweepSeconds = 3600;
        return stores;
    }
}
