package com.gitinsight.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream resilience end to end on Payara Micro: a target killed under load, the circuit breaker,
 * and the bulkhead keeping a slow service from hurting another.
 */
@ExtendWith(ArquillianExtension.class)
class ResilienceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Backends BACKENDS = new Backends();
    private static final Path CONFIG = Path.of(System.getProperty("gateway.it.dir", "target/it"), "gateway.yml");
    private static final HttpClient HTTP = Http.CLIENT;
    private static final AtomicInteger FLAKY_STATUS = new AtomicInteger(500);
    private static final AtomicInteger FLAKY_HITS = new AtomicInteger();
    private static int killable;

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        int steady = BACKENDS.restartableEcho("steady");
        killable = BACKENDS.restartableEcho("killable");
        int flaky = BACKENDS.controlled(FLAKY_STATUS, FLAKY_HITS);
        int echo = BACKENDS.echo("echo");
        int slow = BACKENDS.echo("slow");
        int hole = BACKENDS.blackHole();
        int retryEcho = BACKENDS.echo("retry");
        int hashA = BACKENDS.echo("hash-a");
        int hashB = BACKENDS.echo("hash-b");
        int dead1 = Backends.refusingPort();
        int dead2 = Backends.refusingPort();
        Files.createDirectories(CONFIG.getParent());
        Files.writeString(CONFIG, """
                _format_version: "3.0"
                upstreams:
                  - name: pair
                    healthchecks:
                      active:
                        http_path: /health
                        timeout: 1
                        healthy: {interval: 1, successes: 1}
                        unhealthy: {interval: 0.5, tcp_failures: 2}
                      passive:
                        fail_timeout: 3
                        unhealthy: {tcp_failures: 3, timeouts: 3}
                    targets: [{target: "127.0.0.1:%1$d"}, {target: "127.0.0.1:%2$d"}]
                  - name: stalls
                    targets: [{target: "127.0.0.1:%6$d"}, {target: "127.0.0.1:%7$d"}]
                  - name: sticky
                    algorithm: consistent-hashing
                    hash_on: cookie
                    hash_on_cookie: sticky
                    hash_on_cookie_path: /sticky
                    targets: [{target: "127.0.0.1:%10$d"}, {target: "127.0.0.1:%11$d"}]
                  - name: by-user
                    algorithm: consistent-hashing
                    hash_on: header
                    hash_on_header: X-User
                    hash_fallback: ip
                    targets: [{target: "127.0.0.1:%10$d"}, {target: "127.0.0.1:%11$d"}]
                  - name: gone
                    healthchecks:
                      passive: {fail_timeout: 30, unhealthy: {tcp_failures: 1}}
                    targets: [{target: "127.0.0.1:%8$d"}, {target: "127.0.0.1:%9$d"}]
                services:
                  - name: sticky
                    url: http://sticky
                    routes: [{name: sticky, paths: [/sticky]}]
                  - name: by-user
                    url: http://by-user
                    routes: [{name: by-user, paths: [/by-user]}]
                  - name: gone
                    url: http://gone
                    retries: 1
                    routes: [{name: gone, paths: [/gone]}]
                  - name: stalls
                    url: http://stalls
                    read_timeout: 500
                    retries: 1
                    routes: [{name: stalls, paths: [/stalls]}]
                  - name: pair
                    url: http://pair
                    retries: 2
                    connect_timeout: 1000
                    plugins:
                      # Failover is under test, not capacity: on a slow machine the requests in
                      # flight while the killed target is ejected outgrew the default bulkhead.
                      - name: bulkhead
                        config: {max_concurrent_requests: 5000}
                    routes: [{name: pair, paths: [/pair], strip_path: false}]
                  - name: flaky
                    url: http://127.0.0.1:%3$d
                    retries: 0
                    routes: [{name: flaky, paths: [/flaky]}]
                  - name: steady
                    url: http://127.0.0.1:%4$d
                    routes: [{name: steady, paths: [/steady]}]
                  - name: slow
                    url: http://127.0.0.1:%5$d
                    plugins:
                      - name: bulkhead
                        config: {max_concurrent_requests: 8}
                    routes: [{name: slow, paths: [/slow]}]
                  - name: fast
                    url: http://127.0.0.1:%4$d
                    routes: [{name: fast, paths: [/fast]}]
                plugins:
                  - name: circuit-breaker
                    config: {failure_threshold: 3, open_seconds: 2}
                """.formatted(
                        steady, killable, flaky, echo, slow, hole, retryEcho, dead1, dead2, hashA, hashB));
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("gateway.war")));
    }

    @AfterAll
    static void stopBackends() {
        BACKENDS.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + base.getPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTargetKilledUnderLoadCostsNoClientRequestAndIsReadmittedWhenBack() throws Exception {
        warmUp("/pair/warm-up");
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> inFlight = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long t0 = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(uri("/pair/item"))
                .timeout(Duration.ofSeconds(10))
                .build();
        // About 300 GETs per second for 20 s.
        pacer.scheduleAtFixedRate(
                () -> inFlight.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> {
                            if (e == null && r.statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms: "
                                        + (e != null ? e.toString() : r.statusCode() + " " + r.body()));
                            }
                        })),
                0,
                3333,
                TimeUnit.MICROSECONDS);
        try {
            await().pollDelay(Duration.ofSeconds(4)).until(() -> true);
            assertTrue(BACKENDS.hits.get("killable").get() > 100, "both targets serve before the kill");
            BACKENDS.kill(killable);
            await().pollDelay(Duration.ofSeconds(8)).until(() -> true);
            int before = BACKENDS.hits.get("killable").get();
            BACKENDS.revive(killable);
            long revived = System.nanoTime();
            // Re-admitted by a probe (every 0.5 s) or after the 3 s recovery interval.
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> BACKENDS.hits.get("killable").get() > before + 50);
            long readmittedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revived);
            assertTrue(readmittedMs <= 3000, "re-admitted after " + readmittedMs + " ms");
            await().pollDelay(Duration.ofSeconds(6)).until(() -> true);
        } finally {
            pacer.shutdownNow();
        }
        CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0]))
                .handle((r, e) -> null)
                .get(30, TimeUnit.SECONDS);
        assertEquals(
                0,
                failures.size(),
                failures.size() + " failed client requests, first: "
                        + failures.stream().limit(5).toList() + ", last: "
                        + failures.stream()
                                .skip(Math.max(0, failures.size() - 5))
                                .toList());
        assertTrue(ok.get() > 5000, "load too light: " + ok.get());
    }

    @Test
    void breakerOpensAfterThreeFailuresAnswersWithoutTheBackendThenHalfOpensAndCloses() throws Exception {
        FLAKY_STATUS.set(500);
        int start = FLAKY_HITS.get();
        for (int i = 0; i < 3; i++) {
            assertEquals(500, get("/flaky/x").statusCode());
        }
        assertEquals(start + 3, FLAKY_HITS.get());
        HttpResponse<String> open = get("/flaky/x");
        assertEquals(503, open.statusCode(), open.body());
        assertEquals(
                "The upstream service is unavailable (circuit breaker open)",
                JSON.readTree(open.body()).get("message").asText());
        long retryAfter =
                Long.parseLong(open.headers().firstValue("Retry-After").orElse("-1"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        assertEquals(start + 3, FLAKY_HITS.get(), "the backend is not contacted while open");
        assertEquals(200, get("/steady/x").statusCode(), "another service's breaker stays closed");

        FLAKY_STATUS.set(200);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> get("/flaky/x").statusCode() == 200);
        assertEquals(200, get("/flaky/x").statusCode(), "closed after the trial succeeded");
    }

    @Test
    void aSlowServiceDoesNotRaiseAnotherServicesP99BeyondTwice() throws Exception {
        warmUp("/fast/warm-up");
        long baseline = p99("/fast/x", Duration.ofSeconds(3));
        AtomicInteger rejected = new AtomicInteger();
        ScheduledExecutorService slowLoad = Executors.newSingleThreadScheduledExecutor();
        HttpRequest slow = HttpRequest.newBuilder(uri("/slow/sleep10"))
                .timeout(Duration.ofSeconds(30))
                .build();
        // 300 at once, then 50 a second: without the bulkhead they would hold all 200 request threads.
        for (int i = 0; i < 300; i++) {
            HTTP.sendAsync(slow, HttpResponse.BodyHandlers.discarding()).thenAccept(r -> {
                if (r.statusCode() == 503) {
                    rejected.incrementAndGet();
                }
            });
        }
        slowLoad.scheduleAtFixedRate(
                () -> HTTP.sendAsync(slow, HttpResponse.BodyHandlers.discarding()), 0, 20, TimeUnit.MILLISECONDS);
        try {
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
            long loaded = p99("/fast/x", Duration.ofSeconds(5));
            long allowed = 2 * Math.max(baseline, 10);
            assertTrue(loaded <= allowed, "p99 " + loaded + " ms under load vs " + baseline + " ms before");
            assertTrue(rejected.get() >= 250, "the bulkhead refused only " + rejected.get() + " of 300");
        } finally {
            slowLoad.shutdownNow();
        }
    }

    @Test
    void idempotentRequestsAreRetriedAfterATimeoutAndOthersNever() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(200, get("/stalls/get").statusCode(), "a GET that timed out is sent to the other target");
        }
        int before = BACKENDS.hits.get("retry").get();
        int ok = 0;
        int timedOut = 0;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(uri("/stalls/post"))
                            .POST(HttpRequest.BodyPublishers.ofString("order=1"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(504, r.statusCode(), r.body());
                timedOut++;
            }
        }
        assertEquals(2, timedOut, "round-robin sends every other POST to the stalled target");
        assertEquals(ok, BACKENDS.hits.get("retry").get() - before, "a timed-out POST is never sent again");
    }

    @Test
    void consistentHashingSticksToOneTargetPerKeyAndMakesTheCookieWhenMissing() throws Exception {
        HttpResponse<String> first = get("/sticky/x");
        String setCookie = first.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(setCookie.matches("sticky=[0-9a-f-]{36}; Path=/sticky; Same-Site=Lax; HttpOnly"), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String backend = backendOf(first);
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> again = HTTP.send(
                    HttpRequest.newBuilder(uri("/sticky/x"))
                            .header("Cookie", cookie)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(backend, backendOf(again), "the cookie keeps the client on its target");
            assertTrue(again.headers().firstValue("Set-Cookie").isEmpty(), "no new cookie once the client has one");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int user = 0; user < 20; user++) {
            String expected = null;
            for (int i = 0; i < 3; i++) {
                String b = backendOf(HTTP.send(
                        HttpRequest.newBuilder(uri("/by-user/x"))
                                .header("X-User", "user-" + user)
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
                assertTrue(expected == null || expected.equals(b), "user-" + user + " moved");
                expected = b;
            }
            seen.add(expected);
        }
        assertEquals(2, seen.size(), "20 users spread over both targets");
    }

    private static String backendOf(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return response.body()
                .lines()
                .filter(l -> l.startsWith("backend="))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void noHealthyTargetIs503WithRetryAfter() throws Exception {
        // As Kong's balancer: a refused try that another follows is a TCP failure; the last one is
        // reported by the client's 502, which the passive statuses do not list (helper review 242).
        assertEquals(502, get("/gone/x").statusCode(), "both targets refuse: the first is ejected");
        assertEquals(502, get("/gone/x").statusCode(), "the other is ejected before this request's retry");
        HttpResponse<String> none = get("/gone/x");
        assertEquals(503, none.statusCode(), none.body());
        assertEquals(
                "failure to get a peer from the ring-balancer",
                JSON.readTree(none.body()).get("message").asText());
        long retryAfter =
                Long.parseLong(none.headers().firstValue("Retry-After").orElse("-1"));
        assertTrue(retryAfter >= 28 && retryAfter <= 30, "Retry-After " + retryAfter);
        String status = get("/_gateway/status").body();
        assertEquals(
                "UNHEALTHY",
                JSON.readTree(status).at("/upstreams/gone/0/health").asText(),
                status);
        // MicroProfile Health: not ready while an upstream has no healthy target; still alive.
        HttpResponse<String> ready = get("/_gateway/health/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        assertEquals("DOWN", JSON.readTree(ready.body()).get("status").asText());
        boolean goneDown = false;
        for (var c : JSON.readTree(ready.body()).get("checks")) {
            goneDown |= c.get("name").asText().equals("upstream:gone")
                    && c.get("status").asText().equals("DOWN")
                    && c.get("data").get("healthy_targets").asInt() == 0;
        }
        assertTrue(goneDown, ready.body());
        assertEquals(200, get("/_gateway/health/live").statusCode());
    }

    @Test
    void everyKindOfResponseFreesItsBulkheadSlot() throws Exception {
        assertEquals(200, get("/steady/x").statusCode());
        assertEquals(
                200,
                HTTP.send(
                                HttpRequest.newBuilder(uri("/steady/x"))
                                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode());
        assertEquals(418, get("/steady/status/418").statusCode());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> JSON.readTree(get("/_gateway/status").body())
                                .at("/services/steady/in_flight")
                                .asInt()
                        == 0);
    }

    /** A freshly started JVM is slow for its first thousands of requests; measure a warm one. */
    private void warmUp(String path) throws Exception {
        for (int i = 0; i < 1500; i++) {
            assertEquals(200, get(path).statusCode());
        }
    }

    /** p99 in ms of sequential GETs from 4 clients for {@code duration}. */
    private long p99(String path, Duration duration) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        if (get(path).statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        assertEquals(0, errors.get(), "errors on " + path);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return sorted.get((int) Math.floor(sorted.size() * 0.99));
    }
}
