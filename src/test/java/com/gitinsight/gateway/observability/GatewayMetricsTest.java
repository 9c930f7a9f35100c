package com.gitinsight.gateway.observability;

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
        for (String field : new String[] {"requests", "gatewayLatency", "bandwidth"}) {
            java.lang.reflect.Field f = GatewayMetrics.class.getDeclaredField(field);
            f.setAccessible(true);
            snapshots.metricSnapshot(((io.prometheus.metrics.core.metrics.Metric) f.get(metrics)).collect());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().findWriter("text/plain").write(out, snapshots.build());
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
        assertFalse(off.contains("gateway_http_requests_total{"), off);
        assertFalse(off.contains("direction=\"egress\""), "no 0-byte series: " + off);
        metrics.record(context(), new PrometheusSchema.Config(false, true, false, false, false), 200, 5_000_000, 0, 0);
        assertTrue(text(metrics).contains("gateway_http_requests_total{code=\"200\""));
    }

    @Test
    void aRouteWithoutAServiceIsCountedWithAnEmptyServiceLabel() throws Exception {
        GatewaySnapshot serviceless = TestSnapshots.of("""
                _format_version: "3.0"
                routes: [{name: bare, paths: [/]}]
                """);
        FakeHttp.Request r = FakeHttp.Request.get("/x");
        r.on(serviceless, TestSnapshots.match(serviceless, "bare"));
        GatewayMetrics metrics = metrics();
        metrics.record(r.context(), new PrometheusSchema.Config(false, true, true, false, false), 503, 1_000_000, 0, 0);
        String text = text(metrics);
        assertTrue(text.contains("route=\"bare\",service=\"\""), text);
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
                text.contains("gateway_latency_ms_bucket{route=\"r\",service=\"s\",le=\"1000.0\"} 1"),
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
        assertTrue(text(metrics).contains("gateway_http_requests_total{code=\"200\""), text(metrics));
    }
}
