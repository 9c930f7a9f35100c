package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.gitinsight.gateway.config.HealthCheckSpec;
import com.gitinsight.gateway.testing.EndlessAnswer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kong's HTTP probe against a target that answers its probe without end. */
class HttpProberTest {

    private static final HealthCheckSpec.Active PROBE = new HealthCheckSpec.Active(
            HealthCheckSpec.ProbeType.HTTP,
            "/status",
            2000,
            1,
            Map.of(),
            true,
            1000,
            1,
            HealthCheckSpec.Active.HEALTHY_STATUSES,
            1000,
            1,
            1,
            1,
            HealthCheckSpec.Active.UNHEALTHY_STATUSES,
            null);

    @Test
    void anEndlessAnswerIsJudgedByItsStatusWithoutReadingItToItsEnd() throws Exception {
        assertEquals(ProbeResult.HEALTHY, probe(new EndlessAnswer(200)));
        assertEquals(ProbeResult.failed(Failure.HTTP), probe(new EndlessAnswer(500)));
    }

    @Test
    void anAnswerWhoseHeadCannotBeReadIsAFailedProbe() throws Exception {
        assertEquals(ProbeResult.failed(Failure.TCP), probe(EndlessAnswer.headerLine()));
    }

    @Test
    void aProbeIsOverAtTwiceItsTimeoutHoweverItsAnswerTrickles() throws Exception {
        assertEquals(ProbeResult.failed(Failure.TIMEOUT), probe(EndlessAnswer.drip()));
    }

    /**
     * lua-resty-healthcheck's report_http_status: the healthy list first, then the unhealthy one; a
     * status in neither counts as nothing (helper review 239: a 204 health endpoint was a failure).
     */
    @Test
    void aStatusInNeitherListCountsAsNothingAsInKong() throws Exception {
        assertEquals(ProbeResult.UNLISTED, probeAnswering(204));
        assertEquals(ProbeResult.UNLISTED, probeAnswering(401));
        assertEquals(ProbeResult.UNLISTED, probeAnswering(301));
        assertEquals(ProbeResult.failed(Failure.HTTP), probeAnswering(404));
        assertEquals(ProbeResult.failed(Failure.HTTP), probeAnswering(503));
        assertEquals(ProbeResult.HEALTHY, probeAnswering(302));
        assertEquals(ProbeResult.HEALTHY, probeAnswering(200));
    }

    private static ProbeResult probeAnswering(int status) throws Exception {
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Location", "http://127.0.0.1:1/elsewhere");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try (HttpProber prober = new HttpProber()) {
            Target t = new Target("127.0.0.1", server.getAddress().getPort(), 100);
            return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> prober.probe(t, PROBE, null));
        } finally {
            server.stop(0);
        }
    }

    private static ProbeResult probe(EndlessAnswer target) throws Exception {
        try (target;
                HttpProber prober = new HttpProber()) {
            Target t = new Target("127.0.0.1", target.port(), 100);
            return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> prober.probe(t, PROBE, null));
        }
    }
}
