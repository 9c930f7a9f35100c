package com.gitinsight.gateway.it;

import static com.gitinsight.gateway.it.Backends.echoed;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Request and correlation ids, and the access log, on Payara Micro. */
@ExtendWith(ArquillianExtension.class)
class ObservabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Backends BACKENDS = new Backends();
    private static final Path DIR = Path.of(System.getProperty("gateway.it.dir", "target/it"));
    private static final String UUID_FORMAT = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static int echoPort;

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        echoPort = BACKENDS.echo("echo");
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve("gateway.yml"), """
                _format_version: "3.0"
                services:
                  - name: echo
                    url: http://127.0.0.1:%d
                    routes:
                      - name: traced
                        paths: [/traced]
                        plugins:
                          - name: correlation-id
                            config: {header_name: X-Correlation-ID, generator: "uuid#counter", echo_downstream: true}
                      - name: plain
                        paths: [/plain]
                      - name: counted
                        paths: [/counted]
                        plugins:
                          - name: prometheus
                            config: {status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true}
                plugins:
                  - name: request-id
                    config: {header_name: X-Request-ID, generator: uuid}
                  - name: cache-eviction
                    config:
                      broker_url: "%2$s"
                      bindings: [{exchange: "test.observability.%3$s", routing_key: "#"}]
                      rules: [{event_type: analysis_completed, evict: ["/counted/{repository_id}/**"]}]
                """.formatted(
                echoPort,
                com.gitinsight.gateway.messaging.TestBroker.url(com.gitinsight.gateway.messaging.TestBroker.port()),
                UUID.randomUUID()));
        // This deployment believes X-Forwarded-For from loopback, so a test can come from elsewhere.
        return GatewayWar.withSettings(
                "gateway.trusted-ips=127.0.0.1\ngateway.headers=X-Kong-Request-Id, X-Kong-Upstream-Status");
    }

    @AfterAll
    static void stop() {
        BACKENDS.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return Http.get("http://127.0.0.1:" + base.getPort() + path, headers);
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void aRequestIdIsMadeSentUpstreamAndReturned() throws Exception {
        HttpResponse<String> r = get("/plain/x");
        String id = header(r, "X-Request-ID");
        assertTrue(id != null && id.matches(UUID_FORMAT), "a UUID: " + id);
        assertEquals(id, echoed(r).get("h:x-request-id"), "the upstream got the same id");
        assertNotEquals(id, header(get("/plain/x"), "X-Request-ID"), "one per request");
    }

    @Test
    void aWellFormedIncomingIdIsKeptOthersReplaced() throws Exception {
        HttpResponse<String> kept = get("/plain/x", "X-Request-ID", "front-proxy:abc-123");
        assertEquals("front-proxy:abc-123", header(kept, "X-Request-ID"));
        assertEquals("front-proxy:abc-123", echoed(kept).get("h:x-request-id"));
        for (String bad : new String[] {"has spaces in it", "x".repeat(201), "quote\"d", "<script>"}) {
            HttpResponse<String> replaced = get("/plain/x", "X-Request-ID", bad);
            assertTrue(
                    header(replaced, "X-Request-ID").matches(UUID_FORMAT),
                    bad + " -> " + header(replaced, "X-Request-ID"));
        }
    }

    // Helper review 276: Kong's 15-upstream-status-header_spec, with X-Kong-Upstream-Status in Kong's
    // headers: a proxied answer names the backend's status; a request no route matched has none.
    @Test
    void theUpstreamStatusHeaderNamesTheBackendsStatusWhenAsked() throws Exception {
        HttpResponse<String> proxied = get("/plain/x");
        assertEquals(200, proxied.statusCode());
        assertEquals(List.of("200"), proxied.headers().allValues("X-Kong-Upstream-Status"));
        assertTrue(header(proxied, "X-Kong-Request-Id") != null, "the request id still sent");
        assertNull(header(get("/nowhere"), "X-Kong-Upstream-Status"), "nothing proxied");
    }

    @Test
    void gatewayErrorsNameTheSameId() throws Exception {
        HttpResponse<String> r = get("/nowhere");
        assertEquals(404, r.statusCode());
        assertEquals(
                header(r, "X-Request-ID"),
                JSON.readTree(r.body()).get("request_id").asText());
    }

    @Test
    void correlationIdsAreNodeUuidAndCounterKeptWhenSent() throws Exception {
        HttpResponse<String> first = get("/traced/x");
        HttpResponse<String> second = get("/traced/x");
        String a = header(first, "X-Correlation-ID");
        String b = header(second, "X-Correlation-ID");
        assertTrue(a.matches(UUID_FORMAT + "#\\d+"), a);
        assertEquals(a.substring(0, 36), b.substring(0, 36), "one UUID per node");
        assertTrue(Long.parseLong(b.substring(37)) > Long.parseLong(a.substring(37)), a + " then " + b);
        assertEquals(a, echoed(first).get("h:x-correlation-id"));
        assertEquals("trace-7", header(get("/traced/x", "X-Correlation-ID", "trace-7"), "X-Correlation-ID"));
        assertEquals(null, header(get("/plain/x"), "X-Correlation-ID"), "only where the plugin is");
    }

    @Test
    void eachRequestLeavesOneJsonLineInTheAccessLog() throws Exception {
        String id = "access-" + UUID.randomUUID();
        HttpResponse<String> r = get("/plain/logged?q=1", "X-Request-ID", id);
        Path log = DIR.resolve("access.log");
        JsonNode[] line = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!Files.exists(log)) {
                return false;
            }
            for (String l : Files.readAllLines(log)) {
                if (l.contains(id)) {
                    line[0] = JSON.readTree(l);
                    return true;
                }
            }
            return false;
        });
        JsonNode l = line[0];
        assertEquals(id, l.get("request_id").asText());
        assertEquals("GET", l.get("method").asText());
        assertEquals("/plain/logged", l.get("path").asText(), "the query (it may hold credentials) is not logged");
        assertEquals("plain", l.get("route").asText());
        assertEquals("echo", l.get("service").asText());
        assertEquals("127.0.0.1:" + echoPort, l.get("target").asText());
        assertEquals(200, l.get("status").asInt());
        assertEquals(
                r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                l.get("bytes").asLong());
        assertTrue(
                l.get("latency_ms").asDouble() >= l.get("upstream_latency_ms").asDouble());
        assertTrue(l.get("gateway_latency_ms").asDouble() >= 0);
        assertEquals("127.0.0.1", l.get("client").asText());

        JsonNode health = JSON.readTree(get("/_gateway/health").body());
        JsonNode check = null;
        for (JsonNode c : health.get("checks")) {
            if (c.get("name").asText().startsWith("access-log:")) {
                check = c;
            }
        }
        assertTrue(check != null, health.toString());
        assertEquals("UP", check.get("status").asText());
        assertFalse(check.get("data").get("degraded").asBoolean(), check.toString());
    }

    private String metrics(String... headers) throws Exception {
        HttpResponse<String> r = get("/_gateway/metrics", headers);
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static double value(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(
                        line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return 0;
    }

    @Test
    void requestMetricsCountExactlyWhatWasSent() throws Exception {
        // Kong's lines as Kong writes them (02-access_spec "increments the count for proxied requests").
        String labels = "service=\"echo\",route=\"counted\",workspace=\"default\"";
        String ok =
                "kong_http_requests_total{service=\"echo\",route=\"counted\",code=\"200\",source=\"service\",workspace=\"default\",consumer=\"\"}";
        String egressSeries =
                "kong_bandwidth_bytes{service=\"echo\",route=\"counted\",direction=\"egress\",workspace=\"default\",consumer=\"\"}";
        String before = metrics();
        double requests = value(before, ok);
        double count = value(before, "kong_request_latency_ms_count{" + labels + "}");
        double egress = value(before, egressSeries);
        long sent = 0;
        for (int i = 0; i < 3; i++) {
            sent += get("/counted/x" + i).body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        // Recorded once each response is out: wait for the third, then everything must agree exactly.
        long total = sent;
        await().atMost(Duration.ofSeconds(5)).until(() -> value(metrics(), egressSeries) >= egress + total);
        String after = metrics();
        assertEquals(requests + 3, value(after, ok), after);
        assertEquals(count + 3, value(after, "kong_request_latency_ms_count{" + labels + "}"));
        assertEquals(count + 3, value(after, "kong_request_latency_ms_bucket{" + labels + ",le=\"+Inf\"}"));
        assertTrue(
                value(after, "kong_request_latency_ms_bucket{" + labels + ",le=\"60000\"}") >= count + 3,
                "the latencies fall in the buckets");
        assertEquals(count + 3, value(after, "kong_upstream_latency_ms_count{" + labels + "}"));
        assertEquals(egress + sent, value(after, egressSeries));
        assertTrue(!after.contains("route=\"plain\""), "routes without the plugin are not measured");
        assertTrue(after.contains("kong_upstream_target_health{"), "with upstream_health_metrics, as Kong");
        // No check judges the service's target: Kong's healthchecks_off state, its others 0.
        assertTrue(
                after.matches("(?s).*kong_upstream_target_health\\{upstream=\"service:echo\",target=\"[^\"]+\","
                        + "address=\"[^\"]+\",state=\"healthchecks_off\",subsystem=\"http\"} 1\n.*"),
                after);
        assertTrue(
                after.matches("(?s).*kong_upstream_target_health\\{upstream=\"service:echo\",[^}]*"
                        + "state=\"healthy\",subsystem=\"http\"} 0\n.*"),
                after);
        assertTrue(after.contains("jvm_memory_used_bytes"), "JVM metrics");
        // Kong's node-level series (04-status_api_spec).
        assertTrue(after.matches("(?s).*\nkong_node_info\\{node_id=\"[0-9a-f-]{36}\",version=\"\\S+\"} 1\n.*"), after);
        assertTrue(after.contains("\nkong_datastore_reachable 1\n"), after);
        assertTrue(after.contains("\nkong_nginx_metric_errors_total 0\n"), after);
    }

    @Test
    void metricsSpeakOpenMetricsWhenAsked() throws Exception {
        HttpResponse<String> r = get("/_gateway/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertTrue(
                r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                r.headers().toString());
        assertTrue(r.body().trim().endsWith("# EOF"));
        // Prometheus's own Accept takes the text format too: it gets Kong's, as Kong serves it.
        HttpResponse<String> prometheus = get(
                "/_gateway/metrics",
                "Accept",
                "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,"
                        + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
        assertTrue(
                prometheus.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                prometheus.headers().toString());
        // Kong's exporter's label (helper review 275): no format version.
        String type = prometheus.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT);
        assertTrue(type.contains("charset=utf-8") && !type.contains("version"), type);
        assertTrue(prometheus.body().contains("\nkong_datastore_reachable 1\n"), prometheus.body());
    }

    @Test
    void metricsAreRefusedToPublicAddresses() throws Exception {
        HttpResponse<String> r = get("/_gateway/metrics", "X-Forwarded-For", "203.0.113.9");
        assertEquals(403, r.statusCode());
        assertEquals(
                200, get("/_gateway/metrics", "X-Forwarded-For", "10.1.2.3").statusCode(), "a private network");
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsExported() throws Exception {
        get("/counted/for-the-dashboard");
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics().contains("gateway_eviction_listener_connected 1"));
        String exported = metrics();
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String line : exported.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        JsonNode dashboard = JSON.readTree(
                Path.of("server-config/grafana/gateway-dashboard.json").toFile());
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b((?:gateway|kong|jvm)_[a-z_]+)\\b");
        int queried = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                java.util.regex.Matcher m = metric.matcher(target.get("expr").asText());
                while (m.find()) {
                    queried++;
                    assertTrue(
                            names.contains(m.group(1)),
                            "panel '" + panel.get("title").asText() + "' queries " + m.group(1)
                                    + ", which /_gateway/metrics does not export");
                }
            }
        }
        assertTrue(queried >= 15, "the dashboard queries the gateway's metrics: " + queried);
    }

    @Test
    void theGatewayIsReadAndOperatedThroughARealJmxConnector() throws Exception {
        javax.management.remote.JMXServiceURL url = new javax.management.remote.JMXServiceURL(
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + System.getProperty("gateway.it.jmxPort") + "/jmxrmi");
        try (javax.management.remote.JMXConnector jmx = javax.management.remote.JMXConnectorFactory.connect(url)) {
            javax.management.MBeanServerConnection server = jmx.getMBeanServerConnection();
            javax.management.ObjectName gateway = new javax.management.ObjectName("io.gitinsight.gateway:type=Gateway");
            assertEquals(
                    1,
                    server.queryNames(new javax.management.ObjectName("io.gitinsight.gateway:type=Gateway,*"), null)
                            .size(),
                    "one set of MBeans");
            assertTrue(server.isRegistered(new javax.management.ObjectName("io.gitinsight.gateway:type=Cache")));
            String hash = (String) server.getAttribute(gateway, "ConfigHash");
            assertEquals(16, hash.length());
            assertEquals("", server.getAttribute(gateway, "ConfigLastError"));
            // Open types: a map arrives as TabularData, readable without the gateway's classes.
            javax.management.openmbean.TabularData breakers =
                    (javax.management.openmbean.TabularData) server.getAttribute(gateway, "CircuitBreakers");
            assertTrue(breakers.containsKey(new Object[] {"echo"}), breakers.toString());
            get("/counted/jmx");
            // Metrics are recorded once the response is out: wait for the request to be counted.
            String[] counted = new String[1];
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                javax.management.openmbean.TabularData routes =
                        (javax.management.openmbean.TabularData) server.getAttribute(gateway, "Routes");
                javax.management.openmbean.CompositeData row = routes.get(new Object[] {"echo/counted"});
                counted[0] = row == null ? null : (String) row.get("value");
                return counted[0] != null && counted[0].contains("p99_ms");
            });
            assertTrue(counted[0].matches("requests=\\d+ errors_5xx=0 p50_ms<=[0-9.]+ p99_ms<=[0-9.]+"), counted[0]);

            String target = "127.0.0.1:" + echoPort;
            javax.management.openmbean.TabularData targets =
                    (javax.management.openmbean.TabularData) server.getAttribute(gateway, "Targets");
            assertEquals(
                    "HEALTHY active=0",
                    targets.get(new Object[] {"service:echo/" + target}).get("value"));
            String[] signature = {String.class.getName(), String.class.getName()};
            assertEquals(
                    true,
                    server.invoke(gateway, "markTargetUnhealthy", new Object[] {"service:echo", target}, signature));
            assertEquals(
                    "UNHEALTHY",
                    JSON.readTree(get("/_gateway/status").body())
                            .at("/upstreams/service:echo/0/health")
                            .asText());
            assertEquals(503, get("/plain/x").statusCode(), "no healthy target left");
            assertEquals(
                    true,
                    server.invoke(gateway, "markTargetHealthy", new Object[] {"service:echo", target}, signature));
            assertEquals(200, get("/plain/x").statusCode());
            assertEquals(
                    false,
                    server.invoke(
                            gateway, "markTargetHealthy", new Object[] {"service:echo", "10.9.9.9:1"}, signature));
            assertEquals(true, server.invoke(gateway, "resetCircuitBreaker", new Object[] {"echo"}, new String[] {
                String.class.getName()
            }));
            assertEquals("running " + hash, server.invoke(gateway, "reloadConfig", new Object[0], new String[0]));
        }
    }
}
