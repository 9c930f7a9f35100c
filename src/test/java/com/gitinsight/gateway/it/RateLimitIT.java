package com.gitinsight.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.ratelimit.TestRedis;
import java.io.File;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Plugin rate-limiting end to end on Payara Micro, local and Redis policies. */
@ExtendWith(ArquillianExtension.class)
class RateLimitIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Backends BACKENDS = new Backends();
    private static final Path CONFIG = Path.of(System.getProperty("gateway.it.dir", "target/it"), "gateway.yml");
    private static int redisPort;

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        int echo = BACKENDS.echo("limited");
        int dead = Backends.freePort();
        try {
            redisPort = TestRedis.port();
        } catch (org.opentest4j.TestAbortedException e) {
            redisPort = -1;
        }
        Files.createDirectories(CONFIG.getParent());
        Files.writeString(CONFIG, """
                _format_version: "3.0"
                services:
                  - name: limited
                    url: http://127.0.0.1:%1$d
                    routes:
                      - name: by-ip
                        paths: [/by-ip]
                        plugins:
                          - name: rate-limiting
                            config: {hour: 5, day: 100, limit_by: ip}
                      - name: by-header
                        paths: [/by-header]
                        plugins:
                          - name: rate-limiting
                            config: {hour: 37, limit_by: header, header_name: X-Client, hide_client_headers: true}
                      - name: redis
                        paths: [/redis]
                        plugins:
                          - name: rate-limiting
                            config: {hour: 37, limit_by: header, header_name: X-Client, policy: redis,
                                     redis: {host: 127.0.0.1, port: %3$d}, fault_tolerant: false}
                      - name: rate
                        paths: [/rate]
                        plugins:
                          - name: request-rate
                            config: {rate: 1r/m, burst: 2, key: header, header_name: X-Client}
                      - name: redis-down-tolerant
                        paths: [/down-tolerant]
                        plugins:
                          - name: rate-limiting
                            config: {minute: 1, policy: redis, redis: {host: 127.0.0.1, port: %2$d, timeout: 500}}
                      - name: redis-down-strict
                        paths: [/down-strict]
                        plugins:
                          - name: rate-limiting
                            config: {minute: 1, policy: redis, redis: {host: 127.0.0.1, port: %2$d, timeout: 500},
                                     fault_tolerant: false}
                """.formatted(echo, dead, redisPort > 0 ? redisPort : dead));
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("gateway.war")));
    }

    @AfterAll
    static void stopBackends() {
        BACKENDS.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return Http.get("http://127.0.0.1:" + base.getPort() + path, headers);
    }

    @Test
    void kongHeadersThen429WithRetryAfterWithoutTheBackend() throws Exception {
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> r = get("/by-ip/x");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("5", r.headers().firstValue("X-RateLimit-Limit-Hour").orElse(null));
            assertEquals(
                    Integer.toString(5 - i),
                    r.headers().firstValue("X-RateLimit-Remaining-Hour").orElse(null));
            assertEquals("100", r.headers().firstValue("X-RateLimit-Limit-Day").orElse(null));
            assertEquals("5", r.headers().firstValue("RateLimit-Limit").orElse(null));
            assertEquals(
                    Integer.toString(5 - i),
                    r.headers().firstValue("RateLimit-Remaining").orElse(null));
            assertTrue(Long.parseLong(r.headers().firstValue("RateLimit-Reset").orElse("0")) >= 1);
        }
        int hits = BACKENDS.hits.get("limited").get();
        HttpResponse<String> limited = get("/by-ip/x");
        assertEquals(429, limited.statusCode());
        assertEquals(
                "API rate limit exceeded",
                JSON.readTree(limited.body()).get("message").asText());
        assertTrue(JSON.readTree(limited.body()).get("request_id").asText().matches("[0-9a-f]{32}"), limited.body());
        long retryAfter =
                Long.parseLong(limited.headers().firstValue("Retry-After").orElse("0"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
        assertEquals(
                "0", limited.headers().firstValue("X-RateLimit-Remaining-Hour").orElse(null));
        assertEquals(hits, BACKENDS.hits.get("limited").get(), "a limited request never reaches the backend");
    }

    /** 200 requests at once from 50 threads: exactly the limit passes (Kong over-admits here). */
    private int admittedAtOnce(String path, String client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(CompletableFuture.runAsync(
                    () -> {
                        try {
                            go.await();
                            int status = get(path, "X-Client", client).statusCode();
                            if (status == 200) {
                                ok.incrementAndGet();
                            } else if (status != 429) {
                                other.incrementAndGet();
                            }
                        } catch (Exception e) {
                            other.incrementAndGet();
                        }
                    },
                    pool));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(0, other.get(), "only 200 or 429");
        return ok.get();
    }

    @Test
    void localPolicyIsExactUnderConcurrency() throws Exception {
        assertEquals(37, admittedAtOnce("/by-header/x", UUID.randomUUID().toString()));
        assertTrue(
                get("/by-header/x", "X-Client", "someone")
                        .headers()
                        .firstValue("X-RateLimit-Limit-Hour")
                        .isEmpty(),
                "hide_client_headers");
    }

    @Test
    void redisPolicyIsExactUnderConcurrency() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(redisPort > 0, "no Redis");
        assertEquals(37, admittedAtOnce("/redis/x", UUID.randomUUID().toString()));
    }

    /**
     * Two nodes on one Redis: this gateway (Payara) and a second node in the test JVM (the same
     * counter code on its own connection pool) take 100 requests each at once for one client key;
     * together they admit exactly the limit.
     */
    @Test
    void twoNodesSharingOneRedisAdmitExactlyTheLimitInTotal() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(redisPort > 0, "no Redis");
        String client = UUID.randomUUID().toString();
        var limits = java.util.List.of(new com.gitinsight.gateway.ratelimit.RateLimitingSchema.Limit(
                com.gitinsight.gateway.ratelimit.Period.HOUR, 37));
        AtomicInteger secondNode = new AtomicInteger();
        try (var node2 = com.gitinsight.gateway.ratelimit.TestRedis.counters(redisPort)) {
            ExecutorService pool = Executors.newFixedThreadPool(20);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                all.add(CompletableFuture.runAsync(
                        () -> {
                            try {
                                go.await();
                                // The key of route redis's plugin instance (Kong's: the instance, then the
                                // identifier; a header's value by its SHA-256).
                                if (node2.admit(
                                        "route:redis|HEADER|sha256:"
                                                + com.google.common.hash.Hashing.sha256()
                                                        .hashString(client, java.nio.charset.StandardCharsets.UTF_8),
                                        limits)) {
                                    secondNode.incrementAndGet();
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        pool));
            }
            int gateway = admittedWith(go, "/redis/x", client, 100);
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
            pool.shutdown();
            assertEquals(37, gateway + secondNode.get(), "gateway " + gateway + " + second node " + secondNode.get());
        }
    }

    /** {@code n} requests released by {@code go} (counted down here, once all are queued). */
    private int admittedWith(CountDownLatch go, String path, String client, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        AtomicInteger ok = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(CompletableFuture.runAsync(
                    () -> {
                        try {
                            go.await();
                            if (get(path, "X-Client", client).statusCode() == 200) {
                                ok.incrementAndGet();
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    pool));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        pool.shutdown();
        return ok.get();
    }

    @Test
    void requestRateLetsABurstThroughThenAnswers429WithRetryAfter() throws Exception {
        String client = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/rate/x", "X-Client", client).statusCode(), "1 + burst 2");
        }
        HttpResponse<String> limited = get("/rate/x", "X-Client", client);
        assertEquals(429, limited.statusCode());
        long retryAfter =
                Long.parseLong(limited.headers().firstValue("Retry-After").orElse("0"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals(200, get("/rate/x", "X-Client", "another").statusCode(), "per key");
    }

    @Test
    void redisDownFaultTolerantLetsRequestsThroughOtherwiseKongs500() throws Exception {
        long before = JSON.readTree(get("/_gateway/status").body())
                .get("rate_limiting")
                .get("allowed_while_store_down")
                .asLong();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/down-tolerant/x").statusCode(), "fault_tolerant: allow");
        }
        assertEquals(
                before + 3,
                JSON.readTree(get("/_gateway/status").body())
                        .get("rate_limiting")
                        .get("allowed_while_store_down")
                        .asLong(),
                "each unchecked pass is counted");
        HttpResponse<String> strict = get("/down-strict/x");
        // Kong's 04-access_spec "does not work if an error occurs": 500, the handler's error.
        assertEquals(500, strict.statusCode());
        assertEquals(
                "An unexpected error occurred",
                JSON.readTree(strict.body()).get("message").asText());
    }
}
