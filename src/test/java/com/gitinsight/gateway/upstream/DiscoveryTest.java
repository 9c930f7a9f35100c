package com.gitinsight.gateway.upstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/** DNS discovery against a real DNS server on a loopback port (no mocked resolver). */
class DiscoveryTest {

    private TestDnsServer dns;
    private UpstreamServices services;
    private Upstreams upstreams;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer();
        services = new UpstreamServices(
                new UpstreamServices.Settings(List.of(dns.address()), Duration.ofSeconds(1), 1, 1, 1, 2),
                new TargetRegistry());
    }

    @AfterEach
    void stop() {
        if (upstreams != null) {
            upstreams.close();
        }
        services.close();
        dns.close();
    }

    /**
     * SRV records of {@code name}, each "priority weight port host address" (weight, port and
     * address of its host's A record), the host's A record set too.
     */
    private void srv(String name, String... records) throws Exception {
        Name owner = Name.fromString(name + ".");
        List<org.xbill.DNS.Record> srvs = new java.util.ArrayList<>();
        for (String r : records) {
            String[] f = r.split(" ");
            srvs.add(new SRVRecord(
                    owner,
                    DClass.IN,
                    1,
                    Integer.parseInt(f[0]),
                    Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]),
                    Name.fromString(f[3] + ".")));
            dns.set(f[3], Type.A, List.of(a(f[3], f[4])));
        }
        dns.set(name, Type.SRV, srvs);
    }

    private static ARecord a(String name, String ip) throws Exception {
        return new ARecord(Name.fromString(name + "."), DClass.IN, 1, InetAddress.getByName(ip));
    }

    private Upstreams start(String yaml) throws Exception {
        GatewayConfig config =
                new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", "_format_version: \"3.0\"\n" + yaml);
        upstreams = Upstreams.build(config, services.registry(), null);
        upstreams.start(services);
        return upstreams;
    }

    private static Set<String> addresses(UpstreamPool pool) {
        return pool.targets().stream().map(Target::address).collect(Collectors.toSet());
    }

    // Kong's /upstreams/{u}/targets/{target}/unhealthy names the target as written: every address
    // of the name (helper review 145: a target written as a host name was a 404).
    @Test
    void aTargetAsWrittenNamesEveryAddressOfItsName() throws Exception {
        dns.set("multi.test", Type.A, List.of(a("multi.test", "127.0.0.20"), a("multi.test", "127.0.0.21")));
        UpstreamPool pool = start("""
                upstreams:
                  - name: multi
                    targets: [{target: "multi.test:8080"}]
                services:
                  - {name: multi, url: "http://multi"}
                """).forService("multi");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> addresses(pool).equals(Set.of("127.0.0.20:8080", "127.0.0.21:8080")));
        assertTrue(pool.force("MULTI.test:8080", false));
        assertTrue(pool.targets().stream().noneMatch(Target::available));
        assertTrue(pool.force("127.0.0.21:8080", true), "one address alone, as before");
        assertEquals(1, pool.targets().stream().filter(Target::available).count());
        assertFalse(pool.force("multi.test:9999", true));
    }

    @Test
    void everyRecordBecomesATargetAndChangesKeepTheHealthOfThoseThatStay() throws Exception {
        dns.set("api.test", Type.A, List.of(a("api.test", "127.0.0.10"), a("api.test", "127.0.0.11")));
        UpstreamPool pool = start("""
                upstreams:
                  - name: api
                    targets: [{target: "api.test:8080"}]
                services:
                  - {name: api, url: "http://api"}
                """).forService("api");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> addresses(pool).equals(Set.of("127.0.0.10:8080", "127.0.0.11:8080")));
        Target ten = pool.targets().stream()
                .filter(t -> t.host().equals("127.0.0.10"))
                .findFirst()
                .orElseThrow();
        assertEquals("http://api.test:8080/", ten.baseUri().toString(), "the Host header keeps the name");
        ten.health().force(false);

        dns.set("api.test", Type.A, List.of(a("api.test", "127.0.0.10"), a("api.test", "127.0.0.12")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> addresses(pool).equals(Set.of("127.0.0.10:8080", "127.0.0.12:8080")));
        Map<String, TargetHealth.State> states = new TreeMap<>();
        pool.targets().forEach(t -> states.put(t.host(), t.health().state()));
        assertEquals(
                Map.of("127.0.0.10", TargetHealth.State.UNHEALTHY, "127.0.0.12", TargetHealth.State.HEALTHY), states);
    }

    // Helper review 106: Kong's dns_order asks for A only; a dual-stack name gave each address the
    // full weight (twice its share) and sent half the tries to IPv6.
    @Test
    void aNameWithARecordsUsesThemAloneAndAnIpv6OnlyNameStillResolves() throws Exception {
        dns.set("dual.test", Type.A, List.of(a("dual.test", "127.0.0.10")));
        dns.set(
                "dual.test",
                Type.AAAA,
                List.of(new org.xbill.DNS.AAAARecord(
                        Name.fromString("dual.test."), DClass.IN, 1, InetAddress.getByName("::1"))));
        dns.set(
                "six.test",
                Type.AAAA,
                List.of(new org.xbill.DNS.AAAARecord(
                        Name.fromString("six.test."), DClass.IN, 1, InetAddress.getByName("::1"))));
        UpstreamPool pool = start("""
                upstreams:
                  - name: api
                    targets: [{target: "dual.test:8080"}, {target: "six.test:8081"}]
                services:
                  - {name: api, url: "http://api"}
                """).forService("api");
        await().atMost(Duration.ofSeconds(10)).until(() -> addresses(pool).size() == 2);
        // Long, as Kong's DNS client writes an AAAA record (its ring is made from it; helper review 248).
        assertEquals(Set.of("127.0.0.10:8080", "[0:0:0:0:0:0:0:1]:8081"), addresses(pool));
    }

    @Test
    void anSrvNameGivesHostsPortsAndWeightsOfItsBestPriority() throws Exception {
        srv(
                "_api._tcp.consul.test",
                "10 5 9001 n1.test 127.0.0.21",
                "10 0 9002 n2.test 127.0.0.22",
                "20 5 9003 n3.test 127.0.0.23");
        UpstreamPool pool = start("""
                upstreams:
                  - name: api
                    targets: [{target: _api._tcp.consul.test}]
                services:
                  - {name: api, url: "http://api"}
                """).forService("api");
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.targets().size() == 2);
        Map<String, Integer> weights = new TreeMap<>();
        pool.targets().forEach(t -> weights.put(t.address(), t.weight()));
        assertEquals(Map.of("127.0.0.21:9001", 5, "127.0.0.22:9002", 1), weights);
    }

    @Test
    void anyNameWithSrvRecordsIsResolvedThroughThemAsKongAsksSrvFirst() throws Exception {
        // Kong's dns_order LAST,SRV,A,CNAME (helper review 166 #2): auth.service.consul:8001 with SRV
        // records goes to their hosts and ports; a record's port 0 is the target's.
        srv("auth.consul.test", "10 5 9101 m1.test 127.0.0.31", "10 5 0 m2.test 127.0.0.32");
        dns.set("auth.consul.test", Type.A, List.of(a("auth.consul.test", "127.0.0.30")));
        UpstreamPool pool = start("""
                upstreams:
                  - name: auth
                    targets: [{target: "auth.consul.test:8001"}]
                services:
                  - {name: auth, url: "http://auth"}
                """).forService("auth");
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.targets().size() == 2);
        assertEquals(Set.of("127.0.0.31:9101", "127.0.0.32:8001"), addresses(pool));
    }

    @Test
    void aFailedLookupKeepsTheLastKnownAddressesAndClosingStopsLookups() throws Exception {
        dns.set("api.test", Type.A, List.of(a("api.test", "127.0.0.10")));
        UpstreamPool pool = start("""
                services:
                  - {name: api, url: "http://api.test:8080"}
                """).forService("api");
        await().atMost(Duration.ofSeconds(10)).until(() -> addresses(pool).equals(Set.of("127.0.0.10:8080")));
        dns.set("api.test", Type.A, List.of());
        int before = dns.queries();
        await().atMost(Duration.ofSeconds(10)).until(() -> dns.queries() >= before + 4);
        assertEquals(Set.of("127.0.0.10:8080"), addresses(pool));
        upstreams.close();
        // A resolution in flight at close may finish its queries (SRV, then A, then AAAA: Kong's
        // dns_order asks SRV first); no new one may start.
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> true);
        int afterClose = dns.queries();
        await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> true);
        assertEquals(afterClose, dns.queries(), "no lookups after close");
    }
}
