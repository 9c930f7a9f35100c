package com.gitinsight.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the prometheus plugin records for one request, as Kong's exporter decides it. */
class GatewayMetricsTest {

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services: [{name: s, url: "http://127.0.0.1:9", routes: [{name: r, paths: [/]}]}]
            """);

    private static GatewayMetrics metrics() throws Exception {
        GatewayMetrics metrics = new GatewayMetrics();
        Method start = GatewayMetrics.class.getDeclaredMethod("start");
        start.setAccessible(true);
        start.invoke(metrics);
        return metrics;
    }

    /** The text of the per-request series (the registry's other collectors need the container). */
    private static String text(GatewayMetrics metrics) throws Exception {
        io.prometheus.metrics.model.snapshots.MetricSnapshots.Builder snapshots =
                io.prometheus.metrics.model.snapshots.MetricSnapshots.builder();
        for (String field :
                new String[] {"requests", "requestLatency", "upstreamLatency", "gatewayLatency", "bandwidth"}) {
            java.lang.reflect.Field f = GatewayMetrics.class.getDeclaredField(field);
            f.setAccessible(true);
            snapshots.metricSnapshot(((io.prometheus.metrics.core.metrics.Metric) f.get(metrics)).collect());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KongTextFormat.write(out, snapshots.build(), ExpositionFormats.init().findWriter("text/plain"));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static RequestContext context() {
        FakeHttp.Request r = FakeHttp.Request.get("/x");
        r.on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "r"));
        return r.context();
    }

    @Test
    void requestsAreCountedOnlyWithStatusCodeMetricsAndNoEmptyBandwidth() throws Exception {
        GatewayMetrics metrics = metrics();
        metrics.record(context(), new PrometheusSchema.Config(false, false, true, true, false), 200, 5_000_000, 0, 0);
        String off = text(metrics);
        assertFalse(off.contains("kong_http_requests_total{"), off);
        assertFalse(off.contains("direction=\"egress\""), "no 0-byte series: " + off);
        metrics.record(context(), new PrometheusSchema.Config(false, true, false, false, false), 200, 5_000_000, 0, 0);
        assertTrue(text(metrics).contains("kong_http_requests_total{service=\"s\",route=\"r\",code=\"200\""));
    }

    // Kong 3.6+ counts a route without a service under service "" (Kong/kong#11781; helper review
    // 215: review 139 had followed the older exporter, which recorded nothing).
    @Test
    void aRouteWithoutAServiceIsCountedUnderAnEmptyService() throws Exception {
        GatewaySnapshot serviceless = TestSnapshots.of("""
                _format_version: "3.0"
                routes: [{name: bare, paths: [/]}]
                """);
        FakeHttp.Request r = FakeHttp.Request.get("/x");
        r.on(serviceless, TestSnapshots.match(serviceless, "bare"));
        GatewayMetrics metrics = metrics();
        metrics.record(r.context(), new PrometheusSchema.Config(false, true, true, false, false), 503, 1_000_000, 0, 0);
        String text = text(metrics);
        assertTrue(
                text.contains("kong_http_requests_total{service=\"\",route=\"bare\",code=\"503\",source=\"kong\""),
                text);
    }

    // Kong's exporter labels a service by its name, else its host (a service may have no name).
    @Test
    void aServiceWithoutANameIsLabelledByItsHost() throws Exception {
        GatewaySnapshot nameless = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - url: http://backend.internal:8081
                    routes: [{name: bare, paths: [/]}]
                """);
        FakeHttp.Request r = FakeHttp.Request.get("/x");
        r.on(nameless, TestSnapshots.match(nameless, "bare"));
        GatewayMetrics metrics = metrics();
        metrics.record(r.context(), new PrometheusSchema.Config(false, true, true, false, false), 200, 1_000_000, 0, 0);
        String text = text(metrics);
        assertTrue(text.contains("kong_http_requests_total{service=\"backend.internal\",route=\"bare\""), text);
    }

    @Test
    void theRequestSeriesGoOnceNoPrometheusPluginIsConfigured() throws Exception {
        GatewayMetrics metrics = metrics();
        metrics.record(context(), new PrometheusSchema.Config(false, true, true, true, false), 200, 1_000_000, 10, 10);
        metrics.forgetRequestSeriesUnless(true);
        assertTrue(text(metrics).contains("kong_http_requests_total{"));
        metrics.forgetRequestSeriesUnless(false);
        String gone = text(metrics);
        for (String family : new String[] {
            "kong_http_requests_total{",
            "kong_request_latency_ms_bucket{",
            "kong_kong_latency_ms_bucket{",
            "kong_bandwidth_bytes{"
        }) {
            assertFalse(gone.contains(family), family + ": " + gone);
        }
    }

    @Test
    void aGetHasIngressBytesItsRequestLine() {
        FakeHttp.Request get = FakeHttp.Request.get("/items?page=2");
        // "GET /items?page=2 HTTP/1.1\r\n"
        assertEquals(28, ObserveFilter.requestLineBytes(get.request));
    }

    // Helper review 114: the console's latency chart read the request histogram's counts under the
    // gateway latency's bounds; and latencies are whole milliseconds, as Kong's are.
    @Test
    void theConsolesLatencyCountsGoWithTheirOwnBoundsInWholeMilliseconds() throws Exception {
        GatewayMetrics metrics = metrics();
        metrics.record(context(), new PrometheusSchema.Config(false, false, true, false, false), 200, 20_000_000, 0, 0);
        double[] bounds = GatewayMetrics.requestLatencyBounds();
        long[] counts = metrics.requestLatencyCounts();
        assertEquals(bounds.length + 1, counts.length);
        assertEquals(25.0, bounds[0]);
        assertEquals(1, counts[0], "a 20 ms request is in le=25, the first bucket");
        metrics.record(context(), new PrometheusSchema.Config(false, false, true, false, false), 200, 1_300_000, 0, 0);
        assertTrue(
                text(metrics)
                        .contains(
                                "kong_kong_latency_ms_bucket{service=\"s\",route=\"r\",workspace=\"default\",le=\"1\"} 1\n"),
                "1.3 ms is Kong's 1 ms: " + text(metrics));
    }

    @Test
    void theGatewaysLatencyEndsWhenTheRequestWentUpstream() throws Exception {
        GatewayMetrics metrics = metrics();
        RequestContext context = context();
        // Sent upstream 1 ms in, headers after 2 ms, then a 30 s body.
        context.answeredBy("10.0.0.1:80", 2_000_000);
        long total = (context.upstreamSentNanos() - context.startedNanos()) + 30_000_000_000L;
        metrics.record(context, new PrometheusSchema.Config(false, false, true, false, false), 200, total, 0, 0);
        String text = text(metrics);
        assertTrue(
                text.contains(
                        "kong_kong_latency_ms_bucket{service=\"s\",route=\"r\",workspace=\"default\",le=\"1000\"} 1\n"),
                "the 30 s body is not the gateway's time: " + text);
    }

    @Test
    void aConsumersOwnPrometheusEntryMeasuresOnceAuthenticationNamedTheConsumer() throws Exception {
        GatewaySnapshot snapshot = TestSnapshots.of("""
                _format_version: "3.0"
                services: [{name: s, url: "http://127.0.0.1:9", routes: [{name: r, paths: [/]}]}]
                consumers: [{username: alice}]
                plugins:
                  - {name: prometheus, consumer: alice, config: {status_code_metrics: true}}
                """);
        GatewayMetrics metrics = metrics();
        ObserveFilter filter = new ObserveFilter();
        filter.metrics = metrics;
        filter.log = new AccessLog(null, 1);
        filter.clients = com.gitinsight.gateway.http.TrustedProxies.of("");
        FakeHttp.Request r = FakeHttp.Request.get("/x");
        r.on(snapshot, TestSnapshots.match(snapshot, "r"));
        FakeHttp.Response response = new FakeHttp.Response();
        // the chain: authentication names alice, then the backend answers
        filter.doFilter(r.request, response.response, (req, res) -> {
            r.context().consumerReference("alice");
            new FakeHttp.Backend().doFilter(req, res);
        });
        assertTrue(
                text(metrics).contains("kong_http_requests_total{service=\"s\",route=\"r\",code=\"200\""),
                text(metrics));
    }

    // Helper review 91: Kong's prometheus plugin's names, labels and buckets, so a dashboard or an
    // alert made for Kong finds its series (source="kong" for the gateway's own answers).
    @Test
    void theSeriesAreKongsNamesLabelsAndBuckets() throws Exception {
        GatewayMetrics metrics = metrics();
        RequestContext refused = context();
        metrics.record(refused, new PrometheusSchema.Config(false, true, true, true, false), 401, 1_000_000, 10, 20);
        RequestContext proxied = context();
        proxied.answeredBy("10.0.0.1:80", 2_000_000);
        proxied.upstreamStatus(200);
        metrics.record(proxied, new PrometheusSchema.Config(false, true, true, true, false), 200, 3_000_000, 0, 20);
        String text = text(metrics);
        assertTrue(
                text.contains(
                        "kong_http_requests_total{service=\"s\",route=\"r\",code=\"401\",source=\"kong\",workspace=\"default\",consumer=\"\"} 1\n"),
                text);
        assertTrue(text.contains("{service=\"s\",route=\"r\",code=\"200\",source=\"service\","), text);
        assertTrue(
                text.contains(
                        "kong_request_latency_ms_bucket{service=\"s\",route=\"r\",workspace=\"default\",le=\"60000\"}"),
                text);
        assertTrue(
                text.contains(
                        "kong_upstream_latency_ms_bucket{service=\"s\",route=\"r\",workspace=\"default\",le=\"25\"}"),
                text);
        assertTrue(
                text.contains(
                        "kong_kong_latency_ms_bucket{service=\"s\",route=\"r\",workspace=\"default\",le=\"6000\"}"),
                text);
        assertTrue(
                text.contains(
                        "kong_bandwidth_bytes{service=\"s\",route=\"r\",direction=\"ingress\",workspace=\"default\",consumer=\"\"} 10\n"),
                text);
        assertFalse(text.contains("gateway_http_requests_total"), text);
        assertFalse(text.contains("kong_upstream_target_health{"), "only with upstream_health_metrics: " + text);
    }

    // Kong's 04-status_api_spec "exposes upstream's target health metrics - healthchecks-off": a
    // target nothing judges is in state healthchecks_off, not healthy.
    @Test
    void aTargetNoCheckJudgesIsInKongsHealthchecksOffState() {
        var plain = com.gitinsight.gateway.config.UpstreamSpec.simple(
                "u", java.util.List.of(new com.gitinsight.gateway.config.UpstreamSpec.TargetSpec("10.0.0.1", 80, 100)));
        assertTrue(GatewayMetrics.checksOff(plain));
        var nginxStyle = com.gitinsight.gateway.config.UpstreamSpec.simple(
                "u",
                java.util.List.of(
                        new com.gitinsight.gateway.config.UpstreamSpec.TargetSpec("10.0.0.1", 80, 100, 3, 30_000)));
        assertFalse(GatewayMetrics.checksOff(nginxStyle), "max_fails judges it");
        assertEquals(
                "healthchecks_off",
                GatewayMetrics.targetState(com.gitinsight.gateway.upstream.TargetHealth.State.HEALTHY, true));
        assertEquals(
                "healthy",
                GatewayMetrics.targetState(com.gitinsight.gateway.upstream.TargetHealth.State.HEALTHY, false));
        assertEquals(
                "unhealthy",
                GatewayMetrics.targetState(com.gitinsight.gateway.upstream.TargetHealth.State.UNHEALTHY, true),
                "an admin's forced state is shown");
        // Helper review 275: Kong's get_upstream_health counts a target of weight 0 as not checked.
        java.util.function.IntFunction<com.gitinsight.gateway.upstream.UpstreamPool.WrittenStatus> weighing =
                weight -> new com.gitinsight.gateway.upstream.UpstreamPool.WrittenStatus(
                        "a.internal:80",
                        new com.gitinsight.gateway.upstream.TargetStatus(
                                "u",
                                "10.0.0.1:80",
                                weight,
                                com.gitinsight.gateway.upstream.TargetHealth.State.HEALTHY,
                                null,
                                java.time.Instant.EPOCH,
                                null),
                        false);
        assertEquals("healthchecks_off", GatewayMetrics.stateOf(weighing.apply(0), false));
        assertEquals("healthy", GatewayMetrics.stateOf(weighing.apply(100), false));
        assertEquals(
                "dns_error",
                GatewayMetrics.stateOf(
                        new com.gitinsight.gateway.upstream.UpstreamPool.WrittenStatus(
                                "a.internal:80", weighing.apply(0).status(), true),
                        false));
    }
}
