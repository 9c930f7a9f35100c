package com.gitinsight.gateway.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpFilter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Helpers of the auth plugin tests: the filters run as the chain runs them, Kong's bodies read. */
final class AuthTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuthTests() {}

    /** Runs {@code filters} in order on {@code request} (matched to {@code route}), then {@code backend}. */
    static FakeHttp.Response run(
            GatewaySnapshot snapshot,
            String route,
            FakeHttp.Request request,
            FakeHttp.Backend backend,
            HttpFilter... filters)
            throws Exception {
        request.on(snapshot, TestSnapshots.match(snapshot, route));
        FakeHttp.Response response = new FakeHttp.Response();
        chain(backend, filters, 0).doFilter(request.request, response.response);
        return response;
    }

    private static FilterChain chain(FakeHttp.Backend backend, HttpFilter[] filters, int i) {
        if (i == filters.length) {
            return backend;
        }
        return (req, res) -> filters[i].doFilter(req, res, chain(backend, filters, i + 1));
    }

    /** Kong's {@code message}. */
    static String message(FakeHttp.Response r) throws Exception {
        return JSON.readTree(r.text()).path("message").asText(null);
    }

    static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }
}
