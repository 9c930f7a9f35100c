package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.config.HealthCheckSpec;
import com.gitinsight.gateway.config.UpstreamSpec;
import com.gitinsight.gateway.testing.TestCertificates;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Kong's active probes over TLS and with an upstream's {@code host_header}: the certificate is
 * checked unless {@code https_verify_certificate} is false, and the probe's Host is the
 * upstream's {@code host_header}, else the target's name, without a port (lua-resty-healthcheck's).
 */
class HttpProberTlsTest {

    private static HealthCheckSpec.Active probe(HealthCheckSpec.ProbeType type, boolean verify, String sni) {
        return new HealthCheckSpec.Active(
                type,
                "/status",
                2000,
                1,
                Map.of(),
                verify,
                1000,
                1,
                HealthCheckSpec.Active.HEALTHY_STATUSES,
                1000,
                1,
                1,
                1,
                HealthCheckSpec.Active.UNHEALTHY_STATUSES,
                sni);
    }

    @Test
    void anHttpsProbeChecksTheCertificateUnlessToldNotTo() throws Exception {
        TestCertificates pki = TestCertificates.shared();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        https.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext("server", null)));
        https.createContext("/status", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        https.start();
        try (HttpProber prober = new HttpProber()) {
            Target target = new Target("127.0.0.1", https.getAddress().getPort(), 100);
            assertEquals(
                    ProbeResult.HEALTHY,
                    prober.probe(target, probe(HealthCheckSpec.ProbeType.HTTPS, false, null), null));
            assertEquals(
                    ProbeResult.failed(Failure.TCP),
                    prober.probe(target, probe(HealthCheckSpec.ProbeType.HTTPS, true, null), null),
                    "Kong's default verifies: a certificate the JVM does not trust fails the probe");
        } finally {
            https.stop(0);
        }
    }

    @Test
    void theProbesHostIsTheUpstreamsHostHeader() throws Exception {
        List<String> hosts = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        http.createContext("/status", ex -> {
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        try (HttpProber prober = new HttpProber()) {
            Target target = new Target("127.0.0.1", http.getAddress().getPort(), 100);
            HealthCheckSpec.Active rule = probe(HealthCheckSpec.ProbeType.HTTP, true, null);
            UpstreamSpec plain = UpstreamSpec.simple("u", List.of());
            UpstreamSpec named = new UpstreamSpec(
                    "u",
                    UpstreamSpec.Algorithm.ROUND_ROBIN,
                    UpstreamSpec.HashPolicy.NONE,
                    new com.gitinsight.gateway.config.HealthCheckSpec(rule, HealthCheckSpec.Passive.OFF),
                    List.of(),
                    "api.internal",
                    null);
            assertEquals(ProbeResult.HEALTHY, prober.probe(target, rule, plain));
            assertEquals(ProbeResult.HEALTHY, prober.probe(target, rule, named));
            assertEquals(List.of("127.0.0.1", "api.internal"), hosts);
        } finally {
            http.stop(0);
        }
    }
}
