package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.gitinsight.gateway.cache.ProxyCacheSchema;
import com.gitinsight.gateway.security.CorsSchema;
import com.gitinsight.gateway.security.JwtSchema;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real declarative files, written after Kong's {@code kong config init} template, its spec fixtures,
 * its admin API and {@code db_export} dumps, and decK's test data: {@code kong-files/loads/*} must load;
 * {@code kong-files/refused/*} must be refused with exactly the errors their {@code # expect: LINE FIELD:
 * MESSAGE} lines name (a {@code .expected} file beside a JSON one), each with file, line and field.
 */
class KongFilesTest {

    private static final Pattern EXPECT = Pattern.compile("^#?\\s*expect: (\\d+) (\\S+): (.+)$");

    /** Every vault reference of the fixtures resolves (the refused ones fail for other reasons). */
    private final KongConfigParser parser =
            new KongConfigParser(PluginRegistry.builtIn(), name -> "secret-of-" + name.toLowerCase(Locale.ROOT));

    static Stream<Path> loads() throws IOException, URISyntaxException {
        return files("loads");
    }

    static Stream<Path> refused() throws IOException, URISyntaxException {
        return files("refused");
    }

    private static Stream<Path> files(String folder) throws IOException, URISyntaxException {
        Path dir =
                Path.of(KongFilesTest.class.getResource("/kong-files/" + folder).toURI());
        try (Stream<Path> listed = Files.list(dir)) {
            List<Path> files = listed.filter(
                            p -> p.toString().endsWith(".yml") || p.toString().endsWith(".json"))
                    .sorted()
                    .toList();
            assertFalse(files.isEmpty(), "no files in " + dir);
            return files.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loads")
    void loads(Path file) {
        try {
            GatewayConfig config = parser.load(file);
            assertNotNull(config);
        } catch (ConfigException e) {
            fail(file.getFileName() + " must load, but:\n" + e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedWithTheErrorsItNames(Path file) throws IOException {
        List<Expected> expected = expectations(file);
        assertFalse(expected.isEmpty(), file + " names no expected error");
        ConfigException e = assertThrows(ConfigException.class, () -> parser.load(file), file + " must be refused");
        String all = e.errors().stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
        for (ConfigError error : e.errors()) {
            assertEquals(file.toString(), error.file(), all);
            assertTrue(error.line() > 0, "every error names its line: " + error);
            assertNotNull(error.field(), "every error names its field: " + error);
            assertTrue(
                    expected.stream().anyMatch(x -> x.matches(error)), "unexpected error " + error + "\nall:\n" + all);
        }
        for (Expected x : expected) {
            assertTrue(e.errors().stream().anyMatch(x::matches), "missing: " + x + "\nall:\n" + all);
        }
    }

    private record Expected(int line, String field, String message) {
        boolean matches(ConfigError e) {
            return e.line() == line && field.equals(e.field()) && e.message().startsWith(message);
        }
    }

    private static List<Expected> expectations(Path file) throws IOException {
        Path sidecar = file.resolveSibling(file.getFileName() + ".expected");
        List<String> lines = Files.readAllLines(Files.exists(sidecar) ? sidecar : file, StandardCharsets.UTF_8);
        List<Expected> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = EXPECT.matcher(line.strip());
            if (m.matches()) {
                out.add(new Expected(Integer.parseInt(m.group(1)), m.group(2), m.group(3)));
            }
        }
        return out;
    }

    private GatewayConfig load(String name) throws Exception {
        return parser.load(Path.of(
                KongFilesTest.class.getResource("/kong-files/loads/" + name).toURI()));
    }

    // What some of the files mean once loaded.

    @Test
    void aServiceUrlWinsOverTheFieldsItExpandsTo() throws Exception {
        ServiceSpec billing = load("service-url-wins.yml").service("billing").orElseThrow();
        assertEquals(
                new ServiceSpec(
                        "billing",
                        "https",
                        "billing.internal",
                        8443,
                        "/v2",
                        5,
                        60000,
                        60000,
                        60000,
                        null,
                        null,
                        true,
                        null),
                billing);
    }

    @Test
    void hostNamesMayHoldUnderscores() throws Exception {
        GatewayConfig config = load("host-names-with-underscores.yml");
        ServiceSpec limited = config.service("size-limited").orElseThrow();
        assertEquals("limit_bytes.test", limited.host());
        assertEquals(9000, limited.port());
        assertEquals(
                List.of("limit_bytes.test", "*.limit_bytes.test"),
                config.routes().get(0).hosts());
        assertEquals(
                List.of(
                        new UpstreamSpec.TargetSpec("limit_bytes.test", 8080, 100),
                        new UpstreamSpec.TargetSpec("backend_2.limit_bytes.test", 8000, 100)),
                config.upstream("size_limited_pool").orElseThrow().targets());
    }

    @Test
    void consistentHashingWithoutHashOnHashesOnNothing() throws Exception {
        UpstreamSpec u = load("consistent-hashing-without-hash-on.yml")
                .upstream("upstream1")
                .orElseThrow();
        assertEquals(UpstreamSpec.Algorithm.CONSISTENT_HASHING, u.algorithm());
        assertEquals(UpstreamSpec.HashOn.NONE, u.hash().on());
        assertEquals(UpstreamSpec.HashOn.NONE, u.hash().fallback());
    }

    @Test
    void topLevelTargetsJoinTheUpstreamTheyName() throws Exception {
        UpstreamSpec u =
                load("upstream-admin-api-dump.yml").upstream("catalog-pool").orElseThrow();
        assertEquals(
                List.of("192.0.2.21:8080", "192.0.2.22:8080"),
                u.targets().stream().map(UpstreamSpec.TargetSpec::address).toList());
        assertEquals(
                new UpstreamSpec.HashPolicy(UpstreamSpec.HashOn.HEADER, "x-tenant", UpstreamSpec.HashOn.IP, null),
                u.hash());
    }

    @Test
    void topLevelCredentialsJoinTheirConsumerAndAKeylessOneGetsAGeneratedKey() throws Exception {
        GatewayConfig config = load("credentials-top-level.yml");
        ConsumerSpec alice = config.consumers().get(0);
        assertEquals(2, alice.jwtSecrets().size());
        assertEquals("alice-key", alice.jwtSecrets().get(0).key());
        assertEquals("secret-of-alice_secret", alice.jwtSecrets().get(0).secret());
        String generated = alice.jwtSecrets().get(1).key();
        assertTrue(generated.matches("[0-9a-f]{32}"), generated);
        assertFalse(
                generated.equals(load("credentials-top-level.yml")
                        .consumers()
                        .get(0)
                        .jwtSecrets()
                        .get(1)
                        .key()),
                "random, as Kong's: nobody can name it in a token until the file gives one");
        assertEquals("HS512", config.consumers().get(1).jwtSecrets().get(0).algorithm());
        assertEquals("RS256", config.consumers().get(2).jwtSecrets().get(0).algorithm());
    }

    @Test
    void topLevelCredentialSecretsAreSecretFields() throws Exception {
        GatewayConfig config = load("kong-db-export-flat.yml");
        assertTrue(parser.secretFields("x.yml", config.text()).contains("jwt_secrets[0].secret"));
        assertEquals(
                "secret-of-warehouse_secret",
                config.consumers().get(0).jwtSecrets().get(0).secret());
    }

    @Test
    void aDbExportResolvesItsReferencesById() throws Exception {
        GatewayConfig config = load("kong-db-export-flat.yml");
        assertEquals("inventory", config.routes().get(0).service());
        PluginSpec jwt = only(config, "jwt");
        assertEquals(PluginSpec.Scope.ROUTE, jwt.scope());
        assertEquals("inventory-route", jwt.scopeName());
        PluginSpec limits = only(config, "rate-limiting");
        assertEquals(PluginSpec.Scope.CONSUMER, limits.scope());
        assertEquals("warehouse-app", limits.scopeName());
        assertEquals(new PluginSpec.Within(PluginSpec.Scope.SERVICE, "inventory"), limits.within());
    }

    @Test
    void pluginsNamingAServiceAndOneOfItsRoutesApplyToThatRoute() throws Exception {
        GatewayConfig config = load("deck-service-plugin-names-route.yml");
        assertEquals(
                List.of("example-route-1", "example-route-2"),
                config.plugins().stream()
                        .filter(p -> p.scope() == PluginSpec.Scope.ROUTE)
                        .map(PluginSpec::scopeName)
                        .toList());
        assertTrue(
                config.pluginsFor(PluginSpec.Scope.SERVICE, "example-service").isEmpty(),
                "not the service's other routes");
        GatewayConfig byId = load("deck-route-plugin-names-service.yml");
        assertEquals(
                List.of("example-route-1", "example-route-2"),
                byId.plugins().stream().map(PluginSpec::scopeName).toList());
        assertEquals("example-service", byId.routes().get(1).service(), "a route's service given by id");
    }

    @Test
    void consumerCombinationsAreConsumerPluginsLimitedToTheirRouteOrService() throws Exception {
        GatewayConfig config = load("deck-consumer-combinations.yml");
        Set<String> combos = config.plugins().stream()
                .map(p -> p.scope() + ":" + p.scopeName()
                        + (p.within() == null
                                ? ""
                                : " within " + p.within().scope() + ":"
                                        + p.within().name()))
                .collect(Collectors.toSet());
        assertEquals(
                Set.of(
                        "CONSUMER:alice within ROUTE:example-route-2",
                        "CONSUMER:alice within ROUTE:example-route-1",
                        "CONSUMER:bob within ROUTE:example-route-2",
                        "CONSUMER:bob within SERVICE:example-service",
                        "ROUTE:example-route-1 within SERVICE:example-service"),
                combos);
    }

    @Test
    void theMoreSpecificCombinationWinsAndOneThatCanNeverApplyIsDropped() throws Exception {
        GatewayConfig config = parser.parse("t.yml", """
                _format_version: "3.0"
                services:
                  - name: a
                    url: http://a.internal
                    routes: [{name: ra, paths: [/a]}]
                  - name: b
                    url: http://b.internal
                    routes: [{name: rb, paths: [/b]}]
                plugins:
                  - {name: rate-limiting, route: ra, config: {minute: 1}}
                  - {name: rate-limiting, route: ra, service: a, config: {minute: 2}}
                  - {name: rate-limiting, route: rb, service: a, config: {minute: 3}}
                """);
        assertEquals(1, config.plugins().size(), "rb is not a route of a: Kong never runs that one");
        PluginSpec kept = config.plugins().get(0);
        assertEquals("ra", kept.scopeName());
        assertEquals(
                2,
                ((com.gitinsight.gateway.ratelimit.RateLimitingSchema.Config) kept.config())
                        .limits()
                        .get(0)
                        .limit());
        ConfigException twice = assertThrows(ConfigException.class, () -> parser.parse("t.yml", """
                _format_version: "3.0"
                services: [{name: a, url: "http://a.internal", routes: [{name: ra, paths: [/a]}]}]
                plugins:
                  - {name: cors, route: ra, service: a}
                  - {name: cors, service: a, route: ra}
                """));
        assertEquals(
                "plugins[1].name: plugin 'cors' is configured twice for the same service 'a' and route 'ra'",
                twice.errors().get(0).field() + ": " + twice.errors().get(0).message());
    }

    @Test
    void kong39PluginFieldsAreReadWithTheirMeaning() throws Exception {
        GatewayConfig config = load("plugins-kong-3.9-fields.yml");
        CorsSchema.Config cors = (CorsSchema.Config) config.pluginsFor(PluginSpec.Scope.ROUTE, "shop-route").stream()
                .filter(p -> p.name().equals("cors"))
                .findFirst()
                .orElseThrow()
                .config();
        assertTrue(cors.privateNetwork());
        JwtSchema.Config jwt = (JwtSchema.Config) config.pluginsFor(PluginSpec.Scope.ROUTE, "shop-route").stream()
                .filter(p -> p.name().equals("jwt"))
                .findFirst()
                .orElseThrow()
                .config();
        assertEquals("shop", jwt.realm());
        ProxyCacheSchema.Config shop =
                (ProxyCacheSchema.Config) config.pluginsFor(PluginSpec.Scope.ROUTE, "shop-route").stream()
                        .filter(p -> p.name().equals("proxy-cache"))
                        .findFirst()
                        .orElseThrow()
                        .config();
        assertEquals(new ProxyCacheSchema.ResponseHeaders(true, true, false), shop.responseHeaders());
        ProxyCacheSchema.Config legacy =
                (ProxyCacheSchema.Config) config.pluginsFor(PluginSpec.Scope.ROUTE, "legacy-route").stream()
                        .filter(p -> p.name().equals("proxy-cache"))
                        .findFirst()
                        .orElseThrow()
                        .config();
        assertEquals(
                new ProxyCacheSchema.ResponseHeaders(false, false, true), legacy.responseHeaders(), "3.4's 'Age' too");
        assertEquals(Set.of(200, 203, 700), legacy.responseCodes());
    }

    @Test
    void metadataIsAcceptedAndAReferenceInsideIgnoreIsNeverLookedUp() throws Exception {
        List<String> looked = new ArrayList<>();
        GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn(), name -> {
                    looked.add(name);
                    return "x";
                })
                .load(Path.of(KongFilesTest.class
                        .getResource("/kong-files/loads/meta-fields.yml")
                        .toURI()));
        assertEquals(List.of("WEB_APP_SECRET"), looked);
        assertEquals(2, config.upstream("orders-pool").orElseThrow().targets().size());
        assertNull(config.plugins().stream()
                .filter(p -> p.name().equals("prometheus"))
                .findFirst()
                .orElseThrow()
                .within());
    }

    private static PluginSpec only(GatewayConfig config, String name) {
        List<PluginSpec> found =
                config.plugins().stream().filter(p -> p.name().equals(name)).toList();
        assertEquals(1, found.size(), name + ": " + found);
        return found.get(0);
    }
}
