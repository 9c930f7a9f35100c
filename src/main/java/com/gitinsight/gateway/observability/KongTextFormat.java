package com.gitinsight.gateway.observability;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text format with Kong's series written as Kong's prometheus plugin writes them
 * ({@code kong/plugins/prometheus/prometheus.lua}): labels in Kong's order (the Java client sorts
 * them), Kong's exact names ({@code kong_bandwidth_bytes} without the {@code _total} the client
 * adds), whole values without {@code .0} and bucket bounds as numbers ({@code le="25"}); a family
 * with no series is not written. A check or dashboard written against Kong's output (its specs
 * match lines as text) reads the same lines here. Every other family is written by the client's
 * own text writer.
 */
final class KongTextFormat {

    /** A Kong family: the name it is written under, its type, and its labels in Kong's order. */
    private record Family(String name, String type, List<String> labels) {}

    /** By the client's snapshot name (a counter's without {@code _total}). */
    private static final Map<String, Family> KONG = Map.of(
            "kong_http_requests",
            new Family(
                    "kong_http_requests_total",
                    "counter",
                    List.of("service", "route", "code", "source", "workspace", "consumer")),
            "kong_bandwidth_bytes",
            new Family(
                    "kong_bandwidth_bytes",
                    "counter",
                    List.of("service", "route", "direction", "workspace", "consumer")),
            "kong_request_latency_ms",
            new Family("kong_request_latency_ms", "histogram", List.of("service", "route", "workspace")),
            "kong_upstream_latency_ms",
            new Family("kong_upstream_latency_ms", "histogram", List.of("service", "route", "workspace")),
            "kong_kong_latency_ms",
            new Family("kong_kong_latency_ms", "histogram", List.of("service", "route", "workspace")),
            "kong_upstream_target_health",
            new Family(
                    "kong_upstream_target_health",
                    "gauge",
                    List.of("upstream", "target", "address", "state", "subsystem")),
            "kong_node_info",
            new Family("kong_node_info", "gauge", List.of("node_id", "version")),
            "kong_datastore_reachable",
            new Family("kong_datastore_reachable", "gauge", List.of()),
            "kong_nginx_metric_errors",
            new Family("kong_nginx_metric_errors_total", "counter", List.of()));

    private KongTextFormat() {}

    /** Whether {@code snapshot} is one of Kong's families (written here). */
    static boolean isKong(MetricSnapshot snapshot) {
        return KONG.containsKey(snapshot.getMetadata().getName());
    }

    /** Kong's families first (by name, as Kong sorts its output), then the rest by {@code others}. */
    static void write(OutputStream out, MetricSnapshots snapshots, ExpositionFormatWriter others) throws IOException {
        List<MetricSnapshot> kong = new ArrayList<>();
        MetricSnapshots.Builder rest = MetricSnapshots.builder();
        for (MetricSnapshot s : snapshots) {
            if (isKong(s)) {
                kong.add(s);
            } else {
                rest.metricSnapshot(s);
            }
        }
        kong.sort(Comparator.comparing(s -> KONG.get(s.getMetadata().getName()).name()));
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        for (MetricSnapshot s : kong) {
            write(w, KONG.get(s.getMetadata().getName()), s);
        }
        w.flush();
        others.write(out, rest.build());
    }

    private static void write(Writer w, Family f, MetricSnapshot s) throws IOException {
        if (s.getDataPoints().isEmpty()) {
            return; // Kong writes no HELP or TYPE for a family without series
        }
        w.write("# HELP " + f.name() + " " + help(s.getMetadata().getHelp()) + "\n");
        w.write("# TYPE " + f.name() + " " + f.type() + "\n");
        for (DataPointSnapshot p : s.getDataPoints()) {
            if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
                line(w, f.name(), f, p.getLabels(), null, c.getValue());
            } else if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
                line(w, f.name(), f, p.getLabels(), null, g.getValue());
            } else if (p instanceof HistogramSnapshot.HistogramDataPointSnapshot h) {
                ClassicHistogramBuckets buckets = h.getClassicBuckets();
                long cumulative = 0;
                for (int i = 0; i < buckets.size(); i++) {
                    cumulative += buckets.getCount(i);
                    double bound = buckets.getUpperBound(i);
                    if (cumulative == 0 && bound != Double.POSITIVE_INFINITY) {
                        // Kong's observe counts only the buckets a value fits, and a bucket no value
                        // ever reached has no key, so no line (helper review 275).
                        continue;
                    }
                    line(
                            w,
                            f.name() + "_bucket",
                            f,
                            p.getLabels(),
                            bound == Double.POSITIVE_INFINITY ? "+Inf" : number(bound),
                            cumulative);
                }
                line(w, f.name() + "_count", f, p.getLabels(), null, h.getCount());
                line(w, f.name() + "_sum", f, p.getLabels(), null, h.getSum());
            }
        }
    }

    private static void line(Writer w, String name, Family f, Labels labels, String le, double value)
            throws IOException {
        w.write(name);
        if (!f.labels().isEmpty() || le != null) {
            w.write('{');
            String separator = "";
            for (String label : f.labels()) {
                String v = labels.get(label);
                w.write(separator + label + "=\"" + escape(v == null ? "" : v) + "\"");
                separator = ",";
            }
            if (le != null) {
                w.write(separator + "le=\"" + le + "\"");
            }
            w.write('}');
        }
        w.write(' ');
        w.write(number(value));
        w.write('\n');
    }

    /** A value as Kong's tostring writes it: a whole number without a fraction, else up to 14 digits. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(v).round(new MathContext(14)).stripTrailingZeros().toPlainString();
    }

    /** A label value: backslash, quote and line break escaped (the format's three). */
    private static String escape(String v) {
        if (v.indexOf('\\') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
            return v;
        }
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String help(String help) {
        return help == null ? "" : help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
