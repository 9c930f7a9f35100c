package com.gitinsight.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Payara Micro nodes on one PostgreSQL configuration store, started by
 * {@code scripts/cluster.sh --store postgres}: the file imported once, a change on one node routed
 * by the other within a second, one winner of two writes with one If-Match, 100 changes under load
 * without a failed request, the store down and back under load (serving goes on, writes 503, then
 * catch up), rollback from the history.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigStoreIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Backends BACKENDS = new Backends();
    static final String TOKEN = "store-admin-token-0123456789abcdef";
    static final Path DIR =
            Path.of(System.getProperty("gateway.it.dir", "target/it")).resolveSibling("it-store");
    static TestDatabase db;
    static Process cluster;
    static int front;
    static int echo;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            Assumptions.abort("nginx is not installed (apt-get install nginx-light): scripts/cluster.sh needs it");
        }
        db = TestDatabase.create();
        echo = BACKENDS.echo("store");
        front = ClusterIT.freeBlock(3);
        Files.createDirectories(DIR);
        Path config = DIR.resolve("gateway.yml");
        Files.writeString(config, document(List.of("/v1")));
        Files.deleteIfExists(DIR.resolve("ready"));
        ProcessBuilder pb = new ProcessBuilder("scripts/cluster.sh", "--nodes", "2", "--store", "postgres")
                .redirectErrorStream(true)
                .redirectOutput(DIR.resolve("cluster.log").toFile());
        pb.environment().put("CLUSTER_PORT", Integer.toString(front));
        pb.environment().put("CLUSTER_DIR", DIR.toAbsolutePath().toString());
        pb.environment().put("CLUSTER_STORE_URL", db.url());
        pb.environment().put("GATEWAY_CONFIG", config.toAbsolutePath().toString());
        pb.environment().put("GATEWAY_ADMIN_TOKEN", TOKEN);
        pb.environment()
                .put("GATEWAY_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -Dgateway.config.store.check-interval-ms=2000");
        cluster = pb.start();
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    if (!cluster.isAlive()) {
                        throw new AssertionError("cluster.sh exited: " + Files.readString(DIR.resolve("cluster.log")));
                    }
                    return Files.exists(DIR.resolve("ready"));
                });
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.destroy();
            cluster.waitFor(60, TimeUnit.SECONDS);
        }
        BACKENDS.close();
        if (db != null) {
            db.admin("ALTER DATABASE " + dbName() + " ALLOW_CONNECTIONS true");
            db.close();
        }
    }

    /** A configuration routing each of {@code paths} to the echo backend. */
    static String document(List<String> paths) {
        StringBuilder routes = new StringBuilder();
        for (String p : paths) {
            routes.append("      - {name: r")
                    .append(p.replace('/', '-'))
                    .append(", paths: [")
                    .append(p)
                    .append("]}\n");
        }
        return "_format_version: \"3.0\"\nservices:\n  - name: echo\n    url: http://127.0.0.1:" + echo
                + "\n    routes:\n" + routes;
    }

    static int node(int i) {
        return front + i;
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return Http.get("http://127.0.0.1:" + port + path, "Authorization", "Bearer " + TOKEN);
    }

    static String etag(int port) throws Exception {
        return get(port, "/_gateway/admin/config").headers().firstValue("ETag").orElseThrow();
    }

    static HttpResponse<String> post(int port, String text, String ifMatch) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/_gateway/admin/config"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(text));
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String dbName() {
        String url = db.url();
        return url.substring(url.lastIndexOf('/') + 1, url.indexOf('?') < 0 ? url.length() : url.indexOf('?'));
    }

    @Test
    @Order(1)
    void theFirstNodeImportedTheFileAndBothServeIt() throws Exception {
        assertEquals(200, get(node(1), "/v1/x").statusCode());
        assertEquals(200, get(node(2), "/v1/x").statusCode());
        JsonNode history = JSON.readTree(get(node(2), "/_gateway/admin/history").body());
        assertEquals(1, history.get("data").size(), history.toString());
        assertEquals("import", history.at("/data/0/change").asText().split(" ")[0]);
    }

    @Test
    @Order(2)
    void aChangeOnOneNodeIsRoutedByTheOtherWithinASecond() throws Exception {
        HttpResponse<String> r = post(node(1), document(List.of("/v1", "/v2")), etag(node(1)));
        assertEquals(201, r.statusCode(), r.body());
        long committed = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> get(node(2), "/v2/x").statusCode() == 200);
        assertTrue(System.nanoTime() - committed < Duration.ofSeconds(1).toNanos());
    }

    @Test
    @Order(3)
    void ofTwoNodesWritingWithOneIfMatchExactlyOneWins() throws Exception {
        String tag = etag(node(1));
        String a = document(List.of("/v1", "/v2", "/a"));
        String b = document(List.of("/v1", "/v2", "/b"));
        ExecutorService two = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            Future<HttpResponse<String>> fa = two.submit(() -> {
                go.await();
                return post(node(1), a, tag);
            });
            Future<HttpResponse<String>> fb = two.submit(() -> {
                go.await();
                return post(node(2), b, tag);
            });
            go.countDown();
            int sa = fa.get(30, TimeUnit.SECONDS).statusCode();
            int sb = fb.get(30, TimeUnit.SECONDS).statusCode();
            assertEquals(List.of(201, 412), List.of(Math.min(sa, sb), Math.max(sa, sb)), sa + " " + sb);
        } finally {
            two.shutdownNow();
        }
        String winner = get(node(1), "/a/x").statusCode() == 200 ? "/a" : "/b";
        String loser = winner.equals("/a") ? "/b" : "/a";
        await().atMost(Duration.ofSeconds(2))
                .until(() -> get(node(2), winner + "/x").statusCode() == 200);
        assertEquals(404, get(node(1), loser + "/x").statusCode(), "the document is never mixed");
        assertEquals(404, get(node(2), loser + "/x").statusCode());
    }

    /** Requests to both nodes until stopped; counts what did not answer 200. */
    static final class Load implements AutoCloseable {
        final AtomicLong ok = new AtomicLong();
        final Map<String, Integer> failures = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads = Executors.newFixedThreadPool(4);

        Load() {
            for (int t = 0; t < 4; t++) {
                int port = node(1 + t % 2);
                threads.submit(() -> {
                    while (running.get()) {
                        try {
                            int s = Http.get("http://127.0.0.1:" + port + "/v1/load")
                                    .statusCode();
                            if (s == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.merge(port + ":" + s, 1, Integer::sum);
                            }
                        } catch (Exception e) {
                            failures.merge(port + ":" + e.getClass().getSimpleName(), 1, Integer::sum);
                        }
                    }
                    return null;
                });
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            threads.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(4)
    void aHundredChangesUnderLoadFailNoRequestOnEitherNode() throws Exception {
        try (Load load = new Load()) {
            for (int i = 0; i < 100; i++) {
                int at = node(1 + i % 2);
                String doc = document(List.of("/v1", "/v2", "/c" + i));
                HttpResponse<String> r = post(at, doc, etag(at));
                // This node may not have applied the other's change yet (its ETag is stale): read again.
                for (int retry = 0; r.statusCode() == 412 && retry < 20; retry++) {
                    Thread.sleep(50);
                    r = post(at, doc, etag(at));
                }
                assertEquals(201, r.statusCode(), r.body());
            }
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> get(node(1), "/c99/x").statusCode() == 200
                            && get(node(2), "/c99/x").statusCode() == 200);
            load.close();
            assertTrue(load.ok.get() > 100, "load ran: " + load.ok.get());
            assertEquals(Map.of(), load.failures);
        }
    }

    @Test
    @Order(5)
    void theStoreDownAndBackServingGoesOnWritesAre503ThenBothCatchUp() throws Exception {
        try (Load load = new Load();
                Connection kept = DriverManager.getConnection(db.url())) {
            // The store goes away: no new connection, every open one cut (but the test's own).
            db.admin("ALTER DATABASE " + dbName() + " ALLOW_CONNECTIONS false");
            db.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + dbName()
                    + "' AND pid <> pg_backend_pid() AND application_name = 'gitinsight-gateway'");
            HttpResponse<String> write = post(node(1), document(List.of("/v1", "/down")), null);
            assertEquals(503, write.statusCode(), write.body());
            assertTrue(JSON.readTree(write.body()).get("message").asText().contains("configuration store"));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode health = JSON.readTree(get(node(2), "/_gateway/health").body());
                JsonNode store = null;
                for (JsonNode c : health.get("checks")) {
                    if (c.get("name").asText().equals("config-store")) {
                        store = c;
                    }
                }
                assertTrue(store != null && store.at("/data/degraded").asBoolean(), health.toString());
            });
            assertEquals(200, get(node(1), "/v1/x").statusCode(), "the last configuration keeps serving");
            // A version lands while the nodes cannot listen (another region's admin, say).
            String caughtUp = document(List.of("/v1", "/caught-up"));
            try (var s = kept.prepareStatement(
                    "UPDATE gateway_config SET version = version + 1, hash = ?, document = ? WHERE id = 1")) {
                s.setString(1, com.gitinsight.gateway.config.KongConfigParser.hash(caughtUp));
                s.setString(2, caughtUp);
                s.executeUpdate();
            }
            db.admin("ALTER DATABASE " + dbName() + " ALLOW_CONNECTIONS true");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> get(node(1), "/caught-up/x").statusCode() == 200
                            && get(node(2), "/caught-up/x").statusCode() == 200);
            load.close();
            assertEquals(Map.of(), load.failures);
        }
    }

    @Test
    @Order(6)
    void aRollbackFromTheHistoryReachesBothNodes() throws Exception {
        JsonNode history = JSON.readTree(get(node(1), "/_gateway/admin/history").body());
        long imported = history.get("data")
                .get(history.get("data").size() - 1)
                .get("number")
                .asLong();
        HttpRequest rollback = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node(2) + "/_gateway/admin/history/" + imported + "/rollback"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("If-Match", etag(node(2)))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> r = Http.CLIENT.send(rollback, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        await().atMost(Duration.ofSeconds(2))
                .until(() -> get(node(1), "/caught-up/x").statusCode() == 404
                        && get(node(2), "/caught-up/x").statusCode() == 404);
        assertEquals(200, get(node(1), "/v1/x").statusCode());
        JsonNode after = JSON.readTree(get(node(1), "/_gateway/admin/history").body());
        assertTrue(after.at("/data/0/change").asText().startsWith("rollback to version " + imported), after.toString());
    }

    @Test
    @Order(7)
    void aNodeStartingWhileTheStoreIsDownServesNothingUntilItIsBack() throws Exception {
        int port = ClusterIT.freeBlock(1);
        db.admin("ALTER DATABASE " + dbName() + " ALLOW_CONNECTIONS false");
        Process late = startNode(port, "late-node.log");
        try {
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        if (!late.isAlive()) {
                            throw new AssertionError(
                                    "the node exited: " + Files.readString(DIR.resolve("late-node.log")));
                        }
                        try {
                            return get(port, "/_gateway/health/live").statusCode() == 200;
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
            assertEquals(503, get(port, "/_gateway/health/ready").statusCode(), "not ready without a configuration");
            HttpResponse<String> refused = get(port, "/v1/x");
            assertEquals(503, refused.statusCode(), "never an empty configuration's 404");
            assertTrue(refused.body().contains("no configuration yet"), refused.body());
            // Its admin API answers what to do, never a 500 (helper review 121: the ETag of nothing).
            HttpResponse<String> admin = get(port, "/_gateway/admin/config");
            assertEquals(503, admin.statusCode(), admin.body());
            assertTrue(admin.body().contains("No configuration runs on this node"), admin.body());
            HttpResponse<String> write = post(port, document(List.of("/v1")), null);
            assertEquals(503, write.statusCode(), write.body());
            assertTrue(write.body().contains("unreachable"), write.body());
            db.admin("ALTER DATABASE " + dbName() + " ALLOW_CONNECTIONS true");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(port, "/_gateway/health/ready").statusCode() == 200);
            assertEquals(200, get(port, "/v1/x").statusCode());
        } finally {
            db.admin("ALTER DATABASE " + dbName() + " ALLOW_CONNECTIONS true");
            late.destroy();
            if (!late.waitFor(60, TimeUnit.SECONDS)) {
                late.destroyForcibly();
            }
        }
    }

    /** A third node started by scripts/run.sh on the store (no nginx in front). */
    static Process startNode(int port, String log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("scripts/run.sh")
                .redirectErrorStream(true)
                .redirectOutput(DIR.resolve(log).toFile());
        pb.environment().put("GATEWAY_PORT", Integer.toString(port));
        pb.environment()
                .put(
                        "GATEWAY_CONFIG",
                        DIR.resolve("gateway.yml").toAbsolutePath().toString());
        pb.environment().put("GATEWAY_CONFIG_STORE", db.url());
        pb.environment().put("GATEWAY_ADMIN_TOKEN", TOKEN);
        pb.environment().put("GATEWAY_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        return pb.start();
    }

    @Test
    @Order(8)
    void anInvalidNewestVersionKeepsNodesServingAndANewNodeRunsTheLastValidOne() throws Exception {
        String invalid = "_format_version: \"3.0\"\nservices:\n  - name: broken\n";
        try (Connection c = DriverManager.getConnection(db.url())) {
            c.setAutoCommit(false);
            long next;
            try (var s = c.createStatement();
                    var r = s.executeQuery("SELECT version FROM gateway_config FOR UPDATE")) {
                r.next();
                next = r.getLong(1) + 1;
            }
            try (var s = c.prepareStatement("UPDATE gateway_config SET version = ?, hash = 'broken', document = ?")) {
                s.setLong(1, next);
                s.setString(2, invalid);
                s.executeUpdate();
            }
            try (var s = c.prepareStatement("INSERT INTO gateway_config_history (version, hash, document, format,"
                    + " created_by, action) VALUES (?, 'broken', ?, 'yaml', 'psql', 'by hand')")) {
                s.setLong(1, next);
                s.setString(2, invalid);
                s.executeUpdate();
            }
            try (var s = c.createStatement()) {
                s.execute("SELECT pg_notify('gateway_config', '" + next + "')");
            }
            c.commit();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get(node(1), "/_gateway/health").body().contains("newest_version"));
        assertEquals(200, get(node(1), "/v1/x").statusCode(), "the running configuration is kept");
        int port = ClusterIT.freeBlock(1);
        Process late = startNode(port, "fallback-node.log");
        try {
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        if (!late.isAlive()) {
                            throw new AssertionError(
                                    "the node exited: " + Files.readString(DIR.resolve("fallback-node.log")));
                        }
                        try {
                            return get(port, "/_gateway/health/ready").statusCode() == 200;
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
            assertEquals(200, get(port, "/v1/x").statusCode(), "the newest valid version runs");
            assertTrue(get(port, "/_gateway/health").body().contains("is invalid"));
        } finally {
            late.destroy();
            if (!late.waitFor(60, TimeUnit.SECONDS)) {
                late.destroyForcibly();
            }
        }
    }
}
