package com.gitinsight.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Kong's prometheus.lua output format (its specs match these lines as text). */
class KongTextFormatTest {

    private static String text(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KongTextFormat.write(out, registry.scrape(), ExpositionFormats.init().findWriter("text/plain"));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void kongsSeriesAreWrittenInKongsLabelOrderWithWholeNumbersAndKongsNames() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter requests = Counter.builder()
                .name("kong_http_requests_total")
                .help("HTTP status codes per consumer/service/route in Kong")
                .labelNames("service", "route", "code", "source", "workspace", "consumer")
                .register(registry);
        Counter bandwidth = Counter.builder()
                .name("kong_bandwidth_bytes")
                .help("Total bandwidth (ingress/egress) throughput in bytes")
                .labelNames("service", "route", "direction", "workspace", "consumer")
                .register(registry);
        Histogram latency = Histogram.builder()
                .name("kong_request_latency_ms")
                .help("Total latency")
                .labelNames("service", "route", "workspace")
                .classicUpperBounds(25, 50, 1000)
                .register(registry);
        Gauge other = Gauge.builder().name("gateway_other").help("not Kong's").register(registry);
        Counter.builder()
                .name("kong_nginx_metric_errors_total")
                .help("Number of nginx-lua-prometheus errors")
                .register(registry);
        requests.labelValues("mock-service", "http-route", "200", "service", "default", "")
                .inc();
        bandwidth
                .labelValues("mock-service", "http-route", "ingress", "default", "")
                .inc(17);
        latency.labelValues("mock-service", "http-route", "default").observe(30);
        latency.labelValues("mock-service", "http-route", "default").observe(0.5);
        other.set(2.5);
        String t = text(registry);
        assertTrue(
                t.contains("\nkong_http_requests_total{service=\"mock-service\",route=\"http-route\",code=\"200\","
                        + "source=\"service\",workspace=\"default\",consumer=\"\"} 1\n"),
                t);
        assertTrue(t.contains("# TYPE kong_http_requests_total counter\n"), t);
        assertTrue(
                t.contains("\nkong_bandwidth_bytes{service=\"mock-service\",route=\"http-route\",direction=\"ingress\","
                        + "workspace=\"default\",consumer=\"\"} 17\n"),
                t);
        assertFalse(t.contains("kong_bandwidth_bytes_total"), "Kong's name has no _total: " + t);
        String series = "service=\"mock-service\",route=\"http-route\",workspace=\"default\"";
        assertTrue(t.contains("kong_request_latency_ms_bucket{" + series + ",le=\"25\"} 1\n"), t);
        assertTrue(t.contains("kong_request_latency_ms_bucket{" + series + ",le=\"50\"} 2\n"), t);
        assertTrue(t.contains("kong_request_latency_ms_bucket{" + series + ",le=\"+Inf\"} 2\n"), t);
        assertTrue(t.contains("kong_request_latency_ms_count{" + series + "} 2\n"), t);
        assertTrue(t.contains("kong_request_latency_ms_sum{" + series + "} 30.5\n"), t);
        // Helper review 275: a bucket no value reached has no line in Kong's output (its observe
        // counts only the buckets a value fits; a key never counted is never written).
        String only30 = "service=\"mock-service\",route=\"other-route\",workspace=\"default\"";
        latency.labelValues("mock-service", "other-route", "default").observe(30);
        String sparse = text(registry);
        assertFalse(sparse.contains("kong_request_latency_ms_bucket{" + only30 + ",le=\"25\"}"), sparse);
        assertTrue(sparse.contains("kong_request_latency_ms_bucket{" + only30 + ",le=\"50\"} 1\n"), sparse);
        assertTrue(sparse.contains("kong_request_latency_ms_bucket{" + only30 + ",le=\"+Inf\"} 1\n"), sparse);
        assertTrue(t.contains("\nkong_nginx_metric_errors_total 0\n"), t);
        // The client's own families, as it writes them.
        assertTrue(t.contains("gateway_other 2.5"), t);
        // Every line a metric or a comment (02-access_spec "scrape response has metrics and comments only").
        for (String line : t.split("\n")) {
            assertTrue(line.isEmpty() || line.startsWith("#") || line.matches("[a-z_]+(\\{.*})? \\S+"), line);
        }
    }

    @Test
    void aFamilyWithoutSeriesIsNotNamedAtAll() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder()
                .name("kong_http_requests_total")
                .help("HTTP status codes")
                .labelNames("service", "route", "code", "source", "workspace", "consumer")
                .register(registry);
        assertFalse(text(registry).contains("kong_http_requests_total"), "granular metrics switch: not even HELP");
    }

    @Test
    void valuesAreWrittenAsKongsTostringWritesThem() {
        assertEquals("1", KongTextFormat.number(1));
        assertEquals("0", KongTextFormat.number(0));
        assertEquals("296", KongTextFormat.number(296.0));
        assertEquals("0.5", KongTextFormat.number(0.5));
        assertEquals("0.00037", KongTextFormat.number(0.00037));
        assertEquals("+Inf", KongTextFormat.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", KongTextFormat.number(Double.NaN));
    }

    @Test
    void labelValuesAreEscaped() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Gauge health = Gauge.builder()
                .name("kong_upstream_target_health")
                .help("Health")
                .labelNames("upstream", "target", "address", "state", "subsystem")
                .register(registry);
        health.labelValues("a\"b", "c\\d", "e\nf", "healthy", "http").set(1);
        assertTrue(
                text(registry)
                        .contains("kong_upstream_target_health{upstream=\"a\\\"b\",target=\"c\\\\d\",address=\"e\\nf\","
                                + "state=\"healthy\",subsystem=\"http\"} 1\n"),
                text(registry));
    }
}
