package com.gitinsight.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.messaging.TestBroker;
import com.gitinsight.gateway.ratelimit.TestRedis;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Payara Micro nodes behind nginx, started by {@code scripts/cluster.sh} itself, sharing one
 * declarative file, Redis and the event broker: limits exact across nodes, an event evicts on both,
 * an admin change on one reaches the other, and a node killed under load loses no request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    static final Backends BACKENDS = new Backends();
    static final String TOKEN = "cluster-admin-token-0123456789abcdef";
    static final String EXCHANGE =
            "test.cluster." + UUID.randomUUID().toString().substring(0, 8);
    static final Path DIR =
            Path.of(System.getProperty("gateway.it.dir", "target/it")).resolveSibling("it-cluster");
    static Process cluster;
    static int front;
    static String brokerUrl;

    @BeforeAll
    static void start() throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginx)) {
            String message = "\n*** CLUSTER TEST SKIPPED: nginx is not installed (apt-get install nginx-light) ***\n";
            System.err.println(message);
            Assumptions.abort(message);
        }
        int echo = BACKENDS.echo("cluster");
        int redis = TestRedis.port();
        brokerUrl = TestBroker.url(TestBroker.port());
        front = freeBlock(3);
        Files.createDirectories(DIR);
        Path config = DIR.resolve("gateway.yml");
        Files.writeString(config, """
                _format_version: "3.0"
                services:
                  - name: echo
                    url: http://127.0.0.1:%1$d
                    routes:
                      - name: limited
                        paths: [/limited]
                        plugins:
                          - name: rate-limiting
                            config: {hour: 10, limit_by: header, header_name: X-Client, policy: redis,
                                     redis: {host: 127.0.0.1, port: %2$d}, fault_tolerant: false}
                      - name: cached
                        paths: [/repos]
                        strip_path: false
                        plugins: [{name: proxy-cache, config: {content_type: ['text/plain; charset=utf-8']}}]
                      - {name: plain, paths: [/plain]}
                plugins:
                  - name: cache-eviction
                    config:
                      broker_url: "%3$s"
                      bindings: [{exchange: %4$s, routing_key: "analysis.completed.*"}]
                      rules: [{event_type: analysis_completed, evict: ["/repos/{repository_id}/**"]}]
                """.formatted(echo, redis, brokerUrl, EXCHANGE));
        Files.deleteIfExists(DIR.resolve("ready"));
        ProcessBuilder pb = new ProcessBuilder("scripts/cluster.sh", "--nodes", "2")
                .redirectErrorStream(true)
                .redirectOutput(DIR.resolve("cluster.log").toFile());
        pb.environment().put("CLUSTER_PORT", Integer.toString(front));
        pb.environment().put("CLUSTER_DIR", DIR.toAbsolutePath().toString());
        pb.environment().put("GATEWAY_CONFIG", config.toAbsolutePath().toString());
        pb.environment().put("GATEWAY_ADMIN_TOKEN", TOKEN);
        pb.environment().put("GATEWAY_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -Dgateway.config.poll-interval-ms=200");
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
    }

    /** {@code n} consecutive free ports; returns the first. */
    static int freeBlock(int n) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20000, 40000);
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                try (ServerSocket s = new ServerSocket(p)) {
                    s.setReuseAddress(true);
                } catch (java.io.IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + n + " free ports");
    }

    static HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        return Http.get("http://127.0.0.1:" + port + path, headers);
    }

    static int node(int i) {
        return front + i;
    }

    static String cacheStatus(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache-Status").orElse(null);
    }

    @Test
    @Order(1)
    void rateLimitsAreExactAcrossNodes() throws Exception {
        String client = UUID.randomUUID().toString();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, get(node(1), "/limited", "X-Client", client).statusCode());
            assertEquals(200, get(node(2), "/limited", "X-Client", client).statusCode());
        }
        assertEquals(429, get(node(1), "/limited", "X-Client", client).statusCode(), "the 11th of 10, whichever node");
        assertEquals(429, get(node(2), "/limited", "X-Client", client).statusCode());
    }

    @Test
    @Order(2)
    void anEventEvictsOnBothNodes() throws Exception {
        for (int n = 1; n <= 2; n++) {
            int port = node(n);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(port, "/_gateway/health/ready")
                            .body()
                            .contains("\"name\":\"eviction-events\",\"status\":\"UP\",\"data\":{\"connected\":true"));
            get(port, "/repos/42/summary");
            assertEquals("Hit", cacheStatus(get(port, "/repos/42/summary")), "node " + n);
        }
        AnalysisEvents.completed(brokerUrl, EXCHANGE, "42");
        for (int n = 1; n <= 2; n++) {
            int port = node(n);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "Miss".equals(cacheStatus(get(port, "/repos/42/summary"))));
        }
    }

    @Test
    @Order(3)
    void aChangeThroughOneNodesAdminApiReachesTheOtherThroughTheSharedFile() throws Exception {
        assertEquals(404, get(node(2), "/elsewhere").statusCode());
        HttpResponse<String> patched = Http.CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node(1) + "/_gateway/admin/routes/plain"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .method(
                                "PATCH",
                                HttpRequest.BodyPublishers.ofString("{\"paths\": [\"/plain\", \"/elsewhere\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals(200, get(node(1), "/elsewhere").statusCode());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get(node(2), "/elsewhere").statusCode() == 200);
    }

    @Test
    @Order(4)
    void aNodeKilledUnderLoadLosesNoRequestBehindNginx() throws Exception {
        AdminIT.Load load = new AdminIT.Load("http://127.0.0.1:" + front + "/plain/x", 4);
        try (load) {
            load.runFor(Duration.ofSeconds(3));
            long nodePid =
                    Long.parseLong(Files.readString(DIR.resolve("node-2.pid")).trim());
            ProcessHandle.of(nodePid).orElseThrow().descendants().forEach(ProcessHandle::destroyForcibly);
            load.runFor(Duration.ofSeconds(5));
            long[] after = load.cut();
            System.out.printf(
                    "node 2 killed under load: %d requests through nginx, %d failed%n", after[0], load.failures.get());
            assertTrue(after[0] > 100, "the load ran");
        }
        assertEquals(0, load.failures.get(), "failed requests: " + load.firstFailure.get());
        assertEquals(200, get(node(1), "/plain/x").statusCode(), "node 1 still serves");
    }
}
