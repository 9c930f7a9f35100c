package com.gitinsight.gateway.logging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.DeafEndpoint;
import com.gitinsight.gateway.testing.EndlessAnswer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** http-log's queue and sender against a real endpoint: down at first, then up; what it is sent. */
class HttpLogQueuesTest {

    /** The configuration the calls come from (no reload in these tests unless one says so). */
    private static final com.gitinsight.gateway.runtime.GatewaySnapshot LOADED =
            com.gitinsight.gateway.runtime.TestSnapshots.of("_format_version: \"3.0\"\n");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpLogQueues queues = new HttpLogQueues();
    private HttpServer server;

    @AfterEach
    void stop() {
        queues.stop();
        if (server != null) {
            server.stop(0);
        }
    }

    private static HttpLogSchema.Config config(String yaml) throws ConfigException {
        return (HttpLogSchema.Config) new KongConfigParser(PluginRegistry.builtIn())
                .parse("kong.yml", "_format_version: \"3.0\"\nplugins:\n  - name: http-log\n    config: " + yaml + "\n")
                .plugins()
                .get(0)
                .config();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anEndpointsEndlessAnswerIsNotReadToItsEnd() throws Exception {
        for (int status : new int[] {200, 500}) {
            try (EndlessAnswer endless = new EndlessAnswer(status);
                    HttpLogSender sender = new HttpLogSender(
                            config("{http_endpoint: 'http://127.0.0.1:" + endless.port() + "/logs', timeout: 2000}"))) {
                List<LogEntry> batch = List.of(LogEntry.raw("{}".getBytes(StandardCharsets.UTF_8)));
                if (status == 200) {
                    assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> sender.send(batch)));
                } else {
                    IOException e = assertThrows(
                            IOException.class,
                            () -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> sender.send(batch)));
                    assertEquals(
                            "request to 127.0.0.1:" + endless.port() + " returned status code 500", e.getMessage());
                }
            }
        }
    }

    @Test
    void anEndpointThatNeverReadsWhatItIsSentIsLeftAtTheDeadline() throws Exception {
        try (DeafEndpoint deaf = new DeafEndpoint();
                HttpLogSender sender = new HttpLogSender(
                        config("{http_endpoint: 'http://127.0.0.1:" + deaf.port() + "/logs', timeout: 300}"))) {
            byte[] large = ("\"" + "x".repeat(64 << 20) + "\"").getBytes(StandardCharsets.UTF_8);
            List<LogEntry> batch = List.of(LogEntry.raw(large));
            assertThrows(
                    IOException.class,
                    () -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> sender.send(batch)));
        }
    }

    @Test
    void anEndpointWhoseHostHasAnUnderscoreIsCalledByThatName() throws Exception {
        // The name does not resolve here; what matters is that HttpClient was asked for it.
        HttpLogSchema.Config config =
                config("{http_endpoint: 'http://no_such_host_zz.invalid:9/logs'," + " queue: {max_retry_time: 0}}");
        queues.offer(config, LogEntry.raw("{}".getBytes(StandardCharsets.UTF_8)), LOADED);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> queues.status().get(0).failedSends() >= 1);
        assertEquals(
                "failed request to no_such_host_zz.invalid:9: host not found",
                queues.status().get(0).lastError());
    }

    @Test
    void customFieldsReachTheEndpoint() throws Exception {
        // Kong's http-log spec "logs custom values": new_field = "return 123", route = "return nil".
        int port = freePort();
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/logs", ex -> {
            try (ex) {
                received.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        HttpLogSchema.Config config = config("{http_endpoint: 'http://127.0.0.1:" + port + "/logs',"
                + " custom_fields_by_lua: {new_field: \"return 123\", route: \"return nil\"}}");
        // As HttpLogFilter hands it over: the instance's fields applied (written on the queue's thread).
        queues.offer(
                config,
                config.customFields()
                        .applyTo(LogEntry.raw("{\"route\":{\"name\":\"r\"},\"client_ip\":\"127.0.0.1\"}"
                                .getBytes(StandardCharsets.UTF_8))),
                LOADED);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertEquals(123, received.get(0).get("new_field").asInt());
        assertEquals(null, received.get(0).get("route"));
        assertEquals("127.0.0.1", received.get(0).get("client_ip").asText());
    }

    @Test
    void recordsWaitWhileTheEndpointIsDownAndArriveOnceItIsUp() throws Exception {
        int port = freePort();
        HttpLogSchema.Config config = config("{http_endpoint: 'http://user:pass@127.0.0.1:" + port
                + "/logs', headers: {X-Key: k1}, queue: {max_batch_size: 10, max_coalescing_delay: 0.05,"
                + " initial_retry_delay: 0.05, max_retry_delay: 0.2}}");
        for (int i = 0; i < 5; i++) {
            queues.offer(config, LogEntry.raw(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)), LOADED);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> queues.status().get(0).failedSends() >= 2);
        assertTrue(queues.status().get(0).lastError().startsWith("failed request to 127.0.0.1:" + port));
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        List<String> headers = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/logs", ex -> {
            try (ex) {
                JsonNode batch = JSON.readTree(ex.getRequestBody().readAllBytes());
                batch.forEach(received::add);
                headers.add(ex.getRequestHeaders().getFirst("Authorization") + "|"
                        + ex.getRequestHeaders().getFirst("X-Key") + "|"
                        + ex.getRequestHeaders().getFirst("Content-Type"));
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 5);
        assertEquals(0, received.get(0).get("n").asInt());
        assertEquals("Basic dXNlcjpwYXNz|k1|application/json", headers.get(0));
        assertEquals(0, queues.status().get(0).lost());
        // Cleared once the sender has read the endpoint's answer, a moment after the endpoint saw the batch.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> queues.status().get(0).lastError() == null);
        assertEquals("http://127.0.0.1:" + port, queues.status().get(0).endpoint(), "no user info, no path");
    }

    // An endpoint named by an IPv6 literal (a collector on a v6-only network): sent there with its
    // user info as Basic authorization, and named with its brackets when a send fails.
    @Test
    void anEndpointNamedByAnIpv6LiteralIsSentToAndNamedWithItsBrackets() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.net.NetworkInterface.getByInetAddress(v6) != null, "this machine has no IPv6 loopback");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, v6)) {
            port = s.getLocalPort();
        }
        HttpLogSchema.Config config = config("{http_endpoint: 'http://user:pass@[::1]:" + port
                + "/logs', queue: {max_batch_size: 10, max_coalescing_delay: 0.05,"
                + " initial_retry_delay: 0.05, max_retry_delay: 0.2}}");
        assertEquals("http://[::1]:" + port + "/logs", config.endpoint().toString());
        queues.offer(config, LogEntry.raw("{\"n\":0}".getBytes(StandardCharsets.UTF_8)), LOADED);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> queues.status().get(0).failedSends() >= 1);
        assertTrue(
                queues.status().get(0).lastError().startsWith("failed request to [::1]:" + port + ": "),
                queues.status().get(0).lastError());
        List<String> seen = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress(v6, port), 16);
        server.createContext("/logs", ex -> {
            try (ex) {
                seen.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "|"
                        + ex.getRequestHeaders().getFirst("Authorization") + "|"
                        + ex.getRequestHeaders().getFirst("Host"));
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        assertEquals("[{\"n\":0}]|Basic dXNlcjpwYXNz|[::1]:" + port, seen.get(0));
        assertEquals("http://[::1]:" + port, queues.status().get(0).endpoint());
    }

    @Test
    void aCoalescingDelayOfZeroSendsEachRecordInAnArrayOfItsOwn() throws Exception {
        // Kong's queue takes a second entry only with 0.05 s of max_coalescing_delay left; http-log's
        // send_entries still writes an array when max_batch_size is not 1. Records that wait while
        // the endpoint answers the first are sent one per request all the same.
        int port = freePort();
        List<String> bodies = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch queued = new java.util.concurrent.CountDownLatch(1);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/logs", ex -> {
            try (ex) {
                bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                queued.await(5, java.util.concurrent.TimeUnit.SECONDS); // the rest queue meanwhile
                ex.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        HttpLogSchema.Config config = config("{http_endpoint: 'http://127.0.0.1:" + port
                + "/logs', queue: {max_batch_size: 10, max_coalescing_delay: 0}}");
        for (int i = 0; i < 5; i++) {
            queues.offer(config, LogEntry.raw(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)), LOADED);
        }
        queued.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 5);
        assertEquals(List.of("[{\"n\":0}]", "[{\"n\":1}]", "[{\"n\":2}]", "[{\"n\":3}]", "[{\"n\":4}]"), bodies);
    }

    /** A configuration with one http-log instance to port {@code port}, header X-Key: {@code key}. */
    private static GatewaySnapshot withHttpLog(int port, String key) {
        return TestSnapshots.of("_format_version: \"3.0\"\nplugins:\n  - name: http-log\n    config: "
                + "{http_endpoint: 'http://127.0.0.1:" + port + "/logs', headers: {X-Key: " + key + "},"
                + " queue: {max_batch_size: 10, max_coalescing_delay: 0.05, initial_retry_delay: 0.05,"
                + " max_retry_delay: 0.2}}\n");
    }

    /** Starts the endpoint on {@code port}; the "n" of each record it is sent, as they come. */
    private List<Integer> collectNumbers(int port) throws IOException {
        List<Integer> received = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/logs", ex -> {
            try (ex) {
                JSON.readTree(ex.getRequestBody().readAllBytes())
                        .forEach(n -> received.add(n.get("n").asInt()));
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return received;
    }

    // Helper review 305, attacker review 307: a reload that changes the instance (its headers) while
    // the endpoint is down: the retired queue goes on retrying and delivers once the endpoint is up,
    // and a request of the older configuration that ends meanwhile joins it (no queue made for it).
    @Test
    void aRetiredQueueDeliversWhatWaitsOnceTheEndpointIsUpAndTakesLateRecords() throws Exception {
        int port = freePort();
        GatewaySnapshot old = withHttpLog(port, "k1");
        HttpLogSchema.Config before =
                (HttpLogSchema.Config) old.config().plugins().get(0).config();
        for (int i = 0; i < 3; i++) {
            queues.offer(before, LogEntry.raw(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)), old);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> queues.status().get(0).failedSends() >= 1);
        GatewaySnapshot next = withHttpLog(port, "k2");
        queues.retire(next);
        assertEquals(0, queues.status().size(), "retired: out of health");
        queues.offer(before, LogEntry.raw("{\"n\":3}".getBytes(StandardCharsets.UTF_8)), old);
        assertEquals(0, queues.status().size(), "no queue made for it");
        assertTrue(queues.retiringWaiting() >= 1, "the late record joined the retired queue");
        List<Integer> received = collectNumbers(port);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 4);
        assertEquals(List.of(0, 1, 2, 3), received.stream().sorted().toList());
    }

    // Attacker review 308: a request of the older configuration that ends between the reload's
    // record of the newest configuration and its retirement of the queue found the queue, retired it
    // itself with one try per batch, and the waiting entries were lost.
    @Test
    void aRequestEndingDuringTheReloadLeavesTheQueuesRetirementToTheReload() throws Exception {
        int port = freePort();
        GatewaySnapshot old = withHttpLog(port, "k1");
        HttpLogSchema.Config before =
                (HttpLogSchema.Config) old.config().plugins().get(0).config();
        queues.offer(before, LogEntry.raw("{\"n\":0}".getBytes(StandardCharsets.UTF_8)), old);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> queues.status().get(0).failedSends() >= 1);
        java.util.Set<String> live = queues.newest(withHttpLog(port, "k2"));
        queues.offer(before, LogEntry.raw("{\"n\":1}".getBytes(StandardCharsets.UTF_8)), old);
        queues.retireUnused(live);
        List<Integer> received = collectNumbers(port);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
    }

    // Attacker review 99: a request that outlived its configuration (a long stream across a reload)
    // brought the retired queue back, and it stayed, sending to the old endpoint, until the next reload.
    @Test
    void aQueueARequestOfAReplacedConfigurationBringsBackIsRetiredAgainAtOnce() throws Exception {
        GatewaySnapshot old = TestSnapshots.of(
                "_format_version: \"3.0\"\nplugins:\n  - name: http-log\n    config: {http_endpoint: 'http://127.0.0.1:9/old'}\n");
        GatewaySnapshot next = TestSnapshots.of("_format_version: \"3.0\"\n");
        HttpLogSchema.Config retired =
                (HttpLogSchema.Config) old.config().plugins().get(0).config();
        queues.retire(next);
        queues.offer(retired, LogEntry.raw("{}".getBytes(StandardCharsets.UTF_8)), old);
        assertEquals(0, queues.status().size(), "not kept");
        // A request of the newest configuration (before its reload event arrived) keeps its queue.
        HttpLogSchema.Config fresh = config("{http_endpoint: 'http://127.0.0.1:9/new'}");
        queues.offer(
                fresh,
                LogEntry.raw("{}".getBytes(StandardCharsets.UTF_8)),
                com.gitinsight.gateway.runtime.TestSnapshots.of("_format_version: \"3.0\"\n"));
        assertEquals(1, queues.status().size());
    }
}
