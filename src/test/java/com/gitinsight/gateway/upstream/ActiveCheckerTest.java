package com.gitinsight.gateway.upstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Active probes against real HTTP servers on free loopback ports. */
class ActiveCheckerTest {

    private final UpstreamServices services = new UpstreamServices(
            new UpstreamServices.Settings(List.of(), Duration.ofSeconds(1), 1, 1, 1, 2), new TargetRegistry());
    private Upstreams upstreams;
    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger probes = new AtomicInteger();

    @AfterEach
    void stop() {
        if (upstreams != null) {
            upstreams.close();
        }
        services.close();
        if (server != null) {
            server.stop(0);
        }
    }

    private int serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/health", ex -> {
            probes.incrementAndGet();
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Test
    void probesTakeAFailingTargetOutAndBringItBack() throws Exception {
        int port = serve();
        GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", """
                _format_version: "3.0"
                upstreams:
                  - name: api
                    healthchecks:
                      active:
                        http_path: /health
                        timeout: 1
                        healthy: {interval: 0.1, successes: 2}
                        unhealthy: {interval: 0.1, http_failures: 2, tcp_failures: 2}
                    targets: [{target: "127.0.0.1:%d"}]
                services:
                  - {name: api, url: "http://api"}
                """.formatted(port));
        upstreams = Upstreams.build(config, services.registry(), null);
        upstreams.start(services);
        Target target = upstreams.forService("api").targets().get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= 3);
        assertEquals(TargetHealth.State.HEALTHY, target.health().state());

        status.set(500);
        await().atMost(Duration.ofSeconds(5)).until(() -> target.health().state() == TargetHealth.State.UNHEALTHY);
        status.set(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> target.health().state() == TargetHealth.State.HEALTHY);

        server.stop(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> target.health().state() == TargetHealth.State.UNHEALTHY);
        assertTrue(
                target.health().status(100).reason().contains("TCP failures"),
                target.health().status(100).reason());
    }

    @Test
    void closingStopsTheProbes() throws Exception {
        int port = serve();
        GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", """
                _format_version: "3.0"
                upstreams:
                  - name: api
                    healthchecks:
                      active: {http_path: /health, healthy: {interval: 0.05}}
                    targets: [{target: "127.0.0.1:%d"}]
                services:
                  - {name: api, url: "http://api"}
                """.formatted(port));
        upstreams = Upstreams.build(config, services.registry(), null);
        upstreams.start(services);
        await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= 2);
        upstreams.close();
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        int after = probes.get();
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertEquals(after, probes.get(), "no probe after close");
    }

    /**
     * Helper review 239: a probe answer in neither status list (a 204 health endpoint, a 401) was a
     * failure, so a file that works on Kong took every target out; lua-resty-healthcheck counts it
     * as nothing: a target in rotation stays, and one taken out is not brought back by it either.
     */
    @Test
    void aProbeAnswerInNeitherListCountsAsNothing() throws Exception {
        status.set(204);
        int port = serve();
        GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", """
                _format_version: "3.0"
                upstreams:
                  - name: api
                    healthchecks:
                      active:
                        http_path: /health
                        healthy: {interval: 0.05, successes: 1}
                        unhealthy: {interval: 0.05, http_failures: 1}
                    targets: [{target: "127.0.0.1:%d"}]
                services:
                  - {name: api, url: "http://api"}
                """.formatted(port));
        upstreams = Upstreams.build(config, services.registry(), null);
        upstreams.start(services);
        Target target = upstreams.forService("api").targets().get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= 5);
        assertEquals(TargetHealth.State.HEALTHY, target.health().state(), "a 204 probe answer ejects nothing");

        status.set(500);
        await().atMost(Duration.ofSeconds(5)).until(() -> target.health().state() == TargetHealth.State.UNHEALTHY);
        status.set(401);
        int seen = probes.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= seen + 5);
        assertEquals(TargetHealth.State.UNHEALTHY, target.health().state(), "nor does a 401 bring a target back");
    }
}
