package com.gitinsight.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.config.EntityMeta;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kong's basic serializer record, field by field (kong/pdk/log.lua serialize; spec 01-unit log serializer). */
class KongLogRecordTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: repos
                url: http://backend.internal:8081/api
                routes:
                  - name: list
                    paths: [/repos]
                    methods: [GET]
            """);

    private JsonNode record(FakeHttp.Request request, FakeHttp.Response response, int status) throws Exception {
        RequestContext context = request.context();
        byte[] bytes = KongLogRecord.serialize(
                request.request, response.response, context, new KongLogRecord.Outcome(status, 42, System.nanoTime()));
        return JSON.readTree(bytes);
    }

    @Test
    void theRouteAndServiceCarryTheIdsKongGivesThem() throws Exception {
        // No ids in the file: Kong's, derived from the names (uuid5 of its namespace for the schema).
        JsonNode r = record(
                FakeHttp.Request.get("/repos/x").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list")),
                new FakeHttp.Response(),
                200);
        assertEquals("e6c3e70d-8f24-51cf-9366-2b1d3b177c94", r.at("/route/id").asText());
        assertEquals("14b92fa6-112d-5ed0-a006-4b388e1c8685", r.at("/service/id").asText());
        assertEquals(
                "14b92fa6-112d-5ed0-a006-4b388e1c8685",
                r.at("/route/service/id").asText());
        assertEquals(1, r.at("/route/service").size(), "Kong's foreign key: the id alone");

        String withIdsYaml = """
                _format_version: "3.0"
                services:
                  - name: repos
                    id: 6a8d4b3e-0000-4000-8000-000000000001
                    url: http://backend.internal:8081/api
                    routes:
                      - name: list
                        id: 6a8d4b3e-0000-4000-8000-000000000002
                        paths: [/repos]
                      - paths: [/other]
                """;
        GatewaySnapshot withIds = TestSnapshots.of(withIdsYaml);
        JsonNode given = record(
                FakeHttp.Request.get("/repos/x").on(withIds, TestSnapshots.match(withIds, "list")),
                new FakeHttp.Response(),
                200);
        assertEquals(
                "6a8d4b3e-0000-4000-8000-000000000002", given.at("/route/id").asText());
        assertEquals(
                "6a8d4b3e-0000-4000-8000-000000000001", given.at("/service/id").asText());
        assertEquals(
                "6a8d4b3e-0000-4000-8000-000000000001",
                given.at("/route/service/id").asText());
        // A route with neither: an id from its service and position, the same at every load.
        com.gitinsight.gateway.config.RouteSpec unnamed =
                withIds.config().routes().get(1);
        assertEquals(com.gitinsight.gateway.config.KongIds.of("routes", "repos#1"), unnamed.kongId());
        // The same file without the ids, loaded again: the unnamed route's id does not change.
        String withoutIds = withIdsYaml.replaceAll("\\n *id: [^\\n]*", "");
        assertFalse(withoutIds.contains("id:"), withoutIds);
        assertEquals(
                unnamed.kongId(),
                TestSnapshots.of(withoutIds).config().routes().get(1).kongId());
    }

    @Test
    void aRouteWithoutAServiceIsLoggedWithoutOneAndNoServiceEntry() throws Exception {
        GatewaySnapshot serviceless = TestSnapshots.of("""
                _format_version: "3.0"
                routes:
                  - name: health
                    paths: [/healthz]
                """);
        JsonNode r = record(
                FakeHttp.Request.get("/healthz").on(serviceless, TestSnapshots.match(serviceless, "health")),
                new FakeHttp.Response(),
                503);
        assertEquals("health", r.at("/route/name").asText());
        // Kong's DAO leaves a null foreign key out of the entity (nulls are not kept by default).
        assertTrue(r.at("/route/service").isMissingNode(), r.toString());
        assertTrue(r.path("service").isMissingNode(), r.toString());
        assertEquals("kong", r.get("source").asText());
    }

    @Test
    void aRefusedRequestLineIsLoggedWithNoHeadersAsNginxParsedNone() throws Exception {
        // Kong's 04-plugins_triggering spec: a 414's record has request.headers {}.
        FakeHttp.Request request = FakeHttp.Request.get("/repos/x", "X-UUID", "u-1", "Host", "gw")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        assertEquals(
                "u-1",
                record(request, new FakeHttp.Response(), 200)
                        .at("/request/headers/x-uuid")
                        .asText());
        request.context().markRequestLineRefused();
        JsonNode r = record(request, new FakeHttp.Response(), 414);
        assertEquals(0, r.at("/request/headers").size(), r.toString());
        assertEquals(414, r.at("/response/status").asInt());
    }

    // Attacker review 161: Kong's get_headers keeps 100 header lines, a repeated name's included
    // (999 lines of one name were all kept), and a record weighs the strings it keeps, not only
    // their characters (a queue's max_bytes held about five times its bound).
    @Test
    void aRepeatedHeaderCountsTowardKongsHundredLinesAndItsStringsAreWeighed() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos/x").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        for (int i = 0; i < 999; i++) {
            request.header("a", "b");
        }
        KongLogRecord record = KongLogRecord.capture(
                request.request,
                new FakeHttp.Response().response,
                request.context(),
                new KongLogRecord.Outcome(200, 1, System.nanoTime()));
        JsonNode r = JSON.readTree(new LogWriter().one(record).copy());
        assertEquals(
                100, r.at("/request/headers/a").size(), r.at("/request/headers").toString());
        assertTrue(record.estimatedBytes() > 100 * 40, "each kept string weighed: " + record.estimatedBytes());
    }

    // Attacker review 304: what the plugins set and the trace context injected (escaped baggage,
    // three times what the client sent) is kept in the record: it is weighed too.
    @Test
    void theHeadersThePluginsAndTheTraceContextSetAreWeighed() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos/x").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        KongLogRecord.Outcome outcome = new KongLogRecord.Outcome(200, 1, System.nanoTime());
        long bare = KongLogRecord.capture(request.request, new FakeHttp.Response().response, request.context(), outcome)
                .estimatedBytes();
        request.context().upstreamHeader("x-set", "v".repeat(10_000));
        request.context().injectedTrace(java.util.List.of("uberctx-k", "%2F".repeat(10_000)));
        long set = KongLogRecord.capture(request.request, new FakeHttp.Response().response, request.context(), outcome)
                .estimatedBytes();
        assertTrue(set - bare >= 40_000, bare + " then " + set);
    }

    // A service written without a name (Kong loads it): the record's service and the route's
    // foreign key carry its id and no name, as Kong's entity without one.
    @Test
    void aServiceWithoutANameIsLoggedByItsIdAlone() throws Exception {
        com.gitinsight.gateway.runtime.GatewaySnapshot nameless = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - url: http://backend.internal:8081
                    routes: [{name: bare, paths: [/]}]
                """);
        FakeHttp.Request request = FakeHttp.Request.get("/x").on(nameless, TestSnapshots.match(nameless, "bare"));
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        String id = com.gitinsight.gateway.config.KongIds.of("services", "#0");
        assertEquals(id, r.at("/service/id").asText());
        assertTrue(r.at("/service/name").isMissingNode(), r.toString());
        assertEquals("backend.internal", r.at("/service/host").asText());
        assertEquals(id, r.at("/route/service/id").asText());
        assertTrue(r.at("/route/service/name").isMissingNode(), r.toString());
    }

    @Test
    void customFieldsEditAWholeRecordItsRouteAndServiceIncluded() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos/x", "Host", "gw.example")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        KongLogRecord record = KongLogRecord.capture(
                request.request,
                new FakeHttp.Response().response,
                request.context(),
                new KongLogRecord.Outcome(200, 1, System.nanoTime()));
        FileLogSchema.Config config = (FileLogSchema.Config) new com.gitinsight.gateway.config.KongConfigParser(
                        com.gitinsight.gateway.config.PluginRegistry.builtIn())
                .parse(
                        "kong.yml",
                        "_format_version: \"3.0\"\nplugins:\n  - name: file-log\n    config: {path: /tmp/x,"
                                + " custom_fields_by_lua: {route: \"return nil\", service.name: \"return 'renamed'\","
                                + " new_field: \"return 123\"}}\n")
                .plugins()
                .get(0)
                .config();
        LogWriter writer = new LogWriter();
        JsonNode r =
                JSON.readTree(writer.one(config.customFields().applyTo(record)).copy());
        assertNull(r.get("route"));
        assertEquals("renamed", r.get("service").get("name").asText());
        assertEquals("backend.internal", r.get("service").get("host").asText());
        assertEquals(123, r.get("new_field").asInt());
        assertEquals("/repos/x", r.get("request").get("uri").asText());
        // The same writer's next plain record still has its route (the edit is the instance's, not the cache's).
        assertEquals(
                "list",
                JSON.readTree(writer.one(record).copy())
                        .get("route")
                        .get("name")
                        .asText());
    }

    @Test
    void theUrlNamesTheHostLowerCaseAndThePortTheGatewayListensOn() throws Exception {
        // Kong: $scheme://$host:$server_port$request_uri; the Host header's port (none here) is not it.
        FakeHttp.Request request = FakeHttp.Request.get("/repos/x", "Host", "GW.Example")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        assertEquals(
                "http://gw.example:8000/repos/x", r.get("request").get("url").asText());
        // nginx's $host drops a trailing dot (helper review 274).
        FakeHttp.Request dotted = FakeHttp.Request.get("/repos/x", "Host", "GW.Example.")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        assertEquals(
                "http://gw.example:8000/repos/x",
                record(dotted, new FakeHttp.Response(), 200)
                        .get("request")
                        .get("url")
                        .asText());
    }

    @Test
    void theRequestAsKongLogsIt() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get(
                        "/repos/x?a=1&a=2&flag&e=&n=%C3%A9",
                        "Host",
                        "gw.example:8000",
                        "Authorization",
                        "Bearer secret-token",
                        "Proxy-Authorization",
                        "Basic c2VjcmV0",
                        "X-Multi",
                        "one")
                .header("X-Multi", "two")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        request.context().clientAddress("203.0.113.9");
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        JsonNode req = r.get("request");
        assertEquals("GET", req.get("method").asText());
        assertEquals("/repos/x?a=1&a=2&flag&e=&n=%C3%A9", req.get("uri").asText());
        assertEquals(
                "http://gw.example:8000/repos/x?a=1&a=2&flag&e=&n=%C3%A9",
                req.get("url").asText());
        assertEquals("[\"1\",\"2\"]", req.get("querystring").get("a").toString());
        assertTrue(req.get("querystring").get("flag").asBoolean());
        assertEquals("", req.get("querystring").get("e").asText());
        assertEquals("é", req.get("querystring").get("n").asText());
        assertEquals("REDACTED", req.get("headers").get("authorization").asText());
        assertEquals("REDACTED", req.get("headers").get("proxy-authorization").asText());
        assertEquals("[\"one\",\"two\"]", req.get("headers").get("x-multi").toString());
        assertFalse(r.toString().contains("secret-token"));
        assertTrue(req.get("size").asLong() > 0);
        assertEquals("203.0.113.9", r.get("client_ip").asText());
        assertEquals("list", r.get("route").get("name").asText());
        assertEquals("/repos", r.get("route").get("paths").get(0).asText());
        assertEquals("repos", r.get("service").get("name").asText());
        assertEquals("backend.internal", r.get("service").get("host").asText());
        assertEquals(8081, r.get("service").get("port").asInt());
        assertTrue(r.get("started_at").asLong() > 1_600_000_000_000L, "epoch milliseconds");
        assertEquals("default", r.get("workspace_name").asText());
        assertEquals("0dc6f45b-8f8d-40d2-a504-473544ee190b", r.get("workspace").asText());
        assertEquals(
                "0dc6f45b-8f8d-40d2-a504-473544ee190b", r.at("/route/ws_id").asText());
        assertEquals(
                "0dc6f45b-8f8d-40d2-a504-473544ee190b", r.at("/service/ws_id").asText());
    }

    @Test
    void theRequestIdIsKongsOwnNeverAnIdTheRequestIdPluginAdoptedFromTheClientAndTheResponseShowsIt() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get(
                        "/repos/x", "Host", "gw.example", "X-Request-ID", "client-chosen")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        request.context().kongRequestId("0123456789abcdef0123456789abcdef", true, true);
        request.context().requestId("client-chosen"); // the request-id plugin kept the client's
        FakeHttp.Response container = new FakeHttp.Response();
        container.response.setHeader("X-Kong-Request-Id", "0123456789abcdef0123456789abcdef"); // the chain's head
        jakarta.servlet.http.HttpServletResponse response = RecordedHeaders.recording(container.response);
        response.setHeader("X-Backend", "yes");

        JsonNode r = JSON.readTree(KongLogRecord.serialize(
                request.request, response, request.context(), new KongLogRecord.Outcome(200, 42, System.nanoTime())));

        assertEquals(
                "0123456789abcdef0123456789abcdef", r.get("request").get("id").asText());
        assertEquals(
                "0123456789abcdef0123456789abcdef",
                r.get("response").get("headers").get("x-kong-request-id").asText());
        assertEquals("yes", r.get("response").get("headers").get("x-backend").asText());
    }

    @Test
    void aRequestAPluginAnsweredHasNoUpstreamStatusAndKongAsSource() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos?apikey=k-1&x=1")
                .on(
                        SNAPSHOT,
                        new RouteMatch(
                                TestSnapshots.match(SNAPSHOT, "list").route(),
                                TestSnapshots.match(SNAPSHOT, "list").service(),
                                "/api/docs/user guide"));
        request.context().credentialNames(java.util.List.of("apikey"), java.util.List.of());
        FakeHttp.Response response = new FakeHttp.Response();
        response.response.setStatus(401);
        JsonNode r = record(request, response, 401);
        assertEquals(401, r.get("response").get("status").asInt());
        assertEquals("", r.get("upstream_status").asText());
        // Kong prepares the balancer and sets upstream_uri when the route matches, before any
        // plugin runs: the path the backend would have got (escaped), the query, no try yet.
        assertEquals(
                "/api/docs/user%20guide?apikey=REDACTED&x=1",
                r.get("upstream_uri").asText());
        // Kong's balancer_prepare gives the empty tries cjson's array metatable (Kong #6390).
        assertTrue(r.get("tries").isArray(), r.toString());
        assertEquals(0, r.get("tries").size());
        assertEquals(-1, r.get("latencies").get("proxy").asInt());
        assertEquals("kong", r.get("source").asText());
        assertNull(r.get("consumer"));
        assertNull(r.get("trace_id"));
    }

    @Test
    void aRequestNoRouteMatchedHasNoUpstreamUriAndNoTries() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/nowhere?x=1").on(SNAPSHOT, null);
        FakeHttp.Response response = new FakeHttp.Response();
        response.response.setStatus(404);
        JsonNode r = record(request, response, 404);
        assertEquals("", r.get("upstream_uri").asText());
        assertNull(r.get("tries"), "Kong's balancer was never prepared");
        assertNull(r.get("route"));
        assertNull(r.get("service"));
    }

    @Test
    void theUpstreamSideTriesConsumerAndWhatAPluginHid() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos?apikey=k-123&x=1", "apikey", "k-123")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        RequestContext context = request.context();
        // What key-auth with hide_credentials leaves: the key gone from the headers and the query.
        context.upstreamHeader("apikey", null);
        context.upstreamQuery("x=1");
        context.upstreamHeader("X-Consumer-ID", "c-1");
        context.upstreamHeader("X-Consumer-Username", "alice");
        context.upstreamHeader("X-Credential-Identifier", "cred-9");
        context.identity(new RequestContext.Identity("c-1", "alice", null, "cred-9", null));
        context.keepTries();
        long start = System.nanoTime();
        context.triedAndFailed("10.0.0.1", 8081, start, start + 1_000_000, 502, 0);
        context.tried("10.0.0.2", 8081, start + 2_000_000, start + 3_000_000, 200, 0);
        context.upstreamUri("/api/repos", "x=1");
        context.upstreamStatus(200);
        context.answeredBy("10.0.0.2:8081", 1_000_000);
        FakeHttp.Response response = new FakeHttp.Response();
        response.response.setStatus(200);
        response.response.setHeader("X-Repo", "r");
        JsonNode r = record(request, response, 200);
        assertFalse(r.toString().contains("k-123"), r.toString());
        assertEquals("1", r.get("request").get("querystring").get("x").asText());
        assertEquals(
                "alice",
                r.get("request").get("headers").get("x-consumer-username").asText());
        assertEquals("/api/repos?x=1", r.get("upstream_uri").asText());
        assertEquals("502, 200", r.get("upstream_status").asText(), "nginx's $upstream_status: every try");
        assertEquals("upstream", r.get("source").asText());
        assertEquals("r", r.get("response").get("headers").get("x-repo").asText());
        assertEquals(2, r.get("tries").size());
        assertEquals("10.0.0.1", r.get("tries").get(0).get("ip").asText());
        assertEquals("failed", r.get("tries").get(0).get("state").asText(), "Kong: a connection that failed");
        assertEquals(502, r.get("tries").get(0).get("code").asInt());
        assertNull(r.get("tries").get(1).get("code"), "the last try has no state or code in Kong");
        assertNull(r.get("tries").get(1).get("state"));
        assertEquals(8081, r.get("tries").get(1).get("port").asInt());
        assertEquals("c-1", r.get("consumer").get("id").asText());
        assertEquals("alice", r.get("consumer").get("username").asText());
        assertEquals("cred-9", r.get("authenticated_entity").get("id").asText());
        assertEquals("c-1", r.get("authenticated_entity").get("consumer_id").asText());
        assertEquals(1, r.get("latencies").get("proxy").asInt());
    }

    /**
     * Kong marks a request proxied before its balancer runs: a try that got no answer (refused or
     * timed out) logs its wait until the error answer as proxy, and kong the time before that try
     * (helper review 221: proxy was -1 and kong the whole request).
     */
    @Test
    void aTryWithNoAnswerCountsItsWaitAsProxyLatency() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        RequestContext context = request.context();
        context.keepTries();
        long start = context.startedNanos();
        context.triedAndFailed("10.0.0.1", 8081, start + 2_000_000, start + 40_000_000, 504, 1_500_000);
        context.triedAndFailed("10.0.0.2", 8081, start + 41_000_000, start + 70_000_000, 504, 27_904);
        FakeHttp.Response response = new FakeHttp.Response();
        response.response.setStatus(504);
        byte[] bytes = KongLogRecord.serialize(
                request.request, response.response, context, new KongLogRecord.Outcome(504, 42, start + 75_000_000));
        JsonNode record = JSON.readTree(bytes);
        // Each try's balancer phase (choosing its target), as Kong's balancer times it.
        JsonNode first = record.get("tries").get(0);
        assertEquals(1_500_000, first.get("balancer_latency_ns").asLong(), first.toString());
        assertEquals(1, first.get("balancer_latency").asLong());
        assertEquals(
                27_904, record.get("tries").get(1).get("balancer_latency_ns").asLong());
        assertEquals(
                500_000,
                first.get("balancer_start_ns").asLong()
                        - record.get("started_at").asLong() * 1_000_000,
                "the first try's balancer started 0.5 ms into the request");
        JsonNode latencies = record.get("latencies");
        assertEquals(41, latencies.get("kong").asInt(), latencies.toString());
        assertEquals(34, latencies.get("proxy").asInt(), latencies.toString());
        assertEquals(0, latencies.get("receive").asInt());
        assertEquals(75, latencies.get("request").asInt());
    }

    /**
     * Kong's route entity as its serializer writes it: methods in the file's order, and a field
     * the route does not set (paths on a route of hosts, the service of a route without one) left
     * out rather than written empty or null (helper review 221).
     */
    @Test
    void theRouteKeepsItsMethodsOrderAndLeavesUnsetFieldsOut() throws Exception {
        GatewaySnapshot snapshot = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: repos
                    url: http://backend.internal:8081/api
                    tags: [billing, internal, billing]
                    routes:
                      - name: by-host
                        hosts: [api.example.com]
                        methods: [POST, GET, PUT, DELETE, PATCH, OPTIONS]
                        protocols: [https]
                        snis: [api.example.com, "*.example.org", api.example.com]
                        created_at: 1700000000
                        https_redirect_status_code: 301
                        response_buffering: false
                        path_handling: v1
                        tags: [team-a, public, team-a]
                        headers: {x-version: ["v1", "~*^v2"]}
                  - name: bare
                    url: http://bare.internal:8081
                    tags: []
                    routes:
                      - name: empty-lists
                        paths: [/empty]
                        hosts: []
                        snis: []
                        tags: []
                        headers: {}
                routes:
                  - name: no-service
                    paths: [/none]
                """);
        JsonNode r = record(
                FakeHttp.Request.get("/x").on(snapshot, TestSnapshots.match(snapshot, "by-host")),
                new FakeHttp.Response(),
                200);
        assertEquals(
                "[\"POST\",\"GET\",\"PUT\",\"DELETE\",\"PATCH\",\"OPTIONS\"]",
                r.at("/route/methods").toString());
        assertNull(r.get("route").get("paths"), r.get("route").toString());
        assertEquals("api.example.com", r.at("/route/hosts/0").asText());
        // The rest of Kong's route entity, as written (Kong's serializer writes it whole).
        assertEquals("[\"https\"]", r.at("/route/protocols").toString());
        assertEquals(301, r.at("/route/https_redirect_status_code").asInt());
        assertEquals("v1", r.at("/route/path_handling").asText());
        assertTrue(r.at("/route/request_buffering").asBoolean());
        assertFalse(r.at("/route/response_buffering").asBoolean(true));
        assertEquals("[\"team-a\",\"public\"]", r.at("/route/tags").toString(), "Kong's set: each once");
        assertEquals("[\"v1\",\"~*^v2\"]", r.at("/route/headers/x-version").toString());
        assertTrue(r.at("/service/enabled").asBoolean());
        assertEquals(
                "[\"api.example.com\",\"*.example.org\"]", r.at("/route/snis").toString(), "Kong's set");
        assertEquals("[\"billing\",\"internal\"]", r.at("/service/tags").toString(), "Kong's set");
        // Kong's timestamps of a declarative entity: created_at the file's, else the load time;
        // updated_at the load time always.
        long loaded = snapshot.loadedAt().getEpochSecond();
        assertEquals(1700000000L, r.at("/route/created_at").asLong());
        assertEquals(loaded, r.at("/route/updated_at").asLong());
        assertEquals(loaded, r.at("/service/created_at").asLong());
        assertEquals(loaded, r.at("/service/updated_at").asLong());
        JsonNode lone = record(
                FakeHttp.Request.get("/none").on(snapshot, TestSnapshots.match(snapshot, "no-service")),
                new FakeHttp.Response(),
                503);
        assertNull(lone.get("route").get("service"), lone.get("route").toString());
        // Kong's defaults where the file says nothing; no tags key when none are given.
        assertEquals("[\"http\",\"https\"]", lone.at("/route/protocols").toString());
        assertEquals(426, lone.at("/route/https_redirect_status_code").asInt());
        assertEquals("v0", lone.at("/route/path_handling").asText());
        assertTrue(lone.at("/route/response_buffering").asBoolean(false));
        assertTrue(lone.at("/route/tags").isMissingNode());
        assertTrue(lone.at("/route/snis").isMissingNode());
        assertEquals("/none", lone.at("/route/paths/0").asText());
        // A list the file gives empty is in Kong's entity, empty (make_set/make_array of {}).
        JsonNode empty = record(
                FakeHttp.Request.get("/empty").on(snapshot, TestSnapshots.match(snapshot, "empty-lists")),
                new FakeHttp.Response(),
                200);
        for (String list : new String[] {"hosts", "snis", "tags"}) {
            assertEquals("[]", empty.at("/route/" + list).toString(), list);
        }
        assertTrue(empty.at("/route/methods").isMissingNode(), "not given: absent");
        assertEquals("[]", empty.at("/service/tags").toString());
        assertEquals("{}", empty.at("/route/headers").toString(), "a map given empty: {}");
    }

    /**
     * A writer keeps each configuration consumer's JSON between records: a consumer that shares
     * its entity with another (EntityMeta.DEFAULT), the same id with another entity or names, or a
     * later load time are each written as they are, never as the one written before.
     */
    @Test
    void oneWritersRecordsEachCarryTheirOwnConsumer() throws Exception {
        EntityMeta tagged = new EntityMeta(List.of("gold"), 1_700_000_000L, false);
        List<RequestContext.Identity> who = List.of(
                new RequestContext.Identity("c-1", "alice", null, "k-1", EntityMeta.DEFAULT),
                new RequestContext.Identity("c-2", "bob", "b-7", "k-2", EntityMeta.DEFAULT),
                new RequestContext.Identity("c-1", "alice", null, "k-1", EntityMeta.DEFAULT),
                new RequestContext.Identity("c-1", "alice", null, "k-1", tagged),
                new RequestContext.Identity("c-1", "alicia", "a-1", "k-1", tagged),
                new RequestContext.Identity("c-1", "alicia", "a-1", "k-1", tagged));
        LogWriter writer = new LogWriter();
        for (RequestContext.Identity identity : who) {
            FakeHttp.Request request =
                    FakeHttp.Request.get("/repos").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
            request.context().identity(identity);
            KongLogRecord record = KongLogRecord.capture(
                    request.request,
                    new FakeHttp.Response().response,
                    request.context(),
                    new KongLogRecord.Outcome(200, 0, System.nanoTime()));
            JsonNode consumer = JSON.readTree(writer.one(record).copy()).get("consumer");
            JsonNode alone = JSON.readTree(record.toJson()).get("consumer");
            assertEquals(alone, consumer, "as a writer of its own writes it");
            assertEquals(identity.consumerId(), consumer.get("id").asText());
            assertEquals(identity.username(), consumer.get("username").asText());
            assertEquals(
                    identity.customId(),
                    consumer.has("custom_id") ? consumer.get("custom_id").asText() : null);
            assertEquals(identity.entity() == tagged, consumer.has("tags"), consumer.toString());
        }
    }

    /**
     * The identity is the one the auth plugin made, as Kong's serializer reads ctx.authenticated_consumer
     * (helper review 118): a request-transformer that removes or renames the headers does not erase
     * it, and headers alone (a client's, or a plugin's of the same names) never make one.
     */
    @Test
    void theIdentityIsTheAuthPluginsWhateverHappenedToItsHeaders() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        RequestContext context = request.context();
        context.identity(new RequestContext.Identity("c-2", "bob", "custom", "cred-2", EntityMeta.DEFAULT));
        // What request-transformer's remove: {headers: [X-Credential-Identifier, X-Consumer-ID]} leaves.
        context.upstreamHeader("X-Consumer-ID", null);
        context.upstreamHeader("X-Credential-Identifier", null);
        context.upstreamHeader("X-Consumer-Username", "bob");
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        assertEquals("c-2", r.at("/consumer/id").asText());
        assertEquals("bob", r.at("/consumer/username").asText());
        assertEquals("custom", r.at("/consumer/custom_id").asText());
        assertEquals("cred-2", r.at("/authenticated_entity/id").asText());
        assertNull(r.at("/request/headers").get("x-consumer-id"), "the header as the backend got it: removed");
        // A credential with an id of its own (a jwt whose header names its key): Kong logs the id.
        context.credentialId("7e1c4b1a-0000-4000-8000-00000000a001");
        JsonNode withId = record(request, new FakeHttp.Response(), 200);
        assertEquals(
                "7e1c4b1a-0000-4000-8000-00000000a001",
                withId.at("/authenticated_entity/id").asText());
        assertEquals("c-2", withId.at("/authenticated_entity/consumer_id").asText());
        // Kong's serializer copies the consumer entity whole: its tags and timestamps (no tags: none).
        long loaded = SNAPSHOT.loadedAt().getEpochSecond();
        assertTrue(r.at("/consumer/tags").isMissingNode(), r.toString());
        assertEquals(loaded, r.at("/consumer/created_at").asLong());
        assertEquals(loaded, r.at("/consumer/updated_at").asLong());
        // Helper review 272: the consumer entity is workspaceable, so Kong's copy has ws_id.
        assertEquals(
                "0dc6f45b-8f8d-40d2-a504-473544ee190b", r.at("/consumer/ws_id").asText());
        context.identity(new RequestContext.Identity(
                "c-2", "bob", null, "cred-2", new EntityMeta(List.of("gold", "gold", "eu"), 1_700_000_000L, false)));
        JsonNode tagged = record(request, new FakeHttp.Response(), 200);
        assertEquals("[\"gold\",\"eu\"]", tagged.at("/consumer/tags").toString());
        assertEquals(1_700_000_000L, tagged.at("/consumer/created_at").asLong());
        assertEquals(loaded, tagged.at("/consumer/updated_at").asLong());
        // A consumer the file does not have (an SSO login's own): no entity fields.
        context.identity(new RequestContext.Identity("c-sso", "dana", null, "sso:k:dana", null));
        JsonNode sso = record(request, new FakeHttp.Response(), 200);
        assertTrue(sso.at("/consumer/created_at").isMissingNode(), sso.toString());
        assertTrue(sso.at("/consumer/ws_id").isMissingNode(), sso.toString());
        // The anonymous consumer: a consumer, no authenticated entity.
        context.identity(new RequestContext.Identity("c-anon", "guest", null, null, null));
        JsonNode anonymous = record(request, new FakeHttp.Response(), 200);
        assertEquals("guest", anonymous.at("/consumer/username").asText());
        assertNull(anonymous.get("authenticated_entity"), anonymous.toString());

        // Headers without an identification: no consumer.
        FakeHttp.Request headersOnly =
                FakeHttp.Request.get("/repos").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        headersOnly.context().upstreamHeader("X-Consumer-ID", "c-3");
        headersOnly.context().upstreamHeader("X-Consumer-Username", "carol");
        JsonNode none = record(headersOnly, new FakeHttp.Response(), 200);
        assertNull(none.get("consumer"), none.toString());
        assertEquals("carol", none.at("/request/headers/x-consumer-username").asText());
    }

    // Header values are bytes (one char each here); Kong's JSON carries them, so a UTF-8 name is
    // logged as text: the consumer's as sent upstream, and a client's header alike.
    @Test
    void utf8HeaderBytesAreLoggedAsText() throws Exception {
        String sentAsUtf8 = new String(
                "josé".getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
        FakeHttp.Request request = FakeHttp.Request.get("/repos", "X-Name", sentAsUtf8, "X-Latin", "caf\u00e9")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        request.context().upstreamHeader("X-Consumer-Username", com.gitinsight.gateway.http.HeaderText.wire("иван"));
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        assertEquals("иван", r.at("/request/headers/x-consumer-username").asText());
        assertEquals("josé", r.at("/request/headers/x-name").asText());
        assertEquals("caf\u00e9", r.at("/request/headers/x-latin").asText(), "not UTF-8: as it came");
    }

    @Test
    void aCredentialAnAuthPluginReadIsNeverLoggedEvenWhenTheBackendGetsIt() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get(
                        "/repos?jwt=eyJ.secret.sig&page=2", "X-Api-Key", "key-123456", "Cookie", "session=tok-9")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        // What jwt (token in ?jwt=, a cookie name configured) and key-auth (X-Api-Key, not hidden) record.
        request.context().credentialNames(java.util.List.of("jwt"), java.util.List.of("authorization"));
        request.context().credentialNames(java.util.List.of("X-Api-Key"), java.util.List.of("X-Api-Key"));
        FakeHttp.Response response = new FakeHttp.Response();
        // A backend that sends the credential back (attacker review 171): a redirect keeping the
        // query, a header of the auth plugin's name.
        response.response.setHeader("Location", "https://api.example.com/repos/?jwt=eyJ.secret.sig&page=2");
        response.response.setHeader("x_api_key", "key-123456");
        // A login redirect carrying the original URL, and a Link list (attacker review 176).
        response.response.setHeader("Content-Location", "/login?next=%2Frepos%3Fjwt%3DeyJ.secret.sig%26page%3D2");
        response.response.setHeader(
                "Link", "</repos?page=1>; rel=\"prev\", </repos?jwt=eyJ.secret.sig&page=3>; rel=\"next\"");
        JsonNode r = record(request, response, 200);
        String text = r.toString();
        assertEquals(
                "https://api.example.com/repos/?jwt=REDACTED&page=2",
                r.at("/response/headers/location").asText());
        assertEquals("REDACTED", r.at("/response/headers/x_api_key").asText());
        assertEquals(
                "/login?next=%2Frepos%3Fjwt%3DREDACTED%26page%3D2",
                r.at("/response/headers/content-location").asText());
        assertEquals(
                "</repos?page=1>; rel=\"prev\", </repos?jwt=REDACTED&page=3>; rel=\"next\"",
                r.at("/response/headers/link").asText());
        for (String secret : java.util.List.of("eyJ.secret.sig", "key-123456", "tok-9")) {
            assertFalse(text.contains(secret), secret + " in " + text);
        }
        assertEquals("/repos?jwt=REDACTED&page=2", r.at("/request/uri").asText());
        assertEquals("REDACTED", r.at("/request/querystring/jwt").asText());
        assertEquals("2", r.at("/request/querystring/page").asText());
        assertEquals("REDACTED", r.at("/request/headers/x-api-key").asText());
        assertEquals("REDACTED", r.at("/request/headers/cookie").asText());
    }

    /** Each header that may quote the request's URI, alone and in any case, has the credential redacted. */
    @Test
    void eachUriQuotingHeaderAloneHasTheCredentialRedacted() throws Exception {
        // Set on the container's response, set through the log's wrapper (which notes such a
        // name as it is set), or held before the wrapper was made (read at wrapping).
        for (String way : List.of("container", "through the wrapper", "held at wrapping"))
            for (String name : List.of("Link", "REFRESH", "location", "Content-Location")) {
                FakeHttp.Request request = FakeHttp.Request.get("/repos?jwt=eyJ.secret.sig&page=2")
                        .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
                request.context().credentialNames(List.of("jwt"), List.of("authorization"));
                FakeHttp.Response container = new FakeHttp.Response();
                // Escaped inside another URL: found only by the credential's value, which is looked
                // for only when such a header is there.
                String value = "0; url=/login?next=%2Frepos%3Fjwt%3DeyJ.secret.sig";
                jakarta.servlet.http.HttpServletResponse response = container.response;
                if (way.equals("through the wrapper")) {
                    response = RecordedHeaders.recording(container.response);
                    response.setHeader("X-Other", "1");
                    response.setHeader(name, value);
                } else {
                    container.response.setHeader(name, value);
                    if (way.equals("held at wrapping")) {
                        response = RecordedHeaders.recording(container.response);
                        response.setHeader("X-Other", "1");
                    }
                }
                JsonNode r = JSON.readTree(KongLogRecord.serialize(
                        request.request,
                        response,
                        request.context(),
                        new KongLogRecord.Outcome(200, 42, System.nanoTime())));
                String text = r.toString();
                assertFalse(text.contains("eyJ.secret.sig"), way + ", " + name + ": " + text);
                assertEquals(
                        "0; url=/login?next=%2Frepos%3Fjwt%3DREDACTED",
                        r.at("/response/headers/" + name.toLowerCase(java.util.Locale.ROOT))
                                .asText(),
                        way + ", " + name + ": " + text);
            }
    }

    @Test
    void aCredentialArgumentTheBackendStillGotIsRedactedInEveryPlaceTheRecordShowsIt() throws Exception {
        for (String upstreamQuery : new String[] {null, "jwt=tok-secret&page=2", "jwt=tok-secret&page=2&added=1"}) {
            FakeHttp.Request request = FakeHttp.Request.get("/repos?jwt=tok-secret&page=2")
                    .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
            RequestContext context = request.context();
            context.credentialNames(java.util.List.of("jwt"), java.util.List.of());
            if (upstreamQuery != null) {
                context.upstreamQuery(upstreamQuery); // a transformer changed it, or not
            }
            String sent = upstreamQuery == null ? "jwt=tok-secret&page=2" : upstreamQuery;
            context.upstreamUri("/api/repos", sent);
            JsonNode r = record(request, new FakeHttp.Response(), 200);
            assertFalse(r.toString().contains("tok-secret"), r.toString());
            assertEquals(
                    "/api/repos?" + sent.replace("tok-secret", "REDACTED"),
                    r.get("upstream_uri").asText());
            assertEquals(
                    "/repos?" + sent.replace("tok-secret", "REDACTED"),
                    r.at("/request/uri").asText());
        }
    }

    @Test
    void aHeaderAPluginSetOrRemovedIsLoggedAsTheBackendGotItWhateverTheSpellingOfEither() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos", "X-Api-Key", "client-key", "x-extra", "from-client")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        RequestContext context = request.context();
        context.upstreamHeader("x-api-key", null);
        context.upstreamHeader("X-Extra", "from-plugin");
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        assertFalse(r.toString().contains("client-key"), r.toString());
        assertFalse(r.toString().contains("from-client"), r.toString());
        assertEquals("from-plugin", r.at("/request/headers/x-extra").asText());
    }

    @Test
    void anAuthorizationAPluginSetIsRedactedAsTheClientsIs() throws Exception {
        // request-transformer's add (or its append onto the client's value): Kong's serializer reads
        // the headers after the plugins and redacts authorization and proxy-authorization anyway.
        FakeHttp.Request request = FakeHttp.Request.get("/repos", "Authorization", "Basic client-secret")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        RequestContext context = request.context();
        context.upstreamHeader("Authorization", "Basic client-secret, Bearer added-secret");
        context.upstreamHeader("Proxy_Authorization", "Basic proxy-secret");
        context.upstreamHeader("Cookie", "session=added");
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        for (String secret : java.util.List.of("client-secret", "added-secret", "proxy-secret", "session=added")) {
            assertFalse(r.toString().contains(secret), secret + " in " + r);
        }
        assertEquals("REDACTED", r.at("/request/headers/authorization").asText());
        assertEquals("REDACTED", r.at("/request/headers/proxy_authorization").asText());
        assertEquals("REDACTED", r.at("/request/headers/cookie").asText());
    }

    @Test
    void anUnderscoreSpellingOfAHiddenOrCredentialHeaderIsNeverLoggedInTheClear() throws Exception {
        // The backend copy folds _ to - (X_Api_Key is X-Api-Key there): a hidden key's copy is not sent,
        // and the log must not show it either.
        FakeHttp.Request hidden = FakeHttp.Request.get(
                        "/repos", "X-Api-Key", "client-key", "X_Api_Key", "copy-key", "Proxy_Authorization", "p-secret")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        hidden.context().credentialNames(java.util.List.of(), java.util.List.of("x-api-key"));
        hidden.context().upstreamHeader("x-api-key", null);
        JsonNode r = record(hidden, new FakeHttp.Response(), 200);
        assertFalse(r.toString().contains("client-key"), r.toString());
        assertFalse(r.toString().contains("copy-key"), r.toString());
        assertFalse(r.toString().contains("p-secret"), r.toString());
        assertEquals(
                "REDACTED",
                r.at("/request/headers/proxy_authorization").asText(),
                "Kong's nginx passes an underscore name (underscores_in_headers on): redacted as its dash spelling");
        // Not hidden: the backend gets both spellings, as from Kong's nginx; the log redacts both.
        FakeHttp.Request kept = FakeHttp.Request.get("/repos", "X-Api-Key", "client-key", "X_API_KEY", "copy-key")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        kept.context().credentialNames(java.util.List.of(), java.util.List.of("x-api-key"));
        JsonNode k = record(kept, new FakeHttp.Response(), 200);
        assertFalse(k.toString().contains("copy-key"), k.toString());
        assertEquals("REDACTED", k.at("/request/headers/x_api_key").asText(), k.toString());
        assertEquals("REDACTED", k.at("/request/headers/x-api-key").asText());
        FakeHttp.Request custom =
                FakeHttp.Request.get("/repos", "X_Custom", "v").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        assertEquals(
                "v",
                record(custom, new FakeHttp.Response(), 200)
                        .at("/request/headers/x_custom")
                        .asText());
    }

    @Test
    void aCredentialHeaderConfiguredWithAnUnderscoreIsRedactedUnderItsDashSpelling() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos", "X-Jwt", "header.payload.sig")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        request.context().credentialNames(java.util.List.of(), java.util.List.of("x_jwt")); // jwt's header_names
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        assertFalse(r.toString().contains("header.payload.sig"), r.toString());
        assertEquals("REDACTED", r.at("/request/headers/x-jwt").asText());
    }

    @Test
    void aPluginsHeaderWithAnUnderscoreNameIsLoggedNotTheClientsForgedCopy() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos", "X_Corr_Id", "forged")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        request.context().upstreamHeader("X_Corr_Id", "the-gateway's");
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        assertFalse(r.toString().contains("forged"), r.toString());
        assertEquals("the-gateway's", r.at("/request/headers/x_corr_id").asText());
    }

    @Test
    void redactionKeepsTheRestOfTheQueryByteForByte() {
        assertEquals("a=%20b&key=REDACTED&c", KongLogRecord.redactArguments("a=%20b&key=k&c", java.util.Set.of("key")));
        assertEquals("a=1", KongLogRecord.redactArguments("a=1", java.util.Set.of()));
        assertEquals("k%65y=REDACTED", KongLogRecord.redactArguments("k%65y=v", java.util.Set.of("key")));
        java.util.Set<String> key = java.util.Set.of("key");
        assertEquals(
                "key=REDACTED&&key=REDACTED&",
                KongLogRecord.redactArguments("key=a&&key=b&", key),
                "every value, empty pairs kept");
        assertEquals(
                "key&keys=1&monkey=2&=key",
                KongLogRecord.redactArguments("key&keys=1&monkey=2&=key", key),
                "a bare name and other names that hold it");
        assertEquals("k+y=REDACTED", KongLogRecord.redactArguments("k+y=v", java.util.Set.of("k y")), "a + is a space");
        assertEquals("", KongLogRecord.redactArguments("", key));
        assertEquals("key=REDACTED", KongLogRecord.redactArguments("key=", key));
        assertEquals(
                "a=b=key&key=REDACTED",
                KongLogRecord.redactArguments("a=b=key&key==x", key),
                "the value is all after the first =");
    }

    @Test
    void cookiesAndAClientsIdentityHeadersAreNotShippedAndLongValuesAreCut() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get(
                        "/repos?q=" + "x".repeat(5000),
                        "Cookie",
                        "session=user-session-1",
                        "X-Consumer-Username",
                        "admin",
                        "X-Userinfo",
                        "forged",
                        "X-Long",
                        "y".repeat(10_000))
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        FakeHttp.Response response = new FakeHttp.Response();
        response.response.addHeader("Set-Cookie", "session=new-session-2");
        JsonNode r = record(request, response, 200);
        String text = r.toString();
        assertFalse(text.contains("user-session-1") || text.contains("new-session-2"), text);
        assertEquals("REDACTED", r.at("/request/headers/cookie").asText());
        assertEquals("REDACTED", r.at("/response/headers/set-cookie").asText());
        assertNull(r.at("/request/headers").get("x-consumer-username"), "the backend never got the client's copy");
        assertNull(r.at("/request/headers").get("x-userinfo"));
        assertTrue(r.at("/request/headers/x-long").asText().length() < KongLogRecord.MAX_VALUE + 32);
        assertTrue(r.at("/request/uri").asText().endsWith("...(truncated)"));
        assertTrue(r.at("/request/querystring/q").asText().length() < KongLogRecord.MAX_VALUE + 32);
    }

    // Attacker review 79: a key sent where the plugin that reads it did not run (a path no route
    // matched, another route, a refusal before authentication) was logged in clear: the names any
    // configured plugin reads a credential from are redacted on every request.
    @Test
    void aCredentialIsRedactedWhereTheAuthPluginDidNotRun() throws Exception {
        GatewaySnapshot s = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: repos
                    url: http://backend.internal:8081/api
                    routes:
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - {name: key-auth, config: {key_names: [apikey, x_api_key]}}
                      - name: open
                        paths: [/open]
                      - name: signed
                        paths: [/signed]
                        plugins:
                          - {name: jwt, config: {uri_param_names: [token], header_names: [x-token]}}
                """);
        for (String route : java.util.Arrays.asList("open", null)) {
            FakeHttp.Request request = FakeHttp.Request.get(
                            "/open?apikey=SECRET-1&token=SECRET-2&q=kept",
                            "apikey",
                            "SECRET-3",
                            "X-Api-Key",
                            "SECRET-4",
                            "X-Token",
                            "SECRET-5")
                    .on(s, route == null ? null : TestSnapshots.match(s, route));
            JsonNode r = record(request, new FakeHttp.Response(), route == null ? 404 : 200);
            assertFalse(r.toString().contains("SECRET"), r.toString());
            assertEquals("REDACTED", r.at("/request/querystring/apikey").asText());
            assertEquals("REDACTED", r.at("/request/querystring/token").asText());
            assertEquals("kept", r.at("/request/querystring/q").asText());
            assertEquals("REDACTED", r.at("/request/headers/apikey").asText());
            assertEquals("REDACTED", r.at("/request/headers/x-api-key").asText());
            assertEquals("REDACTED", r.at("/request/headers/x-token").asText());
        }
        // A name a plugin read on the request adds to them (it is one of them here: no copy made).
        FakeHttp.Request keyed = FakeHttp.Request.get("/keyed?apikey=SECRET-1").on(s, TestSnapshots.match(s, "keyed"));
        keyed.context().credentialNames(List.of("apikey"), List.of("apikey"));
        assertTrue(keyed.context().credentialArguments() == s.plugins().credentialArguments());
        keyed.context().credentialNames(List.of("other"), List.of());
        assertTrue(keyed.context().credentialArguments().containsAll(List.of("apikey", "token", "other")));
    }

    // Attacker review 79: a cut between an emoji's two halves left a lone surrogate, which strict
    // JSON parsers (serde_json, so Vector) refuse: a log pipeline refused the batch and retried it
    // for max_retry_time, every other client's records held with it.
    @Test
    void aLongValueIsNeverCutInsideACharacter() throws Exception {
        String emoji = "\uD83D\uDE00";
        FakeHttp.Request request = FakeHttp.Request.get(
                        "/repos?q=" + "a".repeat(KongLogRecord.MAX_VALUE - 1) + "%F0%9F%98%80tail")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        String q = r.at("/request/querystring/q").asText();
        assertEquals("a".repeat(KongLogRecord.MAX_VALUE - 1) + "...(truncated)", q);
        String whole = "a".repeat(KongLogRecord.MAX_VALUE - 2) + emoji + "tail";
        assertEquals(
                "a".repeat(KongLogRecord.MAX_VALUE - 2) + emoji + "...(truncated)",
                com.gitinsight.gateway.http.Cut.atMost(whole, KongLogRecord.MAX_VALUE, "...(truncated)"));
        assertEquals("ab", com.gitinsight.gateway.http.Cut.atMost("ab", 2, "!"));
        assertEquals("a!", com.gitinsight.gateway.http.Cut.atMost("a" + emoji, 2, "!"));
    }

    @Test
    void aRepeatedResponseHeaderIsOneArrayInOrderWhateverItsSpellingsEvenWhenTheNameCacheEmptiesMidRecord()
            throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        // Through the wrapper, which keeps each spelling as it was set (a container may fold them).
        jakarta.servlet.http.HttpServletResponse response = RecordedHeaders.recording(new FakeHttp.Response().response);
        response.addHeader("X-Multi", "1");
        response.addHeader("X-Fresh", "f"); // the name that fills the cache
        response.addHeader("x-multi", "2");
        response.addHeader("Vary", "Origin");
        response.addHeader("X-MULTI", "3");
        KongLogRecord record = KongLogRecord.capture(
                request.request, response, request.context(), new KongLogRecord.Outcome(200, 0, System.nanoTime()));
        for (int cached = 0; cached < 2; cached++) {
            LogWriter writer = new LogWriter();
            writer.name("X-Multi");
            if (cached == 1) {
                // Full but for one: X-Fresh fills it, x-multi (a new spelling) comes after it is emptied.
                for (int i = writer.clears() == 0 ? 1 : 0; i < LogWriter.MAX_CACHED; i++) {
                    writer.name("X-Filler-" + i);
                }
            }
            LogWriter.Bytes bytes = writer.one(record);
            assertEquals(cached, writer.clears(), "the second writer's cache was emptied inside the record");
            JsonNode headers = JSON.readTree(java.util.Arrays.copyOf(bytes.array(), bytes.length()))
                    .at("/response/headers");
            assertEquals("[\"1\",\"2\",\"3\"]", headers.get("x-multi").toString());
            assertEquals("Origin", headers.get("vary").asText());
            assertEquals(3, headers.size(), headers.toString());
        }
    }

    @Test
    void aClientsLongNamesAreCutAsItsValuesAre() throws Exception {
        String longName = "n".repeat(60_000);
        FakeHttp.Request request = FakeHttp.Request.get("/repos?" + longName + "=1", "X-" + longName, "v")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        String argument = r.get("request").get("querystring").fieldNames().next();
        assertEquals(KongLogRecord.MAX_VALUE + "...(truncated)".length(), argument.length());
        java.util.Iterator<String> headers = r.get("request").get("headers").fieldNames();
        boolean cut = false;
        while (headers.hasNext()) {
            String name = headers.next();
            assertTrue(name.length() <= KongLogRecord.MAX_VALUE + "...(truncated)".length(), "a header name cut too");
            cut |= name.startsWith("x-nnn");
        }
        assertTrue(cut, r.get("request").get("headers").toString());
    }

    @Test
    void theTraceContextTheBackendGotIsLoggedInPlaceOfTheClients() throws Exception {
        // Kong's injector set_header()s traceparent; its serializer reads the request's headers after.
        String client = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        String sent = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";
        FakeHttp.Request request = FakeHttp.Request.get("/repos", "traceparent", client)
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        request.context().upstreamHeader("traceparent", null); // as TracingFilter marks what it injects
        JsonNode before = record(request, new FakeHttp.Response(), 200);
        assertNull(before.at("/request/headers").get("traceparent"), "nothing went upstream");
        request.context().injectedTrace(List.of("traceparent", sent));
        JsonNode r = record(request, new FakeHttp.Response(), 200);
        assertEquals(sent, r.at("/request/headers/traceparent").asText());
    }

    @Test
    void twoLongNamesThatDifferPastTheCutNeverMakeOneKeyTwice() throws Exception {
        // A strict reader (Elasticsearch's) refuses a duplicate key, and with it the whole batch.
        String prefix = "n".repeat(KongLogRecord.MAX_VALUE + 10);
        // Two names of exactly the cut's length too (review 122: cut to the same length, unseen).
        String same = "m".repeat(KongLogRecord.MAX_VALUE) + "b".repeat("...(truncated)".length() - 1);
        FakeHttp.Request request = FakeHttp.Request.get(
                        "/repos?" + prefix + "x=1&" + prefix + "y=2&" + same + "c=3&" + same + "d=4",
                        "X-" + prefix + "a",
                        "1",
                        "X-" + prefix + "b",
                        "2")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        byte[] bytes = KongLogRecord.serialize(
                request.request,
                new FakeHttp.Response().response,
                request.context(),
                new KongLogRecord.Outcome(200, 42, System.nanoTime()));
        com.fasterxml.jackson.databind.ObjectMapper strict = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode r = strict.readTree(bytes);
        assertEquals(
                2,
                r.at("/request/querystring").size(),
                r.at("/request/querystring").toString());
    }

    // Kong's header_filter marks the last try failed (with the status) when the answer is a 5xx and
    // no retry was left; with retries left, the last try has no state.
    @Test
    void aFiveHundredOnTheLastAllowedTryIsLoggedAsAFailedTry() throws Exception {
        GatewaySnapshot snapshot = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: repos
                    url: http://backend.internal:8081/api
                    retries: 1
                    routes: [{name: list, paths: [/repos]}]
                """);
        for (int tries : new int[] {1, 2}) {
            FakeHttp.Request request =
                    FakeHttp.Request.get("/repos").on(snapshot, TestSnapshots.match(snapshot, "list"));
            RequestContext context = request.context();
            context.keepTries();
            long start = System.nanoTime();
            if (tries == 2) {
                context.triedAndFailed("10.0.0.1", 8081, start, start + 1_000_000, 502, 0);
            }
            context.tried("10.0.0.2", 8081, start + 2_000_000, start + 3_000_000, 503, 0);
            context.upstreamUri("/api", null);
            context.upstreamStatus(503);
            FakeHttp.Response response = new FakeHttp.Response();
            response.response.setStatus(503);
            JsonNode last = record(request, response, 503).get("tries").get(tries - 1);
            if (tries == 2) {
                assertEquals("failed", last.get("state").asText(), last.toString());
                assertEquals(503, last.get("code").asInt());
            } else {
                assertNull(last.get("state"), "a retry was left: " + last);
                assertNull(last.get("code"));
            }
        }
    }

    // Kong's request.size counts the body (nginx's $request_length): a chunked body has no length
    // to read, so the bytes the proxy read of it are counted (helper review 300).
    @Test
    void aChunkedBodysBytesAreInTheRequestSize() throws Exception {
        FakeHttp.Request plain = FakeHttp.Request.of("POST", "/repos", "Transfer-Encoding", "chunked")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        long head =
                record(plain, new FakeHttp.Response(), 200).at("/request/size").asLong();
        FakeHttp.Request chunked = FakeHttp.Request.of("POST", "/repos", "Transfer-Encoding", "chunked")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        chunked.context().chunkedBodyRead(4_000); // (as the proxy reads it: PacedRequestTest)
        chunked.context().chunkedBodyRead(6_000);
        assertEquals(
                head + 10_000,
                record(chunked, new FakeHttp.Response(), 200)
                        .at("/request/size")
                        .asLong());
    }

    // Helper review 246: raw UTF-8 in the request line (Payara gives one character per byte) was
    // logged as Latin-1 read twice ("/rÃ©"); Kong writes the bytes, valid UTF-8, as sent.
    @Test
    void rawUtf8InTheRequestLineIsLoggedAsTheTextItSpells() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos/r\u00c3\u00a9?q=\u00c3\u00a9")
                .on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        JsonNode req = record(request, new FakeHttp.Response(), 200).get("request");
        assertEquals("/repos/r\u00e9?q=\u00e9", req.get("uri").asText());
        FakeHttp.Request escaped =
                FakeHttp.Request.get("/repos/r%C3?q=%C3%C3").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        assertEquals(
                record(escaped, new FakeHttp.Response(), 200)
                                .at("/request/size")
                                .asLong()
                        - 5,
                req.get("size").asLong(),
                "the line's bytes counted, not the characters they spell (helper review 248)");
        assertEquals("\u00e9", req.get("querystring").get("q").asText());
        assertEquals("/a\u00ff", KongLogRecord.asUtf8("/a\u00ff"), "no UTF-8: left as it is");
        assertEquals("/\u20ac", KongLogRecord.asUtf8("/\u20ac"), "characters already");
    }
}
