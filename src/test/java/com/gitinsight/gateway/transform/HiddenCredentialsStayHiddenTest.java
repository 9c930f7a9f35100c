package com.gitinsight.gateway.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.security.KeyAuthFilter;
import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.FilterChain;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * key-auth (1250) hides the key, request-transformer (801) then rewrites the query, body and
 * headers: it must start from what key-auth left, or a rewrite would put the key back on its way
 * to the backend (through the query, the body, or a template reading it).
 */
class HiddenCredentialsStayHiddenTest {

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            consumers:
              - username: bob
                keyauth_credentials:
                  - key: kong-secret-key
            services:
              - name: svc
                url: http://127.0.0.1:9
                routes:
                  - name: r
                    paths: [/]
                    plugins:
                      - name: key-auth
                        config: {hide_credentials: true, key_in_body: true}
                      - name: request-transformer
                        config:
                          add:
                            querystring: ["copied:$(query_params.apikey)"]
                            headers: ["x-copied:$(headers.apikey)"]
                            body: ["extra:1"]
                          rename:
                            querystring: ["apikey:renamed"]
            """);

    /** Runs key-auth, then request-transformer, as the chain does; the context the upstream call reads. */
    private static RequestContext send(FakeHttp.Request request) throws Exception {
        request.on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "r"));
        RequestContext context = request.context();
        FakeHttp.Response response = new FakeHttp.Response();
        FakeHttp.Backend backend = new FakeHttp.Backend();
        RequestTransformerFilter transformer = new RequestTransformerFilter();
        transformer.maxBodyBytes = 1 << 20;
        // Through the servlet entry points, as PluginFilters calls them.
        FilterChain toTransformer = (req, res) -> transformer.doFilter(req, res, backend);
        new KeyAuthFilter().doFilter(request.request, response.response, toTransformer);
        assertEquals(1, backend.calls(), "authenticated and passed on");
        return context;
    }

    @Test
    void aKeyInTheQueryDoesNotComeBackThroughTheTransformedQuery() throws Exception {
        RequestContext context = send(FakeHttp.Request.get("/x?a=1&apikey=kong-secret-key&b=2"));
        String query = context.upstreamQuery();
        assertFalse(query.contains("kong-secret-key"), query);
        assertFalse(query.contains("renamed"), query);
    }

    @Test
    void aKeyInAHeaderDoesNotComeBackThroughATemplate() throws Exception {
        RequestContext context = send(FakeHttp.Request.get("/x", "apikey", "kong-secret-key"));
        String copied = context.upstreamHeaders().get("x-copied");
        assertFalse(copied != null && copied.contains("kong-secret-key"), String.valueOf(copied));
        assertNull(context.upstreamHeaders().get("apikey"));
    }

    @Test
    void aKeyInTheBodyDoesNotComeBackThroughTheTransformedBody() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.of("POST", "/x")
                .body("application/x-www-form-urlencoded", "apikey=kong-secret-key&a=1");
        RequestContext context = send(request);
        String body = new String(context.upstreamBody().readAllBytes(), StandardCharsets.UTF_8);
        assertFalse(body.contains("kong-secret-key"), body);
        assertEquals(true, body.contains("extra=1"), body);
    }
}
