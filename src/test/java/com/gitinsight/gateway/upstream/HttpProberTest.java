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
            HealthCheckSpec.Active.UNHEALTHY_STATUSES,
            null);

    @Test
    void anEndlessAnswerIsJudgedByItsStatusWithoutReadingItToItsEnd() throws Exception {
        assertNull(probe(new EndlessAnswer(200)));
        assertEquals(Failure.HTTP, probe(new EndlessAnswer(500)));
    }

    @Test
    void anAnswerWhoseHeadCannotBeReadIsAFailedProbe() throws Exception {
        assertEquals(Failure.TCP, probe(EndlessAnswer.headerLine()));
    }

    @Test
    void aProbeIsOverAtTwiceItsTimeoutHoweverItsAnswerTrickles() throws Exception {
        assertEquals(Failure.TIMEOUT, probe(EndlessAnswer.drip()));
    }

    private static Failure probe(EndlessAnswer target) throws Exception {
        try (target;
                HttpProber prober = new HttpProber()) {
            Target t = new Target("127.0.0.1", target.port(), 100);
            return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> prober.probe(t, PROBE, null));
        }
    }
}
