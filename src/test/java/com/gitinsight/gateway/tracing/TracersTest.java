package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import org.junit.jupiter.api.Test;

/** One tracer per plugin instance, kept across a reload with equal settings, retired when the instance goes. */
class TracersTest {

    private static final String WITH = """
            _format_version: "3.0"
            plugins:
              - name: opentelemetry
                config: {traces_endpoint: 'http://127.0.0.1:9/v1/traces'}
            """;

    private static OpenTelemetrySchema.Config config(GatewaySnapshot s) {
        return (OpenTelemetrySchema.Config) s.config().plugins().get(0).config();
    }

    @Test
    void anEqualConfigKeepsItsTracerAndARemovedOneIsRetired() {
        Tracers tracers = new Tracers(1.0);
        try {
            GatewaySnapshot first = TestSnapshots.of(WITH);
            Tracing t = tracers.of("global", config(first), first);
            assertNotNull(t);
            GatewaySnapshot reloaded = TestSnapshots.of(WITH);
            tracers.retire(reloaded);
            assertSame(
                    t,
                    tracers.of("global", config(reloaded), reloaded),
                    "a reload with the same settings keeps the tracer");
            assertEquals(1, tracers.status().size());
            tracers.retire(TestSnapshots.of("_format_version: \"3.0\"\n"));
            assertEquals(0, tracers.status().size(), "retired with its instance");
        } finally {
            tracers.stop();
        }
    }

    @Test
    void theSdkTakesACollectorNamedWithAnUnderscore() {
        Tracers tracers = new Tracers(1.0);
        try {
            GatewaySnapshot snapshot = TestSnapshots.of(WITH.replace("127.0.0.1", "otel_collector"));
            assertTrue(config(snapshot).tracesEndpoint().toString().contains("otel_collector"));
            assertNotNull(tracers.of("global", config(snapshot), snapshot), "a tracer, not the one-time failure");
        } finally {
            tracers.stop();
        }
    }

    // Attacker review 99: a request still on the configuration before a reload built a tracer for it
    // and shut the new configuration's down; the next request flipped it back.
    @Test
    void aRequestOfAReplacedConfigurationNeverReplacesTheNewerTracer() {
        Tracers tracers = new Tracers(1.0);
        try {
            GatewaySnapshot old = TestSnapshots.of(WITH);
            GatewaySnapshot next = TestSnapshots.of(WITH.replace("127.0.0.1:9", "127.0.0.1:10"));
            assertTrue(old.builtBefore(next));
            tracers.retire(next);
            Tracing current = tracers.of("global", config(next), next);
            assertSame(current, tracers.of("global", config(old), old), "the tracer in place");
            assertSame(current, tracers.of("global", config(next), next), "not flipped back");
            assertEquals(1, tracers.status().size());
        } finally {
            tracers.stop();
        }
    }

    // Attacker review 103: snapshots were ordered by the wall clock; after it stepped back, the
    // running configuration counted as replaced and its new instances went untraced.
    @Test
    void configurationsAreOrderedAsBuiltWhateverTheWallClockDid() {
        Tracers tracers = new Tracers(1.0);
        try {
            GatewaySnapshot o = TestSnapshots.of(WITH);
            GatewaySnapshot old = new GatewaySnapshot(
                    o.config(),
                    o.router(),
                    o.upstreams(),
                    o.guards(),
                    o.plugins(),
                    java.time.Instant.now().plusSeconds(3600),
                    o.builtNanos());
            GatewaySnapshot n = TestSnapshots.of(WITH.replace("127.0.0.1:9", "127.0.0.1:10"));
            GatewaySnapshot next = new GatewaySnapshot(
                    n.config(),
                    n.router(),
                    n.upstreams(),
                    n.guards(),
                    n.plugins(),
                    java.time.Instant.now(),
                    n.builtNanos()); // loaded "earlier" by the wall clock
            tracers.retire(next);
            Tracing current = tracers.of("global", config(next), next);
            assertNotNull(current, "the running configuration is traced");
            assertSame(current, tracers.of("global", config(old), old));
        } finally {
            tracers.stop();
        }
    }
}
