package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
            HealthCheckSpec.Active.UNHEALTHY_STATUSES);

    @Test
    void anEndlessAnswerIsJudgedByItsStatusWithoutReadingItToItsEnd() throws Exception {
        try (HttpProber prober = new HttpProber()) {
            try (EndlessAnswer healthy = new EndlessAnswer(200)) {
                Target target = new Target("127.0.0.1", healthy.port(), 100);
                assertNull(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> prober.probe(target, PROBE)));
            }
            try (EndlessAnswer endlessHead = EndlessAnswer.headerLine()) {
                Target target = new Target("127.0.0.1", endlessHead.port(), 100);
                assertEquals(
                        Failure.TCP,
                        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> prober.probe(target, PROBE)),
                        "an answer whose head cannot be read is a failed probe");
            }
            try (EndlessAnswer dripping = EndlessAnswer.drip()) {
                Target target = new Target("127.0.0.1", dripping.port(), 100);
                assertEquals(
                        Failure.TIMEOUT,
                        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> prober.probe(target, PROBE)),
                        "a probe is over at twice its timeout, however its answer trickles");
            }
            try (EndlessAnswer failing = new EndlessAnswer(500)) {
                Target target = new Target("127.0.0.1", failing.port(), 100);
                assertEquals(
                        Failure.HTTP,
                        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> prober.probe(target, PROBE)));
            }
        }
    }
}
