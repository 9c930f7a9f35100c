package com.gitinsight.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.messaging.TestBroker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same target/gateway.war, started by {@code scripts/run.sh --server <name>} exactly as an
 * operator would, through a smoke suite: routing, JWT, rate limit, cache hit, eviction event,
 * metrics, health, admin API, and an admin token set through the server's own mechanism
 * (Payara Micro --systemproperties, Payara Server set-config-property, WildFly system property).
 * The test command runs it on Payara Micro; {@code mvn -Pservers verify} on Payara Server and WildFly.
 */
class ServerSmokeIT {

    static final Backends BACKENDS = new Backends();
    static final String SECRET = "smoke-secret-for-the-servers-0123456789";

    static Stream<String> servers() {
        return Arrays.stream(System.getProperty("gateway.smoke.servers", "payara-micro")
                        .split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty());
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        BACKENDS.close();
        // The unpacked Payara Server and WildFly (~600 MB; the domain and its logs stay): the ITs
        // after this one unpack a Payara Micro per deployment, on a disk that may be nearly full.
        Path servers =
                Path.of(System.getProperty("gateway.it.dir", "target/it")).resolveSibling("servers");
        if (Files.isDirectory(servers)) {
            try (Stream<Path> unpacked = Files.list(servers)) {
                for (Path dir : unpacked.filter(d -> !d.getFileName().toString().equals("payara-domains"))
                        .toList()) {
                    deleteWhatIsLeft(dir);
                }
            }
        }
    }

    /**
     * Deletes {@code dir}'s tree as far as it still exists: a server that is still stopping removes
     * its own temporary files meanwhile (a walk failed on a WildFly vfs file gone under it, and the
     * class failed after its tests had passed).
     */
    private static void deleteWhatIsLeft(Path dir) throws java.io.IOException {
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
                file.toFile().delete(); // (best effort, as before: the disk's room, not a test)
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, java.io.IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE; // (gone meanwhile)
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, java.io.IOException e) {
                try {
                    Files.deleteIfExists(d);
                } catch (java.io.IOException notEmpty) {
                    // Something the server wrote meanwhile: left, as a file that could not be deleted was.
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    @ParameterizedTest
    @MethodSource("servers")
    void theSameWarPassesTheSmokeSuite(String server) throws Exception {
        int echo = BACKENDS.echo("smoke");
        String exchange = "test.smoke." + UUID.randomUUID().toString().substring(0, 8);
        String broker = TestBroker.url(TestBroker.port());
        int port = ClusterIT.freeBlock(4);
        Path dir = RunScriptServer.directory("smoke-" + server);
        Path config = dir.resolve("gateway.yml");
        Files.writeString(config, """
                _format_version: "3.0"
                services:
                  - name: echo
                    url: http://127.0.0.1:%1$d
                    routes:
                      - {name: open, paths: [/open]}
                      - {name: secure, paths: [/secure], plugins: [{name: jwt}]}
                      - name: limited
                        paths: [/limited]
                        plugins: [{name: rate-limiting, config: {hour: 3, policy: local}}]  # an hour: three requests never straddle a window (a minute once did, at :59.8)
                      - name: cached
                        paths: [/repos]
                        strip_path: false
                        plugins: [{name: proxy-cache, config: {content_type: ['text/plain; charset=utf-8']}}]
                consumers:
                  - username: app
                    jwt_secrets: [{key: app-key, secret: "%2$s"}]
                plugins:
                  - name: prometheus
                    config: {status_code_metrics: true}
                  - name: cache-eviction
                    config:
                      broker_url: "%3$s"
                      bindings: [{exchange: %4$s, routing_key: "analysis.completed.*"}]
                      rules: [{event_type: analysis_completed, evict: ["/repos/{repository_id}/**"]}]
                """.formatted(echo, SECRET, broker, exchange));
        String token = "smoke-admin-token-set-by-the-server-" + server;
        try (RunScriptServer gateway = RunScriptServer.start(
                server, port, dir, config, Map.of("GATEWAY_SERVER_PROPERTIES", "gateway.admin.token=" + token))) {
            smoke(gateway.base, token, broker, exchange);
        }
    }

    private static void smoke(String base, String token, String broker, String exchange) throws Exception {
        assertEquals(200, get(base + "/open/x").statusCode(), "routing");
        assertEquals(404, get(base + "/nowhere").statusCode());
        assertEquals(401, get(base + "/secure/x").statusCode(), "jwt");
        assertEquals(
                200,
                get(base + "/secure/x", "Authorization", "Bearer " + AdminIT.hs256("app-key", SECRET))
                        .statusCode());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(base + "/limited").statusCode());
        }
        assertEquals(429, get(base + "/limited").statusCode(), "rate limit");
        get(base + "/repos/7/summary");
        assertEquals(
                "Hit",
                get(base + "/repos/7/summary")
                        .headers()
                        .firstValue("X-Cache-Status")
                        .orElse(null),
                "cache");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get(base + "/_gateway/health/ready")
                        .body()
                        .contains("\"name\":\"eviction-events\",\"status\":\"UP\",\"data\":{\"connected\":true"));
        AnalysisEvents.completed(broker, exchange, "7");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "Miss"
                        .equals(get(base + "/repos/7/summary")
                                .headers()
                                .firstValue("X-Cache-Status")
                                .orElse(null)));
        String metrics = get(base + "/_gateway/metrics").body();
        assertTrue(metrics.contains("kong_http_requests_total"), "metrics");
        assertEquals(401, get(base + "/_gateway/admin/routes").statusCode(), "admin API closed without the token");
        HttpResponse<String> routes = get(base + "/_gateway/admin/routes", "Authorization", "Bearer " + token);
        assertEquals(200, routes.statusCode(), "the admin token set through the server's own mechanism");
        assertTrue(routes.body().contains("\"limited\""));
        assertTrue(get(base + "/open/x").headers().firstValue("Server").isEmpty(), "the server adds no Server header");
    }

    static HttpResponse<String> get(String url, String... headers) throws Exception {
        return Http.get(url, headers);
    }
}
