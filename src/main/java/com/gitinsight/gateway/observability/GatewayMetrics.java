package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.cache.ResponseCache;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.logging.FileLogWriters;
import com.gitinsight.gateway.logging.HttpLogQueues;
import com.gitinsight.gateway.messaging.EvictionListener;
import com.gitinsight.gateway.ratelimit.CounterStores;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewayVersion;
import com.gitinsight.gateway.runtime.NodeId;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import com.gitinsight.gateway.tracing.Tracers;
import com.gitinsight.gateway.upstream.GuardStatus;
import com.gitinsight.gateway.upstream.TargetHealth;
import com.gitinsight.gateway.upstream.UpstreamPool;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The gateway's metrics (Kong's set under a {@code gateway_} prefix) in one Prometheus registry of
 * this application. Request metrics are recorded per request; everything else is read when
 * scraped. Labels are route and service names, status codes and consumer ids from the
 * configuration: never raw paths or client input.
 */
@ApplicationScoped
public class GatewayMetrics implements Unproxied<GatewayMetrics> {

    /** Kong's buckets of its own latency (kong_kong_latency_ms), in milliseconds. */
    private static final double[] LATENCY_MS = {1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000
    };

    /** Kong's UPSTREAM_LATENCY_BUCKETS: the upstream's and the whole request's latency, in milliseconds. */
    private static final double[] UPSTREAM_LATENCY_MS = {
        25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000
    };

    /** Kong's workspace label: this gateway has one, Kong's default. */
    private static final String WORKSPACE = "default";

    @Inject
    GatewayRuntime runtime;

    @Inject
    ResponseCache cache;

    @Inject
    EvictionListener eviction;

    @Inject
    CounterStores rateLimits;

    @Inject
    AccessLog accessLog;

    @Inject
    FileLogWriters fileLogs;

    @Inject
    HttpLogQueues httpLogs;

    @Inject
    Tracers tracers;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private Counter requests;
    private Histogram requestLatency;
    private Histogram upstreamLatency;
    private Histogram gatewayLatency;
    private Counter bandwidth;
    private Gauge websocketConnections;
    private Counter websocketFrames;
    private Counter websocketBytes;

    @PostConstruct
    void start() {
        // Kong's prometheus plugin's names and labels, so dashboards and alerts made for Kong work.
        requests = Counter.builder()
                .name("kong_http_requests_total")
                .help("HTTP status codes per consumer/service/route in Kong")
                .labelNames("service", "route", "code", "source", "workspace", "consumer")
                .register(registry);
        requestLatency = latency(
                "kong_request_latency_ms",
                "Total latency incurred during requests for each service/route in Kong",
                UPSTREAM_LATENCY_MS);
        upstreamLatency = latency(
                "kong_upstream_latency_ms",
                "Latency added by upstream response for each service/route in Kong",
                UPSTREAM_LATENCY_MS);
        gatewayLatency = latency(
                "kong_kong_latency_ms",
                "Latency added by Kong and enabled plugins for each service/route in Kong",
                LATENCY_MS);
        bandwidth = Counter.builder()
                .name("kong_bandwidth_bytes")
                .help("Total bandwidth (ingress/egress) throughput in bytes")
                .labelNames("service", "route", "direction", "workspace", "consumer")
                .register(registry);
        GaugeWithCallback.builder()
                .name("kong_upstream_target_health")
                .help("Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error"
                        + "|probation, value is 1 when state is populated.")
                .labelNames("upstream", "target", "address", "state", "subsystem")
                .callback(cb -> {
                    if (!upstreamHealthMetrics()) {
                        return; // Kong's: only when a prometheus plugin asks for it
                    }
                    for (UpstreamPool pool : runtime.snapshot().upstreams().pools()) {
                        boolean checksOff = checksOff(pool.spec());
                        // Kong's labels: target as written (name:port), address the ip:port it resolved to.
                        for (UpstreamPool.WrittenStatus t : pool.statusAsWritten()) {
                            String state = stateOf(t, checksOff);
                            for (String s : TARGET_STATES) {
                                cb.call(
                                        s.equals(state) ? 1 : 0,
                                        pool.name(),
                                        t.written(),
                                        t.unresolved() ? "" : t.status().target(),
                                        s,
                                        "http");
                            }
                        }
                    }
                })
                .register(registry);
        // Kong's node-level series, present whether or not a prometheus plugin is configured.
        GaugeWithCallback.builder()
                .name("kong_node_info")
                .help("Kong Node metadata information")
                .labelNames("node_id", "version")
                .callback(cb -> cb.call(1, NodeId.VALUE, GatewayVersion.value()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("kong_datastore_reachable")
                .help("Datastore reachable from Kong, 0 is unreachable")
                .callback(cb -> cb.call(datastoreReachable() ? 1 : 0))
                .register(registry);
        CounterWithCallback.builder()
                .name("kong_nginx_metric_errors_total")
                .help("Number of nginx-lua-prometheus errors")
                .callback(cb -> cb.call(0)) // the Java client's collection raises no such error
                .register(registry);
        GaugeWithCallback.builder()
                .name("gateway_circuit_breaker_state")
                .help("Per service: 0 closed, 1 open, 2 half-open, -1 disabled")
                .labelNames("service")
                .callback(cb -> {
                    for (var e : runtime.snapshot().guards().entrySet()) {
                        cb.call(breaker(e.getValue().status()), e.getKey());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("gateway_upstream_in_flight")
                .help("Requests in flight per service")
                .labelNames("service")
                .callback(cb -> runtime.snapshot()
                        .guards()
                        .forEach((name, guard) -> cb.call(guard.status().inFlight(), name)))
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_log_entries_lost_total")
                .help("Log records and spans that did not leave the gateway, by plugin, destination and why"
                        + " (queue_full: dropped from a full queue; send_failed: retries ran out or the file"
                        + " could not be written)")
                .labelNames("plugin", "destination", "reason")
                .callback(cb -> {
                    // Summed per label set: two queues may send to one destination (other paths, other headers).
                    Map<List<String>, Long> lost = new LinkedHashMap<>();
                    for (FileLogWriters.Status f : fileLogs.status()) {
                        lost.merge(List.of("file-log", f.path(), "send_failed"), f.lost(), Long::sum);
                    }
                    for (HttpLogQueues.Status q : httpLogs.status()) {
                        lost.merge(List.of("http-log", q.endpoint(), "queue_full"), q.dropped(), Long::sum);
                        lost.merge(List.of("http-log", q.endpoint(), "send_failed"), q.lost(), Long::sum);
                    }
                    for (Tracers.Status t : tracers.status()) {
                        lost.merge(List.of("opentelemetry", t.endpoint(), "queue_full"), t.dropped(), Long::sum);
                        lost.merge(List.of("opentelemetry", t.endpoint(), "send_failed"), t.lost(), Long::sum);
                    }
                    lost.forEach((labels, n) -> cb.call(n, labels.toArray(String[]::new)));
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_cache_hits_total")
                .help("Responses answered from the cache")
                .callback(cb -> cb.call(cache.hits()))
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_cache_misses_total")
                .help("Cacheable requests sent to the backend")
                .callback(cb -> cb.call(cache.misses()))
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_cache_evictions_total")
                .help("Entries removed by events and purges")
                .callback(cb -> cb.call(cache.evictions()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("gateway_cache_entries")
                .help("Entries in this node's response cache")
                .callback(cb -> cb.call(cache.size()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("gateway_eviction_listener_connected")
                .help("1 while subscribed to the eviction events (0: entries are trusted only disconnected_ttl)")
                .callback(cb -> {
                    EvictionListener.Status s = eviction.status();
                    if (s.configured()) {
                        cb.call(s.connected() ? 1 : 0);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("gateway_eviction_lag_ms")
                .help("Publish-to-apply time of the last eviction event")
                .callback(cb -> {
                    long lag = eviction.status().lastLagMillis();
                    if (lag >= 0) {
                        cb.call(lag);
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_eviction_events_total")
                .help("Eviction events by outcome")
                .labelNames("outcome")
                .callback(cb -> {
                    EvictionListener.Status s = eviction.status();
                    cb.call(s.applied(), "applied");
                    cb.call(s.rejected(), "rejected");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_ratelimit_rejections_total")
                .help("Requests refused by rate limits")
                .labelNames("plugin")
                .callback(cb -> {
                    cb.call(rateLimits.rejected("rate-limiting"), "rate-limiting");
                    cb.call(rateLimits.rejected("request-rate"), "request-rate");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_ratelimit_unchecked_total")
                .help("Requests let through unchecked (fault_tolerant) while the counter store was down")
                .callback(cb -> cb.call(rateLimits.allowedWhileDown()))
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_config_reloads_total")
                .help("Configuration reloads by result")
                .labelNames("result")
                .callback(cb -> {
                    cb.call(runtime.reloads(), "success");
                    cb.call(runtime.reloadFailures(), "failure");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("gateway_access_log_dropped_total")
                .help("Access-log lines dropped (queue full)")
                .callback(cb -> cb.call(accessLog.dropped()))
                .register(registry);
        websocketConnections = Gauge.builder()
                .name("gateway_websocket_connections")
                .help("Open proxied WebSocket connections per route")
                .labelNames("route")
                .register(registry);
        websocketFrames = Counter.builder()
                .name("gateway_websocket_frames_total")
                .help("WebSocket data frames relayed per route and direction (upstream: client to backend)")
                .labelNames("route", "direction")
                .register(registry);
        websocketBytes = Counter.builder()
                .name("gateway_websocket_bytes_total")
                .help("WebSocket payload relayed per route and direction (text counted in characters)")
                .labelNames("route", "direction")
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    private Histogram latency(String name, String help, double[] buckets) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .labelNames("service", "route", "workspace")
                .classicOnly()
                .classicUpperBounds(buckets)
                .register(registry);
    }

    /** Whether a prometheus plugin of the running configuration sets {@code upstream_health_metrics}. */
    private boolean upstreamHealthMetrics() {
        com.gitinsight.gateway.runtime.GatewaySnapshot snapshot = runtime.snapshot();
        if (snapshot == null) {
            return false;
        }
        for (com.gitinsight.gateway.config.PluginSpec p : snapshot.config().plugins()) {
            if (p.config() instanceof PrometheusSchema.Config c && c.upstreamHealthMetrics()) {
                return true;
            }
        }
        return false;
    }

    private static double breaker(GuardStatus s) {
        return switch (s.breakerState()) {
            case "CLOSED" -> 0;
            case "OPEN" -> 1;
            case "HALF_OPEN" -> 2;
            default -> -1;
        };
    }

    public void websocketOpened(String route) {
        websocketConnections.labelValues(route).inc();
    }

    public void websocketClosed(String route) {
        websocketConnections.labelValues(route).dec();
    }

    /** One relayed data frame (or fragment); {@code upstream} is client to backend. */
    public void websocketFrame(String route, boolean upstream, long bytes) {
        String direction = upstream ? "upstream" : "downstream";
        websocketFrames.labelValues(route, direction).inc();
        websocketBytes.labelValues(route, direction).inc(bytes);
    }

    /** One answered request on a route the {@code prometheus} plugin covers. */
    void record(
            RequestContext context,
            PrometheusSchema.Config config,
            int status,
            long totalNanos,
            long inBytes,
            long outBytes) {
        // Kong's exporter: the service's name, else its host; a route without a service is counted
        // under service "" since Kong 3.6 (Kong/kong#11781; before, such requests were not counted).
        ServiceSpec matched = context.match().service();
        String service = matched == null ? "" : matched.fileName() != null ? matched.fileName() : matched.host();
        // Kong's: the route's name, else its id. An unnamed route without an id in the file keeps
        // its position (route#N): Kong gives such a route a random id at each load, and deriving
        // one here would cost two SHA-1 digests per request.
        com.gitinsight.gateway.config.RouteSpec r = context.match().route();
        String route = r.name() != null ? r.name() : r.id() != null ? r.id() : r.displayName();
        String consumer = config.perConsumer() && context.consumerLabel() != null ? context.consumerLabel() : "";
        if (config.statusCodeMetrics()) {
            // Kong counts requests only with status_code_metrics (its exporter's metrics.status);
            // source: the upstream's answer ("service") or one the gateway made ("kong").
            String source = context.upstreamStatus() > 0 && status == context.upstreamStatus() ? "service" : "kong";
            requests.labelValues(service, route, Integer.toString(status), source, WORKSPACE, consumer)
                    .inc();
        }
        if (config.latencyMetrics()) {
            long upstream = context.upstreamNanos();
            // Whole milliseconds, as Kong's latencies are (nginx's request_time has ms resolution):
            // 1.3 ms is Kong's le="1", not le="2".
            requestLatency.labelValues(service, route, WORKSPACE).observe(totalNanos / 1_000_000);
            if (upstream >= 0) {
                upstreamLatency.labelValues(service, route, WORKSPACE).observe(upstream / 1_000_000);
            }
            // Kong's latencies.kong: the time before the request went upstream (all of it when none
            // did), not the body's streaming, which a long download would have counted.
            long sent = context.upstreamSentNanos();
            long kong = upstream >= 0 && sent != 0 ? Math.max(0, sent - context.startedNanos()) : totalNanos;
            gatewayLatency.labelValues(service, route, WORKSPACE).observe(Math.min(kong, totalNanos) / 1_000_000);
        }
        if (config.bandwidthMetrics()) {
            if (inBytes > 0) {
                bandwidth
                        .labelValues(service, route, "ingress", WORKSPACE, consumer)
                        .inc(inBytes);
            }
            if (outBytes > 0) {
                bandwidth
                        .labelValues(service, route, "egress", WORKSPACE, consumer)
                        .inc(outBytes);
            }
        }
    }

    /**
     * Per {@code service/route} the plugin measures: requests, 5xx answers (when status codes are
     * recorded), and p50/p99 latency in ms (the upper bound of the bucket holding the quantile).
     */
    Map<String, String> routeSummaries() {
        Map<String, long[]> counts = new TreeMap<>();
        for (CounterSnapshot.CounterDataPointSnapshot d : requests.collect().getDataPoints()) {
            long[] c = counts.computeIfAbsent(
                    d.getLabels().get("service") + "/" + d.getLabels().get("route"), k -> new long[2]);
            c[0] += (long) d.getValue();
            if (d.getLabels().get("code").startsWith("5")) {
                c[1] += (long) d.getValue();
            }
        }
        Map<String, ClassicHistogramBuckets> latencies = new HashMap<>();
        for (HistogramSnapshot.HistogramDataPointSnapshot d :
                requestLatency.collect().getDataPoints()) {
            latencies.put(d.getLabels().get("service") + "/" + d.getLabels().get("route"), d.getClassicBuckets());
        }
        Map<String, String> out = new TreeMap<>();
        counts.forEach((route, c) -> {
            ClassicHistogramBuckets b = latencies.get(route);
            out.put(
                    route,
                    "requests=" + c[0] + " errors_5xx=" + c[1]
                            + (b == null ? "" : " p50_ms<=" + quantile(b, 0.5) + " p99_ms<=" + quantile(b, 0.99)));
        });
        return out;
    }

    /**
     * Totals across every measured route, for the console's charts: cumulative counters (the console
     * takes differences between polls) and the request-latency buckets (non-cumulative counts).
     */
    /** The request latency histogram's bounds (Kong's UPSTREAM_LATENCY_BUCKETS), in milliseconds. */
    static double[] requestLatencyBounds() {
        return UPSTREAM_LATENCY_MS.clone();
    }

    /**
     * The request latency's counts per bucket over every series, +Inf last: labelled with its own
     * bounds (the gateway latency's, once, made a 20 ms request read as "p50 <= 1 ms").
     */
    long[] requestLatencyCounts() {
        long[] buckets = new long[UPSTREAM_LATENCY_MS.length + 1];
        for (HistogramSnapshot.HistogramDataPointSnapshot d :
                requestLatency.collect().getDataPoints()) {
            ClassicHistogramBuckets b = d.getClassicBuckets();
            for (int i = 0; i < b.size() && i < buckets.length; i++) {
                buckets[i] += b.getCount(i);
            }
        }
        return buckets;
    }

    public Totals totals() {
        long all = 0;
        long errors = 0;
        for (CounterSnapshot.CounterDataPointSnapshot d : requests.collect().getDataPoints()) {
            all += (long) d.getValue();
            if (d.getLabels().get("code").startsWith("5")) {
                errors += (long) d.getValue();
            }
        }
        return new Totals(
                all,
                errors,
                requestLatencyBounds(),
                requestLatencyCounts(),
                cache.hits(),
                cache.misses(),
                rateLimits.rejected("rate-limiting") + rateLimits.rejected("request-rate"));
    }

    /** See {@link #totals()}; {@code bucketCounts} has one more entry than bounds (the +Inf bucket). */
    public record Totals(
            long requests,
            long errors5xx,
            double[] latencyBoundsMs,
            long[] bucketCounts,
            long cacheHits,
            long cacheMisses,
            long rateLimited) {}

    private static double quantile(ClassicHistogramBuckets buckets, double q) {
        long total = 0;
        for (int i = 0; i < buckets.size(); i++) {
            total += buckets.getCount(i);
        }
        long seen = 0;
        for (int i = 0; i < buckets.size(); i++) {
            seen += buckets.getCount(i);
            if (seen >= q * total) {
                return buckets.getUpperBound(i);
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** Kong's four states of a target, and this gateway's probation (a passive ejection's trial). */
    private static final List<String> TARGET_STATES =
            List.of("healthchecks_off", "healthy", "unhealthy", "dns_error", "probation");

    /** Whether nothing judges the upstream's targets: no active or passive check, no target's max_fails. */
    static boolean checksOff(com.gitinsight.gateway.config.UpstreamSpec upstream) {
        var checks = upstream.healthchecks();
        return !checks.active().enabled()
                && !checks.passive().enabled()
                && upstream.targets().stream().allMatch(t -> t.maxFails() == 0);
    }

    /**
     * Kong's state of a target as written: a name DNS never answered is its dns_error, with no
     * address (helper review 247: it showed as healthchecks_off, its name as its address); a target
     * of weight 0, never balanced to or probed, is healthchecks_off whatever its health, as Kong's
     * {@code get_upstream_health} says (helper review 275).
     */
    static String stateOf(UpstreamPool.WrittenStatus t, boolean checksOff) {
        return t.unresolved()
                ? "dns_error"
                : targetState(t.status().state(), checksOff || t.status().weight() == 0);
    }

    /** Kong's name of a target's state: healthy with no check judging it is Kong's healthchecks_off. */
    static String targetState(TargetHealth.State state, boolean checksOff) {
        return switch (state) {
            case HEALTHY -> checksOff ? "healthchecks_off" : "healthy";
            case UNHEALTHY -> "unhealthy";
            case PROBATION -> "probation";
        };
    }

    /**
     * Kong's {@code kong_datastore_reachable}: 1 running from a file (Kong's DB-less "off"
     * connector always connects), else whether the fleet's configuration store answers.
     */
    private boolean datastoreReachable() {
        if (!runtime.storeConfigured()) {
            return true;
        }
        var store = runtime.store();
        return store != null && store.available();
    }

    MetricSnapshots scrape() {
        var snapshot = runtime.snapshot();
        forgetRequestSeriesUnless(snapshot != null && snapshot.plugins().uses(PrometheusSchema.NAME));
        return registry.scrape();
    }

    /**
     * Kong's: once no prometheus plugin is configured (removed or disabled), its request series
     * are gone from the scrape (07-optional_fields_spec; helper review 139).
     */
    void forgetRequestSeriesUnless(boolean prometheusConfigured) {
        if (!prometheusConfigured) {
            requests.clear();
            requestLatency.clear();
            upstreamLatency.clear();
            gatewayLatency.clear();
            bandwidth.clear();
        }
    }

    @Override
    public void passInstance(Consumer<? super GatewayMetrics> receiver) {
        receiver.accept(this);
    }
}
