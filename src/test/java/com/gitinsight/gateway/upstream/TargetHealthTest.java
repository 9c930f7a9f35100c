package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.HealthCheckSpec;
import com.gitinsight.gateway.config.UpstreamSpec;
import com.gitinsight.gateway.config.UpstreamSpec.TargetSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TargetHealthTest {

    /** A clock the test moves by hand: recovery intervals pass without waiting. */
    private static final class ManualClock implements TargetHealth.Clock {
        long now = 1_000;

        @Override
        public long nanoTime() {
            return now;
        }

        void advanceSeconds(double s) {
            now += (long) (s * TimeUnit.SECONDS.toNanos(1));
        }
    }

    private final ManualClock clock = new ManualClock();
    private final TargetRegistry registry = new TargetRegistry(clock);

    /** Two targets: "a" with nginx's max_fails=3 fail_timeout=30s, "b" plain. */
    private UpstreamPool pool(HealthCheckSpec health) {
        UpstreamSpec spec = new UpstreamSpec(
                "u",
                UpstreamSpec.Algorithm.ROUND_ROBIN,
                UpstreamSpec.HashPolicy.NONE,
                health,
                List.of(new TargetSpec("10.0.0.1", 80, 100, 3, 30_000), new TargetSpec("10.0.0.2", 80, 100)));
        return new UpstreamPool("u", spec, registry, Map.of());
    }

    /** An HTTP probe of /health with a 1 s timeout and Kong's default statuses. */
    private static HealthCheckSpec.Active active(
            int concurrency,
            long healthyIntervalMs,
            int successes,
            long unhealthyIntervalMs,
            int httpFailures,
            int tcpFailures,
            int timeouts) {
        return new HealthCheckSpec.Active(
                HealthCheckSpec.ProbeType.HTTP,
                "/health",
                1000,
                concurrency,
                Map.of(),
                true,
                healthyIntervalMs,
                successes,
                HealthCheckSpec.Active.HEALTHY_STATUSES,
                unhealthyIntervalMs,
                httpFailures,
                tcpFailures,
                timeouts,
                HealthCheckSpec.Active.UNHEALTHY_STATUSES,
                null);
    }

    private static Target a(UpstreamPool p) {
        return p.targets().get(0);
    }

    @Test
    void threeFailuresWithinTheWindowEjectForTheWindowThenProbationThenHealthy() {
        UpstreamPool pool = pool(HealthCheckSpec.NONE);
        Target a = a(pool);
        a.reportFailure(Failure.TCP);
        a.reportResponse(500, 1000);
        assertTrue(a.available(), "two failures: still in");
        a.reportFailure(Failure.TIMEOUT);
        assertFalse(a.available(), "third failure within 30 s: out");
        assertEquals(30, pool.retryAfterSeconds());
        for (int i = 0; i < 10; i++) {
            assertSame(pool.targets().get(1), pool.pick(PickRequest.NONE, List.of()), "ejected target is never picked");
        }
        clock.advanceSeconds(29.9);
        assertFalse(a.available());
        clock.advanceSeconds(0.2);
        assertTrue(a.available(), "recovery interval over: tried again");
        assertEquals(TargetHealth.State.PROBATION, a.health().state());
        a.reportResponse(200, 1000);
        assertEquals(TargetHealth.State.HEALTHY, a.health().state());
    }

    @Test
    void failureOnProbationEjectsAtOnceAndFailuresSpreadOverTheWindowDoNot() {
        UpstreamPool pool = pool(HealthCheckSpec.NONE);
        Target a = a(pool);
        for (int i = 0; i < 3; i++) {
            a.reportFailure(Failure.TCP);
        }
        clock.advanceSeconds(31);
        assertTrue(a.available());
        a.reportFailure(Failure.TCP);
        assertFalse(a.available(), "one failure on probation is enough");
        clock.advanceSeconds(31);
        assertTrue(a.available());
        a.reportResponse(204, 10);
        a.reportFailure(Failure.TCP);
        clock.advanceSeconds(31);
        a.reportFailure(Failure.TCP);
        clock.advanceSeconds(31);
        a.reportFailure(Failure.TCP);
        assertTrue(a.available(), "failures 31 s apart never reach 3 within 30 s");
        a.reportFailure(Failure.TCP);
        a.reportResponse(200, 10);
        a.reportFailure(Failure.TCP);
        assertFalse(a.available(), "a success in between does not reset the count (nginx's max_fails)");
    }

    /** Kong's passive checks: successes 0 counts nothing; fail_timeout 0 is no window. */
    private UpstreamPool kongPassive(int successes) {
        HealthCheckSpec.Passive passive = new HealthCheckSpec.Passive(
                HealthCheckSpec.Passive.HEALTHY_STATUSES,
                successes,
                HealthCheckSpec.Passive.UNHEALTHY_STATUSES,
                0,
                0,
                3,
                0);
        UpstreamSpec spec = new UpstreamSpec(
                "k",
                UpstreamSpec.Algorithm.ROUND_ROBIN,
                UpstreamSpec.HashPolicy.NONE,
                new HealthCheckSpec(HealthCheckSpec.Active.OFF, passive),
                List.of(new TargetSpec("10.0.0.3", 80, 100), new TargetSpec("10.0.0.4", 80, 100)));
        return new UpstreamPool("k", spec, registry, Map.of());
    }

    @Test
    void twoNamesOnOneAddressAreTwoTargetsEachWithItsOwnHost() throws Exception {
        // An ingress serving two tenants by name (helper review 117): Kong sends each its own Host.
        TargetSpec a = new TargetSpec("tenant-a.example", 443, 100);
        TargetSpec b = new TargetSpec("tenant-b.example", 443, 100);
        for (UpstreamSpec.Algorithm algorithm :
                List.of(UpstreamSpec.Algorithm.ROUND_ROBIN, UpstreamSpec.Algorithm.CONSISTENT_HASHING)) {
            UpstreamSpec spec = new UpstreamSpec(
                    "ingress-" + algorithm,
                    algorithm,
                    algorithm == UpstreamSpec.Algorithm.CONSISTENT_HASHING
                            ? new UpstreamSpec.HashPolicy(
                                    UpstreamSpec.HashOn.IP, null, UpstreamSpec.HashOn.NONE, null, "/")
                            : UpstreamSpec.HashPolicy.NONE,
                    HealthCheckSpec.NONE,
                    List.of(a, b));
            UpstreamPool pool = new UpstreamPool(spec.name(), spec, registry, Map.of());
            java.net.InetAddress ingress = java.net.InetAddress.getByName("10.0.0.9");
            pool.update(a, List.of(new Endpoint("tenant-a.example", ingress, 443, 100)));
            pool.update(b, List.of(new Endpoint("tenant-b.example", ingress, 443, 100)));
            assertEquals(
                    List.of("tenant-a.example", "tenant-b.example"),
                    pool.targets().stream().map(Target::name).toList());
            java.util.Set<String> picked = new java.util.HashSet<>();
            for (int i = 0; i < 200; i++) {
                String ip = "192.0.2." + i;
                picked.add(pool.pick(
                                new PickRequest() {
                                    @Override
                                    public String hashValue(UpstreamSpec.HashOn source, String name) {
                                        return ip;
                                    }
                                },
                                List.of())
                        .name());
            }
            assertEquals(java.util.Set.of("tenant-a.example", "tenant-b.example"), picked, algorithm.toString());
        }
    }

    // Helper review 173: Kong's kong_upstream_target_health labels a target as written and its
    // address as resolved (target="tenant-a.example:443", address="10.0.0.9:443").
    @Test
    void eachTargetsStatusNamesItAsWrittenAndItsAddress() throws Exception {
        TargetSpec a = new TargetSpec("tenant-a.example", 443, 100);
        UpstreamSpec spec = new UpstreamSpec(
                "named",
                UpstreamSpec.Algorithm.ROUND_ROBIN,
                UpstreamSpec.HashPolicy.NONE,
                HealthCheckSpec.NONE,
                List.of(a));
        UpstreamPool pool = new UpstreamPool(spec.name(), spec, registry, Map.of());
        pool.update(a, List.of(new Endpoint("tenant-a.example", java.net.InetAddress.getByName("10.0.0.9"), 443, 100)));
        UpstreamPool.WrittenStatus only = pool.statusAsWritten().get(0);
        assertEquals("tenant-a.example:443", only.written());
        assertEquals("10.0.0.9:443", only.status().target());
    }

    // Helper review 247: a name DNS never answered was shown as healthchecks_off with its name for
    // an address (Kong: dns_error, address ""). An IPv6 address stays in the long form Kong's DNS
    // client writes (helper review 248: the short form moved keys on Kong's hashing ring).
    @Test
    void aNameDnsNeverAnsweredIsUnresolvedAndAnIpv6AddressIsAsKongsDnsWritesIt() throws Exception {
        TargetSpec named = new TargetSpec("never-resolves.invalid", 80, 100);
        TargetSpec ip = new TargetSpec("10.0.0.1", 80, 100);
        TargetSpec resolved = new TargetSpec("api.internal", 80, 100);
        UpstreamSpec spec = new UpstreamSpec(
                "dns",
                UpstreamSpec.Algorithm.ROUND_ROBIN,
                UpstreamSpec.HashPolicy.NONE,
                HealthCheckSpec.NONE,
                List.of(named, ip, resolved));
        UpstreamPool pool = new UpstreamPool(spec.name(), spec, registry, Map.of());
        pool.update(resolved, List.of(new Endpoint("api.internal", java.net.InetAddress.getByName("::1"), 80, 100)));
        Map<String, UpstreamPool.WrittenStatus> byName = new java.util.HashMap<>();
        pool.statusAsWritten().forEach(w -> byName.put(w.written(), w));
        assertTrue(byName.get("never-resolves.invalid:80").unresolved());
        assertFalse(byName.get("10.0.0.1:80").unresolved());
        assertFalse(byName.get("api.internal:80").unresolved());
        assertEquals(
                "[0:0:0:0:0:0:0:1]:80", byName.get("api.internal:80").status().target(), "as Kong's DNS writes it");
    }

    @Test
    void twoNamesOnOneAddressAreProbedOncePerRound() throws Exception {
        // They share the address's health (review 122): two probes a round counted each round twice.
        HealthCheckSpec.Active active = active(4, 1000, 1, 1000, 0, 2, 0);
        TargetSpec a = new TargetSpec("tenant-a.example", 443, 100);
        TargetSpec b = new TargetSpec("tenant-b.example", 443, 100);
        UpstreamSpec spec = new UpstreamSpec(
                "probed",
                UpstreamSpec.Algorithm.ROUND_ROBIN,
                UpstreamSpec.HashPolicy.NONE,
                new HealthCheckSpec(active, HealthCheckSpec.Passive.OFF),
                List.of(a, b));
        UpstreamPool pool = new UpstreamPool(spec.name(), spec, registry, Map.of());
        java.net.InetAddress ingress = java.net.InetAddress.getByName("10.0.0.9");
        pool.update(a, List.of(new Endpoint("tenant-a.example", ingress, 443, 100)));
        pool.update(b, List.of(new Endpoint("tenant-b.example", ingress, 443, 100)));
        java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
        Prober refusing = new Prober() {
            @Override
            public ProbeResult probe(Target target, HealthCheckSpec.Active rule, UpstreamSpec upstream) {
                probes.incrementAndGet();
                return ProbeResult.failed(Failure.TCP);
            }

            @Override
            public void close() {}
        };
        try (ActiveChecker checker = new ActiveChecker(pool, null, Runnable::run, refusing)) {
            checker.round(true);
        }
        assertEquals(1, probes.get());
        assertTrue(pool.targets().get(0).available(), "one failed probe of tcp_failures: 2");
    }

    @Test
    void atOrBelowItsThresholdTheUpstreamAnswersNothing() {
        for (double threshold : new double[] {50, 49.5}) {
            UpstreamSpec spec = new UpstreamSpec(
                    "th" + threshold,
                    UpstreamSpec.Algorithm.ROUND_ROBIN,
                    UpstreamSpec.HashPolicy.NONE,
                    new HealthCheckSpec(HealthCheckSpec.Active.OFF, HealthCheckSpec.Passive.OFF, threshold),
                    List.of(new TargetSpec("10.0.1.1", 80, 100), new TargetSpec("10.0.1.2", 80, 100)));
            UpstreamPool pool = new UpstreamPool(spec.name(), spec, registry, Map.of());
            assertSame(pool.targets().get(0), pool.pick(PickRequest.NONE, List.of()));
            pool.targets().get(0).health().force(false);
            Target picked = pool.pick(PickRequest.NONE, List.of());
            if (threshold == 50) {
                assertNull(picked, "half the weight available is not more than 50%: Kong's 'Balancer is unhealthy'");
            } else {
                assertSame(pool.targets().get(1), picked, "50% is more than 49.5%");
            }
        }
    }

    @Test
    void aBackendsAnswer504IsKongsPassiveTimeoutNotAnHttpStatus() {
        HealthCheckSpec.Passive timeouts = new HealthCheckSpec.Passive(
                HealthCheckSpec.Passive.HEALTHY_STATUSES, 0, java.util.Set.of(504), 0, 2, 0, 0);
        UpstreamSpec spec = new UpstreamSpec(
                "t",
                UpstreamSpec.Algorithm.ROUND_ROBIN,
                UpstreamSpec.HashPolicy.NONE,
                new HealthCheckSpec(HealthCheckSpec.Active.OFF, timeouts),
                List.of(new TargetSpec("10.0.0.5", 80, 100), new TargetSpec("10.0.0.6", 80, 100)));
        Target t = new UpstreamPool("t", spec, registry, Map.of()).targets().get(0);
        t.reportResponse(504, 10);
        assertTrue(t.available());
        t.reportResponse(504, 10);
        assertFalse(t.available(), "two 504s reach timeouts: 2, although http_failures is 0");
    }

    @Test
    void kongsPassiveChecksCountFailuresAcrossSuccessesAndTimeWhenSuccessesIsZero() {
        Target t = kongPassive(0).targets().get(0);
        for (int i = 0; i < 2; i++) {
            t.reportResponse(500, 10);
            for (int j = 0; j < 9; j++) {
                t.reportResponse(200, 10);
            }
            clock.advanceSeconds(3600);
        }
        assertTrue(t.available(), "two failures in twenty requests, hours apart");
        t.reportResponse(500, 10);
        assertFalse(t.available(), "the third reaches http_failures: 3 (no window with fail_timeout 0)");
        clock.advanceSeconds(86_400);
        assertFalse(t.available(), "out until a probe or an admin brings it back");
    }

    @Test
    void aCountedSuccessClearsTheFailures() {
        Target t = kongPassive(1).targets().get(0);
        t.reportResponse(500, 10);
        t.reportResponse(500, 10);
        t.reportResponse(200, 10);
        t.reportResponse(500, 10);
        assertTrue(t.available(), "healthy.successes 1: a success starts the count again");
        t.reportResponse(500, 10);
        t.reportResponse(500, 10);
        assertFalse(t.available());
    }

    @Test
    void targetWithoutPassiveChecksIsNeverEjected() {
        UpstreamPool pool = pool(HealthCheckSpec.NONE);
        Target b = pool.targets().get(1);
        for (int i = 0; i < 100; i++) {
            b.reportFailure(Failure.TCP);
        }
        assertTrue(b.available());
    }

    @Test
    void noTargetInRotationMeansNoPickAndARetryAfter() {
        UpstreamPool pool = pool(HealthCheckSpec.NONE);
        pool.targets().get(1).health().force(false);
        for (int i = 0; i < 3; i++) {
            a(pool).reportFailure(Failure.TCP);
        }
        assertNull(pool.pick(PickRequest.NONE, List.of()));
        clock.advanceSeconds(12.5);
        assertEquals(18, pool.retryAfterSeconds());
    }

    @Test
    void activeProbesMarkDownAndUpByTheirOwnCounters() {
        HealthCheckSpec.Active active = active(2, 1000, 2, 1000, 2, 2, 2);
        TargetHealth h = a(pool(HealthCheckSpec.NONE)).health();
        h.activeResult(active, Failure.HTTP);
        h.activeResult(active, null);
        h.activeResult(active, Failure.HTTP);
        assertEquals(TargetHealth.State.HEALTHY, h.state(), "a success in between resets the failure count");
        h.activeResult(active, Failure.HTTP);
        assertEquals(TargetHealth.State.UNHEALTHY, h.state());
        clock.advanceSeconds(3600);
        assertFalse(h.available(), "down by probes: no recovery by time alone");
        h.activeResult(active, null);
        assertEquals(TargetHealth.State.UNHEALTHY, h.state());
        h.activeResult(active, null);
        assertEquals(TargetHealth.State.HEALTHY, h.state());
    }

    @Test
    void withHealthySuccessesZeroAGoodProbeDoesNotClearTheFailedOnes() {
        // Kong's default: healthy.successes 0 (lua-resty-healthcheck's limit 0 counts nothing).
        HealthCheckSpec.Active active = active(1, 5000, 0, 5000, 3, 0, 0);
        TargetHealth h = a(pool(HealthCheckSpec.NONE)).health();
        for (int i = 0; i < 2; i++) {
            h.activeResult(active, Failure.HTTP);
            h.activeResult(active, null);
            h.activeResult(active, Failure.TCP); // tcp_failures 0: not counted, breaks nothing
            h.activeResult(active, null);
        }
        assertEquals(TargetHealth.State.HEALTHY, h.state());
        h.activeResult(active, Failure.HTTP);
        assertEquals(TargetHealth.State.UNHEALTHY, h.state(), "the third failed probe, one in three");
    }

    @Test
    void afterAPassiveEjectionOrAnOperatorComingBackTakesTheProbesInARow() {
        HealthCheckSpec.Active active = active(3, 1000, 3, 1000, 2, 2, 2);
        Target a = a(pool(HealthCheckSpec.NONE));
        TargetHealth h = a.health();
        for (int i = 0; i < 10; i++) {
            h.activeResult(active, null); // healthy, successes counted up
        }
        h.force(false);
        h.activeResult(active, null);
        h.activeResult(active, null);
        assertEquals(TargetHealth.State.UNHEALTHY, h.state(), "successes before the mark-down do not count");
        h.activeResult(active, null);
        assertEquals(TargetHealth.State.HEALTHY, h.state());
        for (int i = 0; i < 3; i++) {
            a.reportFailure(Failure.TCP);
        }
        assertFalse(a.available(), "ejected by passive failures");
        h.activeResult(active, null);
        assertFalse(h.state() == TargetHealth.State.HEALTHY, "one probe is not three in a row");
    }

    @Test
    void stateSurvivesARebuildOfThePool() {
        UpstreamPool first = pool(HealthCheckSpec.NONE);
        for (int i = 0; i < 3; i++) {
            a(first).reportFailure(Failure.TCP);
        }
        UpstreamPool reloaded = pool(HealthCheckSpec.NONE);
        assertFalse(a(reloaded).available(), "a reload keeps an ejected target out");
    }
}
