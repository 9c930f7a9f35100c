package com.gitinsight.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

/**
 * Plugin correlation-id against Kong's spec/03-plugins/11-correlation-id/01-access_spec.lua:
 * its access phase ({@link CorrelationIdFilter}, at Kong's priority 1) and its response phase
 * (registered by {@link RequestIdFilter}, first), which echoes even when an earlier plugin refused.
 */
class CorrelationIdFilterTest {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: svc
                url: http://127.0.0.1:9
                routes:
                  - {name: correlation1, paths: [/c1], plugins: [{name: correlation-id}]}
                  - {name: correlation2, paths: [/c2], plugins: [{name: correlation-id, config: {header_name: Foo-Bar-Id}}]}
                  - name: correlation3
                    paths: [/c3]
                    plugins: [{name: correlation-id, config: {generator: uuid, echo_downstream: true}}]
                  - {name: tracker, paths: [/t], plugins: [{name: correlation-id, config: {generator: tracker}}]}
                  - name: underscored
                    paths: [/u]
                    plugins: [{name: correlation-id, config: {header_name: X_Cid, echo_downstream: true}}]
                  - {name: dashed, paths: [/d], plugins: [{name: correlation-id, config: {header_name: X-Cid}}]}
                  - {name: three-part, paths: [/m], plugins: [{name: correlation-id, config: {header_name: X-Cid-Id}}]}
            """);

    private final IdSource ids = new IdSource();
    private final RequestIdFilter first = new RequestIdFilter();
    private final CorrelationIdFilter access = new CorrelationIdFilter();

    CorrelationIdFilterTest() {
        first.ids = ids;
        first.logs = new RequestLogContext();
        access.ids = ids;
    }

    /** The chain: RequestIdFilter, then {@code rest} (CorrelationIdFilter and the backend, or a refusal). */
    private FakeHttp.Response send(String route, FakeHttp.Request request, FilterChain rest) throws Exception {
        request.on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, route));
        FakeHttp.Response response = new FakeHttp.Response();
        first.doFilter(request.request, response.response, rest);
        return response;
    }

    private FakeHttp.Response proxied(String route, FakeHttp.Request request) throws Exception {
        FakeHttp.Backend backend = new FakeHttp.Backend();
        return send(route, request, (req, res) -> access.doFilter(req, res, backend));
    }

    private static String upstream(FakeHttp.Request r, String header) {
        return r.context().upstreamHeaders().get(header);
    }

    // "uuid-worker generator": "increments the counter part" (uuid#counter is Kong's default)
    @Test
    void uuidCounterIsTheDefault() throws Exception {
        FakeHttp.Request a = FakeHttp.Request.get("/c1");
        FakeHttp.Request b = FakeHttp.Request.get("/c1");
        proxied("correlation1", a);
        proxied("correlation1", b);
        String id1 = upstream(a, "Kong-Request-ID");
        String id2 = upstream(b, "Kong-Request-ID");
        assertTrue(id1.matches(UUID + "#\\d+"), id1);
        assertNotEquals(id1, id2);
        assertEquals(id1.substring(0, 36), id2.substring(0, 36), "one UUID per node");
        assertEquals(Long.parseLong(id1.substring(37)) + 1, Long.parseLong(id2.substring(37)));
    }

    @Test
    void theIdIsTheLogRecordsCorrelationId() throws Exception {
        // Kong: kong.log.set_serialize_value("correlation_id", id), so file-log and http-log ship it.
        FakeHttp.Request r = FakeHttp.Request.get("/c1");
        proxied("correlation1", r);
        assertEquals(upstream(r, "Kong-Request-ID"), r.context().correlationId());
        byte[] record = com.gitinsight.gateway.logging.KongLogRecord.serialize(
                r.request,
                new FakeHttp.Response().response,
                r.context(),
                new com.gitinsight.gateway.logging.KongLogRecord.Outcome(200, 0, System.nanoTime()));
        assertEquals(
                upstream(r, "Kong-Request-ID"),
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(record)
                        .path("correlation_id")
                        .asText());
    }

    // "uuid generator": "generates a unique UUID for every request"; "tracker generator"
    @Test
    void uuidAndTrackerGenerators() throws Exception {
        FakeHttp.Request a = FakeHttp.Request.get("/c3");
        FakeHttp.Request b = FakeHttp.Request.get("/c3");
        proxied("correlation3", a);
        proxied("correlation3", b);
        assertTrue(upstream(a, "Kong-Request-ID").matches(UUID), upstream(a, "Kong-Request-ID"));
        assertNotEquals(upstream(a, "Kong-Request-ID"), upstream(b, "Kong-Request-ID"));
        FakeHttp.Request t1 = FakeHttp.Request.get("/t");
        FakeHttp.Request t2 = FakeHttp.Request.get("/t");
        proxied("tracker", t1);
        proxied("tracker", t2);
        assertNotEquals(upstream(t1, "Kong-Request-ID"), upstream(t2, "Kong-Request-ID"));
    }

    // "config options": "echo_downstream sends uuid back to client", "... does not send uuid back to
    // client if not asked", "uses a custom header name"
    @Test
    void echoAndHeaderName() throws Exception {
        FakeHttp.Request echoed = FakeHttp.Request.get("/c3");
        FakeHttp.Response r = proxied("correlation3", echoed);
        assertEquals(upstream(echoed, "Kong-Request-ID"), r.header("Kong-Request-ID"));
        FakeHttp.Request custom = FakeHttp.Request.get("/c2");
        FakeHttp.Response notEchoed = proxied("correlation2", custom);
        assertNull(notEchoed.header("Kong-Request-ID"));
        assertNull(notEchoed.header("Foo-Bar-Id"));
        assertTrue(upstream(custom, "Foo-Bar-Id").matches(UUID + "#\\d+"), upstream(custom, "Foo-Bar-Id"));
    }

    // "preserves an already existing header"
    @Test
    void preservesAnIncomingId() throws Exception {
        FakeHttp.Request r = FakeHttp.Request.get("/c2", "Foo-Bar-Id", "foobar");
        proxied("correlation2", r);
        assertEquals("foobar", r.context().correlationId());
        // Kong sets the header only when it makes the id: the client's goes on as sent.
        assertTrue(!r.context().upstreamHeaders().containsKey("Foo-Bar-Id"));
    }

    // Helper review 240: Kong reads header_name as kong.request.get_header does (nginx's
    // $http_x_cid): X_Cid and X-Cid are one name, so the client's id is kept in either spelling.
    @Test
    void anUnderscoreInTheHeaderNameIsReadAsKongReadsIt() throws Exception {
        FakeHttp.Request r = FakeHttp.Request.get("/u", "X-Cid", "client-id");
        FakeHttp.Response response = proxied("underscored", r);
        assertEquals("client-id", r.context().correlationId());
        assertTrue(
                r.context().upstreamHeaders().isEmpty(),
                r.context().upstreamHeaders().toString());
        assertEquals("client-id", response.header("X_Cid"));

        // nginx folds each '-' and '_' alike: a mixed spelling is the same header (helper review 242).
        for (String spelling : new String[] {"X_Cid-Id", "X-Cid_Id", "x_cid_id"}) {
            FakeHttp.Request m = FakeHttp.Request.get("/m", spelling, "mixed");
            proxied("three-part", m);
            assertEquals("mixed", m.context().correlationId(), spelling);
        }
        // Two underscore spellings are forwarded neither: no id is kept from them (helper review 245).
        FakeHttp.Request two = FakeHttp.Request.get("/m", "X_Cid-Id", "m", "X-Cid_Id", "o");
        proxied("three-part", two);
        assertNotEquals("m", two.context().correlationId());
        assertEquals(two.context().correlationId(), upstream(two, "X-Cid-Id"), "a fresh one is sent");
        FakeHttp.Request d = FakeHttp.Request.get("/d", "X_Cid", "underscore-id");
        proxied("dashed", d);
        assertEquals("underscore-id", d.context().correlationId());

        for (String spelling : new String[] {"X_Cid", "x_cid"}) {
            FakeHttp.Request mixed = FakeHttp.Request.get("/u", spelling, "mixed-id");
            proxied("underscored", mixed);
            assertEquals("mixed-id", mixed.context().correlationId(), spelling);
        }
        FakeHttp.Request set = afterEarlierPlugin("underscored", "X-Cid", "set-by-a-plugin");
        assertEquals("set-by-a-plugin", set.context().correlationId());
    }

    /** Runs the access phase after an earlier plugin (request-transformer, key-auth) set {@code header}. */
    private FakeHttp.Request afterEarlierPlugin(String route, String header, String setTo, String... clientHeaders)
            throws Exception {
        FakeHttp.Request r = FakeHttp.Request.get("/c2", clientHeaders);
        FakeHttp.Backend backend = new FakeHttp.Backend();
        send(route, r, (req, res) -> {
            r.context().upstreamHeader(header, setTo);
            access.doFilter(req, res, backend);
        });
        return r;
    }

    // Kong's handler reads kong.request.get_header, which sees what request-transformer (priority
    // 801) did before correlation-id (1).
    @Test
    void readsTheHeaderAsEarlierPluginsLeftIt() throws Exception {
        // remove.headers: the client's id does not reach the backend; a fresh one does.
        FakeHttp.Request removed = afterEarlierPlugin("correlation2", "Foo-Bar-Id", null, "Foo-Bar-Id", "forged");
        String made = upstream(removed, "Foo-Bar-Id");
        assertTrue(made.matches(UUID + "#\\d+"), made);
        assertEquals(made, removed.context().correlationId());
        // add.headers / rename.headers: the plugin's value is the id, not replaced.
        FakeHttp.Request added = afterEarlierPlugin("correlation2", "foo-bar-id", "from-transformer");
        assertEquals("from-transformer", upstream(added, "Foo-Bar-Id"));
        assertEquals("from-transformer", added.context().correlationId());
        FakeHttp.Request both = afterEarlierPlugin(
                "correlation2",
                "Foo-Bar-Id",
                "set" + com.gitinsight.gateway.runtime.RequestContext.LINES + "second",
                "Foo-Bar-Id",
                "client");
        assertEquals("set", both.context().correlationId());
    }

    // A header name the gateway never forwards from a client (an identity header) is not read from
    // the client: correlation-id on X-Consumer-ID must not forward a forged consumer.
    @Test
    void aClientsIdentityHeaderIsNeverTheId() throws Exception {
        GatewaySnapshot snapshot = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - {name: consumer, paths: [/c], plugins: [{name: correlation-id, config: {header_name: X-Consumer-ID}}]}
                """);
        FakeHttp.Request forged = FakeHttp.Request.get("/c", "X-Consumer-ID", "admin");
        forged.on(snapshot, TestSnapshots.match(snapshot, "consumer"));
        access.doFilter(forged.request, new FakeHttp.Response().response, new FakeHttp.Backend());
        assertNotEquals("admin", upstream(forged, "X-Consumer-ID"));
        assertTrue(upstream(forged, "X-Consumer-ID").matches(UUID + "#\\d+"));
        // What key-auth set for the backend stays.
        FakeHttp.Request authenticated = FakeHttp.Request.get("/c", "X-Consumer-ID", "admin");
        authenticated.on(snapshot, TestSnapshots.match(snapshot, "consumer"));
        authenticated.context().upstreamHeader("X-Consumer-ID", "consumer-1");
        access.doFilter(authenticated.request, new FakeHttp.Response().response, new FakeHttp.Backend());
        assertEquals("consumer-1", upstream(authenticated, "X-Consumer-ID"));
    }

    // "executes with echo_downstream when access did not execute",
    // "echoes incoming with echo_downstream when access did not execute" (a plugin refused first: 418)
    @Test
    void echoesEvenWhenAnEarlierPluginRefused() throws Exception {
        FilterChain teapot = (req, res) ->
                ErrorResponses.write((HttpServletRequest) req, (HttpServletResponse) res, 418, "I'm a teapot");
        FakeHttp.Response fresh = send("correlation3", FakeHttp.Request.get("/c3"), teapot);
        assertEquals(418, fresh.status());
        assertTrue(
                fresh.header("Kong-Request-ID").matches(UUID), fresh.headers().toString());
        // Kong's spec value: any non-empty id is kept (review 92: the gateway kept only a strict set).
        FakeHttp.Response incoming =
                send("correlation3", FakeHttp.Request.get("/c3", "Kong-Request-ID", "my very personal id"), teapot);
        assertEquals(418, incoming.status());
        assertEquals("my very personal id", incoming.header("Kong-Request-ID"));
    }

    // Helper review 92: a global correlation-id echoes on the no-route 404 too (Kong runs global
    // plugins' header_filter there); request-id's uuid#counter does not take correlation-id's numbers.
    @Test
    void aGlobalInstanceEchoesOnTheNoRoute404AndCountsItsOwnIds() throws Exception {
        GatewaySnapshot global = TestSnapshots.of("""
                _format_version: "3.0"
                services: [{name: svc, url: "http://127.0.0.1:9", routes: [{name: r, paths: [/r]}]}]
                plugins:
                  - {name: correlation-id, config: {echo_downstream: true}}
                  - {name: request-id, config: {generator: uuid#counter}}
                """);
        FakeHttp.Request nowhere = FakeHttp.Request.get("/nowhere").on(global, null);
        FakeHttp.Response response = new FakeHttp.Response();
        first.doFilter(
                nowhere.request,
                response.response,
                (req, res) -> ErrorResponses.write(
                        (HttpServletRequest) req,
                        (HttpServletResponse) res,
                        404,
                        "no Route matched with those values"));
        assertEquals(404, response.status());
        String echoed = response.header("Kong-Request-ID");
        assertTrue(
                echoed != null && echoed.matches(UUID + "#\\d+"),
                response.headers().toString());
        FakeHttp.Request a = FakeHttp.Request.get("/r").on(global, TestSnapshots.match(global, "r"));
        FakeHttp.Request b = FakeHttp.Request.get("/r").on(global, TestSnapshots.match(global, "r"));
        FakeHttp.Backend backend = new FakeHttp.Backend();
        first.doFilter(a.request, new FakeHttp.Response().response, (req, res) -> access.doFilter(req, res, backend));
        first.doFilter(b.request, new FakeHttp.Response().response, (req, res) -> access.doFilter(req, res, backend));
        long n1 = Long.parseLong(
                a.context().upstreamHeaders().get("Kong-Request-ID").replaceAll(".*#", ""));
        long n2 = Long.parseLong(
                b.context().upstreamHeaders().get("Kong-Request-ID").replaceAll(".*#", ""));
        assertEquals(n1 + 1, n2, "request-id's counter is its own");
    }

    // Kong's 11-correlation-id/02-schema_spec "requried field must be included": an explicit null
    // generator is "required field missing" (helper review 105); it was read as the default.
    @Test
    void anExplicitNullGeneratorIsARequiredFieldMissing() {
        for (String field : new String[] {"generator", "echo_downstream"}) {
            String e = org.junit.jupiter.api.Assertions.assertThrows(
                            com.gitinsight.gateway.config.ConfigException.class,
                            () -> new com.gitinsight.gateway.config.KongConfigParser(
                                            com.gitinsight.gateway.config.PluginRegistry.builtIn())
                                    .parse(
                                            "kong.yml",
                                            "_format_version: \"3.0\"\nplugins:\n  - name: correlation-id\n"
                                                    + "    config: {" + field + ": null}\n"))
                    .getMessage();
            org.junit.jupiter.api.Assertions.assertTrue(
                    e.contains("config." + field) && e.contains("required field missing"), e);
        }
    }

    // Helper review 249 #3: they run on every response, before any consumer is known: a consumer's
    // config loaded and never ran. Refused at load, as Kong's no_consumer plugins are.
    @Test
    void requestIdAndSecurityHeadersAreNotAConsumers() {
        for (String plugin : java.util.List.of("request-id", "security-headers")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> TestSnapshots.of("""
                            _format_version: "3.0"
                            consumers:
                              - username: bob
                                plugins:
                                  - name: %s
                            """.formatted(plugin)), plugin);
            assertTrue(e.getMessage().contains(plugin), e.getMessage());
        }
        // correlation-id may be (Kong's schema allows it, and it runs where the consumer is known).
        TestSnapshots.of("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    plugins:
                      - name: correlation-id
                """);
    }
}
