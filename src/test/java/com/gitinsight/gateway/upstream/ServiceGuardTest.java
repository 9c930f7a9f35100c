package com.gitinsight.gateway.upstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceGuardTest {

    private static final CircuitBreakerSchema.Config THREE_FAILURES =
            new CircuitBreakerSchema.Config(3, 300, 1, Set.of(500, 502, 503, 504));

    private static void fail(ServiceGuard g) {
        assertNull(g.admit());
        g.record(true, 1_000);
        g.leave();
    }

    private static void succeed(ServiceGuard g) {
        assertNull(g.admit());
        g.record(false, 1_000);
        g.leave();
    }

    @Test
    void opensAfterExactlyTheConfiguredConsecutiveFailures() {
        ServiceGuard g = new ServiceGuard("a", THREE_FAILURES, 10);
        fail(g);
        fail(g);
        succeed(g);
        fail(g);
        fail(g);
        assertEquals("CLOSED", g.status().breakerState(), "a success in between: not 3 consecutive");
        fail(g);
        assertEquals("OPEN", g.status().breakerState());
        assertEquals(ServiceGuard.Refusal.OPEN, g.admit());
        assertEquals(1, g.retryAfterSeconds());
    }

    @Test
    void aRateBreakerIgnoresAFewFailuresAmongSuccessesAndOpensOnAMajority() {
        CircuitBreakerSchema.Config rate =
                new CircuitBreakerSchema.Config(3, 30_000, 1, Set.of(500), CircuitBreakerSchema.Mode.RATE, 50, 20, 60);
        ServiceGuard few = new ServiceGuard("a", rate, 10);
        for (int i = 0; i < 19; i++) {
            fail(few);
        }
        assertEquals("CLOSED", few.status().breakerState(), "fewer calls than minimum_calls: no verdict yet");
        ServiceGuard g = new ServiceGuard("b", rate, 10);
        for (int i = 0; i < 30; i++) {
            succeed(g);
            succeed(g);
            fail(g);
        }
        assertEquals("CLOSED", g.status().breakerState(), "an attacker's 500s among others' successes");
        int failures = 0;
        while (failures < 100 && g.admit() == null) {
            g.record(true, 1_000);
            g.leave();
            failures++;
        }
        assertEquals("OPEN", g.status().breakerState(), "most calls of the window failed");
        assertEquals(30, failures, "open once failures reach 50% of the 90 + n calls: 30 + n >= (90 + n) / 2");
    }

    @Test
    void halfOpensAfterTheOpenTimeThenClosesOnSuccessOrReopensOnFailure() {
        ServiceGuard g = new ServiceGuard("a", THREE_FAILURES, 10);
        for (int i = 0; i < 3; i++) {
            fail(g);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            ServiceGuard.Refusal r = g.admit();
            if (r == null) {
                g.noVerdict();
                g.leave();
            }
            return r == null;
        });
        assertEquals("HALF_OPEN", g.status().breakerState());
        fail(g);
        assertEquals("OPEN", g.status().breakerState(), "a failed trial re-opens at once");
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            ServiceGuard.Refusal r = g.admit();
            if (r == null) {
                g.record(false, 1_000);
                g.leave();
            }
            return r == null;
        });
        assertEquals("CLOSED", g.status().breakerState());
    }

    @Test
    void oneServicesFailuresNeverOpenAnothersBreaker() {
        ServiceGuard a = new ServiceGuard("a", THREE_FAILURES, 10);
        ServiceGuard b = new ServiceGuard("b", THREE_FAILURES, 10);
        for (int i = 0; i < 3; i++) {
            fail(a);
        }
        assertEquals("OPEN", a.status().breakerState());
        assertNull(b.admit(), "b is unaffected");
    }

    @Test
    void bulkheadRefusesOverTheCapAndFreesSlotsWhenResponsesEnd() {
        ServiceGuard g = new ServiceGuard("a", null, 2);
        assertNull(g.admit());
        assertNull(g.admit());
        assertEquals(ServiceGuard.Refusal.AT_CAPACITY, g.admit());
        assertEquals(2, g.status().inFlight());
        g.record(false, 1);
        g.leave();
        assertNull(g.admit());
    }

    @Test
    void aReloadKeepsTheGuardsOfServicesWhoseSettingsDidNotChange() throws Exception {
        com.gitinsight.gateway.config.KongConfigParser parser = new com.gitinsight.gateway.config.KongConfigParser(
                com.gitinsight.gateway.config.PluginRegistry.builtIn());
        String base = """
                _format_version: "3.0"
                services:
                  - name: a
                    url: http://a:1
                  - name: b
                    url: http://b:1
                    plugins: [{name: bulkhead, config: {max_concurrent_requests: %d}}]
                plugins: [{name: circuit-breaker}]
                """;
        ServiceGuards guards = new ServiceGuards(10);
        java.util.Map<String, ServiceGuard> first = guards.build(parser.parse("t.yml", base.formatted(5)));
        java.util.Map<String, ServiceGuard> same =
                guards.build(parser.parse("t.yml", base.formatted(5) + "# edited\n"));
        java.util.Map<String, ServiceGuard> changed = guards.build(parser.parse("t.yml", base.formatted(6)));
        org.junit.jupiter.api.Assertions.assertSame(first.get("a"), same.get("a"));
        org.junit.jupiter.api.Assertions.assertSame(first.get("b"), same.get("b"));
        org.junit.jupiter.api.Assertions.assertSame(first.get("a"), changed.get("a"), "a did not change");
        org.junit.jupiter.api.Assertions.assertNotSame(first.get("b"), changed.get("b"));
        assertEquals(6, changed.get("b").status().maxConcurrent());
        assertEquals(10, changed.get("a").status().maxConcurrent(), "default bulkhead");
    }
}
