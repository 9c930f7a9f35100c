package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.KongIds;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.RouteSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeclarativeDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = """
            _format_version: "3.0"
            upstreams:
              - name: pool
                targets: [{target: "10.0.0.1:80"}]
            services:
              - name: api
                url: http://pool:80
                plugins: [{name: rate-limiting, config: {minute: 5}}]
                routes:
                  - name: nested
                    paths: [/nested]
                    plugins: [{name: cors}]
              - name: other
                url: http://other:80
            routes:
              - name: top
                service: other
                paths: [/top]
            consumers:
              - username: alice
                jwt_secrets: [{key: alice-key, secret: very-secret-value}]
            plugins:
              - name: prometheus
              - name: request-size-limiting
                route: top
                config: {allowed_payload_size: 1}
            """;
    private final KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    private GatewayConfig reparse(DeclarativeDocument doc) throws Exception {
        return parser.parse("gateway.yml", doc.toYaml());
    }

    @Test
    void aConsumerIsShownWithItsCredentialsButNoneOfTheirSecrets() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse("""
                _format_version: "3.0"
                consumers:
                  - username: erin
                    jwt_secrets: [{key: erin-jwt, secret: jwt-secret-value}]
                    keyauth_credentials: [{id: 6f1c0000-0000-4000-8000-000000000001, key: erin-api-key-value}]
                    basicauth_credentials: [{username: erin, password: erin-password-value}]
                    acls: [{group: ops}]
                """);
        ObjectNode view = doc.view(doc.find(EntityKind.CONSUMERS, "erin").orElseThrow());
        String shown = view.toString();
        for (String secret : new String[] {"jwt-secret-value", "erin-api-key-value", "erin-password-value"}) {
            assertFalse(shown.contains(secret), secret + " shows in " + shown);
        }
        assertEquals("erin-jwt", view.path("jwt_secrets").path(0).path("key").asText());
        assertEquals(
                "6f1c0000-0000-4000-8000-000000000001",
                view.path("keyauth_credentials").path(0).path("id").asText());
        assertEquals(
                "erin",
                view.path("basicauth_credentials").path(0).path("username").asText());
        assertEquals("ops", view.path("acls").path(0).path("group").asText());
    }

    @Test
    void aConsumerSentBackAsReadKeepsTheSecretsOfTheCredentialsItNames() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse("""
                _format_version: "3.0"
                consumers:
                  - username: erin
                    jwt_secrets: [{key: erin-jwt, secret: jwt-secret-value}]
                    keyauth_credentials: [{id: 6f1c0000-0000-4000-8000-000000000001, key: erin-api-key-value}]
                    basicauth_credentials: [{username: erin, password: erin-password-value}]
                """);
        ObjectNode view = doc.view(doc.find(EntityKind.CONSUMERS, "erin").orElseThrow());
        view.put("custom_id", "erin-1");
        ((ObjectNode) view.path("basicauth_credentials").path(0)).set("tags", JSON.createArrayNode());
        doc.update(EntityKind.CONSUMERS, "erin", view, true);
        String yaml = doc.toYaml();
        for (String secret : new String[] {"jwt-secret-value", "erin-api-key-value", "erin-password-value"}) {
            assertTrue(yaml.contains(secret), secret + " lost in\n" + yaml);
        }
        assertTrue(yaml.contains("erin-1"), yaml);
        ObjectNode changed = json("""
                {"username": "erin", "basicauth_credentials": [{"username": "erin", "password": "new-one"}]}""");
        doc.update(EntityKind.CONSUMERS, "erin", changed, false);
        assertTrue(doc.toYaml().contains("new-one") && !doc.toYaml().contains("erin-password-value"), doc.toYaml());
    }

    @Test
    void findsEntitiesWhereverTheFormatAllowsThemAndShowsThemInKongsShape() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        assertEquals(
                List.of("top", "nested"),
                doc.all(EntityKind.ROUTES).stream()
                        .map(DeclarativeDocument::name)
                        .toList());
        assertEquals(
                "api",
                doc.view(doc.find(EntityKind.ROUTES, "nested").orElseThrow())
                        .path("service")
                        .path("name")
                        .asText());
        assertEquals(
                "other",
                doc.view(doc.find(EntityKind.ROUTES, "top").orElseThrow())
                        .path("service")
                        .path("name")
                        .asText());
        assertFalse(
                doc.view(doc.find(EntityKind.SERVICES, "api").orElseThrow()).has("routes"),
                "routes have their own endpoint");
        assertEquals(
                List.of(
                        "global:prometheus",
                        "route:top:request-size-limiting",
                        "service:api:rate-limiting",
                        "route:nested:cors"),
                doc.all(EntityKind.PLUGINS).stream()
                        .map(DeclarativeDocument::name)
                        .toList());
        assertEquals(
                "alice",
                DeclarativeDocument.name(doc.find(EntityKind.CONSUMERS, "alice").orElseThrow()));
    }

    @Test
    void aRouteWithoutAServiceIsCreatedShownWithANullServiceAndLoads() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        doc.create(EntityKind.ROUTES, json("{\"name\": \"healthz\", \"paths\": [\"/healthz\"]}"));
        assertTrue(doc.view(doc.find(EntityKind.ROUTES, "healthz").orElseThrow())
                .get("service")
                .isNull());
        GatewayConfig config = reparse(doc);
        assertNull(config.routes().stream()
                .filter(r -> "healthz".equals(r.name()))
                .findFirst()
                .orElseThrow()
                .service());
    }

    @Test
    void patchEditsANestedRouteInPlaceAndTheResultStillParses() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        doc.update(EntityKind.ROUTES, "nested", json("{\"paths\": [\"/moved\"]}"), false);
        GatewayConfig config = reparse(doc);
        assertEquals(
                "/moved",
                config.routes().stream()
                        .filter(r -> r.name().equals("nested"))
                        .findFirst()
                        .orElseThrow()
                        .paths()
                        .get(0)
                        .raw());
        assertTrue(doc.toYaml().contains("cors"), "the route's plugins stay");
    }

    @Test
    void patchMergesNestedRecordsAsKongsMergeValuesDoes() throws Exception {
        // Helper review 123: a PATCH of config.max_age replaced the whole config, and cors, its
        // origins gone, fell back to allowing any origin.
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE.replace(
                "plugins: [{name: cors}]", "plugins: [{name: cors, config: {origins: [\"https://app.test\"]}}]"));
        doc.update(EntityKind.PLUGINS, "route:nested:cors", json("{\"config\": {\"max_age\": 3600}}"), false);
        ObjectNode config = (ObjectNode)
                doc.view(doc.find(EntityKind.PLUGINS, "route:nested:cors").orElseThrow())
                        .get("config");
        assertEquals("https://app.test", config.get("origins").get(0).asText());
        assertEquals(3600, config.get("max_age").asInt());
        doc.update(EntityKind.PLUGINS, "route:nested:cors", json("{\"config\": {\"max_age\": null}}"), false);
        assertFalse(doc.toYaml().contains("max_age"), "null still removes a nested field");
        reparse(doc);
        // Maps and references are replaced whole, as Kong's merge_values only recurses into records.
        doc.update(EntityKind.ROUTES, "top", json("{\"headers\": {\"x-a\": [\"1\"]}}"), false);
        doc.update(EntityKind.ROUTES, "top", json("{\"headers\": {\"x-b\": [\"2\"]}}"), false);
        assertFalse(doc.toYaml().contains("x-a"), doc.toYaml());
        doc.update(EntityKind.ROUTES, "top", json("{\"service\": {\"name\": \"api\"}}"), false);
        assertEquals(
                "api",
                doc.view(doc.find(EntityKind.ROUTES, "top").orElseThrow())
                        .path("service")
                        .path("name")
                        .asText());
    }

    @Test
    void anEntityKeepsItsIdThroughAPutAndARename() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        String derived = com.gitinsight.gateway.config.KongIds.of("consumers", "alice");
        doc.update(EntityKind.CONSUMERS, derived, json("{\"username\": \"alicia\"}"), false);
        assertEquals(
                "alicia",
                DeclarativeDocument.name(doc.find(EntityKind.CONSUMERS, derived).orElseThrow()));
        doc.update(EntityKind.CONSUMERS, derived, json("{\"custom_id\": \"c-1\"}"), true);
        assertEquals(derived, text(doc, derived), "X-Consumer-ID does not change (Kong keeps the primary key)");
        assertEquals(
                "alicia",
                DeclarativeDocument.name(doc.find(EntityKind.CONSUMERS, derived).orElseThrow()));
    }

    private static String text(DeclarativeDocument doc, String id) {
        return doc.find(EntityKind.CONSUMERS, id)
                .orElseThrow()
                .node()
                .path("id")
                .asText();
    }

    @Test
    void anEntityIsFoundByItsIdGivenOrDerivedAndAPutOnANewIdCreatesItUnderItsName() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        String derived = com.gitinsight.gateway.config.KongIds.of("services", "api");
        assertEquals(
                "api",
                DeclarativeDocument.name(doc.find(EntityKind.SERVICES, derived).orElseThrow()));
        doc.update(EntityKind.SERVICES, derived, json("{\"retries\": 2}"), false);
        assertEquals(2, reparse(doc).service("api").orElseThrow().retries());
        String fresh = "0a1b2c3d-0000-4000-8000-00000000beef";
        doc.update(EntityKind.SERVICES, fresh, json("{\"name\": \"svc\", \"url\": \"http://svc:80\"}"), true);
        assertEquals(
                "svc",
                DeclarativeDocument.name(doc.find(EntityKind.SERVICES, fresh).orElseThrow()));
        assertEquals(fresh, reparse(doc).service("svc").orElseThrow().kongId());
        doc.update(EntityKind.SERVICES, fresh, json("{\"url\": \"http://svc:81\"}"), true);
        assertEquals(81, reparse(doc).service("svc").orElseThrow().port(), "a PUT by id keeps the name");
    }

    @Test
    void putReplacesFieldsButKeepsChildEntities() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        doc.update(EntityKind.SERVICES, "api", json("{\"url\": \"http://pool:81\", \"retries\": 1}"), true);
        GatewayConfig config = reparse(doc);
        assertEquals(81, config.service("api").orElseThrow().port());
        assertEquals(2, config.routes().size(), "the nested route survived the PUT");
    }

    @Test
    void createsEntitiesAndRefusesDuplicatesAndMissingNames() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        doc.create(
                EntityKind.ROUTES,
                json("{\"name\": \"new\", \"service\": {\"name\": \"api\"}, \"paths\": [\"/new\"]}"));
        doc.create(EntityKind.PLUGINS, json("{\"name\": \"cors\", \"service\": \"other\"}"));
        assertEquals(3, reparse(doc).routes().size());
        assertEquals(
                409,
                assertThrows(
                                AdminException.class,
                                () -> doc.create(
                                        EntityKind.ROUTES,
                                        json("{\"name\": \"top\", \"service\": \"api\", \"paths\": [\"/x\"]}")))
                        .status);
        assertEquals(
                400,
                assertThrows(
                                AdminException.class,
                                () -> doc.create(EntityKind.UPSTREAMS, json("{\"targets\": [{\"target\": \"x:1\"}]}")))
                        .status);
    }

    // Kong's POST /services takes a service without a name and gives it an id, which the file
    // keeps; the admin API knows a nameless service by its id (the file's, or the one the loader
    // derives from its position), shows its routes' foreign key by id, and a PUT keeps it nameless.
    @Test
    void servicesWithoutNamesAreKnownByTheirIds() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        doc.create(EntityKind.SERVICES, json("{\"url\": \"http://x:1\"}"));
        GatewayConfig config = reparse(doc);
        com.gitinsight.gateway.config.ServiceSpec created = config.services().get(2);
        assertNull(created.fileName());
        assertTrue(KongIds.isUuid(created.kongId()), created.kongId());
        assertTrue(doc.find(EntityKind.SERVICES, created.kongId()).isPresent());

        DeclarativeDocument positional = DeclarativeDocument.parse("""
                _format_version: "3.0"
                services:
                  - url: http://a:80
                    routes: [{name: r, paths: [/a]}]
                    plugins: [{name: cors}]
                """);
        String derived = KongIds.of("services", "#0");
        assertEquals(derived, reparse(positional).services().get(0).kongId());
        DeclarativeDocument.Located service =
                positional.find(EntityKind.SERVICES, derived).orElseThrow();
        ObjectNode route =
                positional.view(positional.find(EntityKind.ROUTES, "r").orElseThrow());
        assertEquals(derived, route.at("/service/id").asText(), route.toString());
        assertTrue(route.at("/service/name").isMissingNode(), route.toString());
        assertEquals(derived, positional.view(service).path("id").asText());
        ObjectNode plugin = positional.view(positional.all(EntityKind.PLUGINS).get(0));
        assertEquals(derived, plugin.at("/service/id").asText(), plugin.toString());
        positional.update(EntityKind.SERVICES, derived, json("{\"url\": \"http://b:80\"}"), true);
        GatewayConfig replaced = reparse(positional);
        assertNull(replaced.services().get(0).fileName());
        assertEquals(derived, replaced.services().get(0).kongId());
        assertEquals("b", replaced.services().get(0).host());
        assertEquals(
                400, assertThrows(AdminException.class, () -> positional.delete(EntityKind.SERVICES, derived)).status);
    }

    // A route naming its service by the service's id is shown with the service's name (it showed
    // the id as a name, and GET /services/{name}/routes left it out).
    @Test
    void aRouteNamingItsServiceByIdShowsTheServicesName() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse("""
                _format_version: "3.0"
                services:
                  - {name: api, id: 5b7d5a8f-0d1f-4e8c-9b7a-0a0a0a0a0a0a, url: http://api:80}
                routes:
                  - {name: r, paths: [/r], service: {id: 5b7d5a8f-0d1f-4e8c-9b7a-0a0a0a0a0a0a}}
                """);
        ObjectNode route = doc.view(doc.find(EntityKind.ROUTES, "r").orElseThrow());
        assertEquals("api", route.at("/service/name").asText(), route.toString());
    }

    // Attacker review 154: a nameless service's id comes from its position; deleting a service
    // before it moved it, so a route naming the derived id went to the next service.
    @Test
    void deletingAServiceKeepsTheIdsOfNamelessOnesAfterIt() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse("""
                _format_version: "3.0"
                services:
                  - {name: legacy, url: http://legacy:80}
                  - {url: http://public:80}
                  - {url: http://internal-admin:80}
                """);
        String publicId = KongIds.of("services", "#1");
        doc.create(
                EntityKind.ROUTES,
                json("{\"name\": \"pub\", \"paths\": [\"/pub\"], \"service\": {\"id\": \"" + publicId + "\"}}"));
        assertEquals("public", reparse(doc).service(publicId).orElseThrow().host());
        ObjectNode shown = doc.view(doc.find(EntityKind.ROUTES, "pub").orElseThrow());
        assertEquals(publicId, shown.at("/service/id").asText(), shown.toString());
        doc.delete(EntityKind.SERVICES, "legacy");
        GatewayConfig after = reparse(doc);
        assertEquals("public", after.service(publicId).orElseThrow().host());
        RouteSpec pub = after.routes().stream()
                .filter(r -> "pub".equals(r.name()))
                .findFirst()
                .orElseThrow();
        assertEquals(publicId, pub.service());
    }

    // An admin edit of a file that uses YAML anchors, aliases and merge keys saves what the loader
    // loaded (Jackson's own tree wrote an alias as its anchor's name: service b went to host
    // "backend"); the anchors themselves are not kept.
    @Test
    void anEditOfAFileWithAliasesKeepsWhatTheyStoodFor() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse("""
                _format_version: "3.0"
                services:
                  - {name: a, host: &backend orders.internal, routes: [{name: ra, paths: [/a]}]}
                  - name: b
                    host: *backend
                    <<: {retries: 2}
                    routes: [{name: rb, paths: [/b]}]
                """);
        assertEquals(
                "orders.internal",
                doc.view(doc.find(EntityKind.SERVICES, "b").orElseThrow())
                        .path("host")
                        .asText());
        doc.update(EntityKind.ROUTES, "ra", json("{\"paths\": [\"/a2\"]}"), false);
        GatewayConfig config = reparse(doc);
        assertEquals("orders.internal", config.service("b").orElseThrow().host());
        assertEquals(2, config.service("b").orElseThrow().retries());
        assertFalse(doc.toYaml().contains("<<"), doc.toYaml());
    }

    @Test
    void refusesToDeleteWhatOthersStillReference() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        assertEquals(400, assertThrows(AdminException.class, () -> doc.delete(EntityKind.SERVICES, "other")).status);
        assertEquals(400, assertThrows(AdminException.class, () -> doc.delete(EntityKind.UPSTREAMS, "pool")).status);
        String before = doc.toYaml();
        doc.delete(EntityKind.ROUTES, "ghost"); // Kong's "returns HTTP 204 even if not found"
        assertEquals(before, doc.toYaml());
        doc.delete(EntityKind.PLUGINS, "route:top:request-size-limiting");
        doc.delete(EntityKind.ROUTES, "top");
        doc.delete(EntityKind.SERVICES, "other");
        assertEquals(1, reparse(doc).services().size());
    }

    @Test
    void targetsAreAddedAndRemoved() throws Exception {
        DeclarativeDocument doc = DeclarativeDocument.parse(FILE);
        doc.addTarget("pool", json("{\"target\": \"10.0.0.2:80\", \"weight\": 50}"));
        assertEquals(
                409,
                assertThrows(AdminException.class, () -> doc.addTarget("pool", json("{\"target\": \"10.0.0.2:80\"}")))
                        .status);
        doc.deleteTarget("pool", "10.0.0.1:80");
        assertEquals(
                "10.0.0.2:80",
                reparse(doc).upstream("pool").orElseThrow().targets().get(0).host() + ":"
                        + reparse(doc)
                                .upstream("pool")
                                .orElseThrow()
                                .targets()
                                .get(0)
                                .port());
    }
}
