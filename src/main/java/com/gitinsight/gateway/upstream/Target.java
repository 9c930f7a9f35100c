package com.gitinsight.gateway.upstream;

import java.net.InetAddress;
import java.net.URI;

/**
 * One backend address of a pool as one configuration sees it: where to connect, the Host header
 * name, the weight, and the passive rule; its live state (in-flight count, health, latency) is
 * shared with the same address in earlier and later configurations.
 */
public final class Target {

    private final String host;
    private final String name;
    private final InetAddress inet;
    private final int port;
    private final int weight;
    private final TargetState state;
    private final PassiveRule passive;
    private final URI baseUri;
    private final boolean tracksLatency;

    /**
     * {@code name} is the configured host name (the Host header's); {@code inet} the address DNS
     * gave for it, or null to connect by name.
     */
    Target(String name, InetAddress inet, int port, int weight, TargetState state, PassiveRule passive) {
        this(name, inet, port, weight, state, passive, false);
    }

    /** {@code tracksLatency}: keep the response-time average (only the latency balancer reads it). */
    Target(
            String name,
            InetAddress inet,
            int port,
            int weight,
            TargetState state,
            PassiveRule passive,
            boolean tracksLatency) {
        this.tracksLatency = tracksLatency;
        // An IPv6 address as Kong's DNS client writes an AAAA record (lua-resty-dns: each group
        // in hex, not compressed), which Kong's consistent-hashing ring and labels are made from.
        this.host = inet == null ? name : inet.getHostAddress();
        this.name = name;
        this.inet = inet;
        this.port = port;
        this.weight = weight;
        this.state = state;
        this.passive = passive;
        this.baseUri = URI.create("http://" + authority(name, port) + "/");
    }

    /** A target outside any pool's health checks (tests). */
    public Target(String host, int port, int weight) {
        this(
                host,
                null,
                port,
                weight,
                new TargetState(new TargetHealth("-", authority(host, port), TargetHealth.Clock.SYSTEM)),
                PassiveRule.OFF,
                true);
    }

    private static String authority(String host, int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** {@code http://name:port/}, parsed once: the request URI and the Host header's authority. */
    public URI baseUri() {
        return baseUri;
    }

    /** The address connected to (an IP once DNS has resolved the configured name). */
    public String host() {
        return host;
    }

    /** The configured host name (or address): Kong's balancer hostname. */
    public String name() {
        return name;
    }

    /** The resolved address to connect to, or null to let the client resolve {@code baseUri}'s host. */
    public InetAddress inetAddress() {
        return inet;
    }

    public int port() {
        return port;
    }

    public int weight() {
        return weight;
    }

    public int active() {
        return state.active.get();
    }

    /** Called when a request starts using this target; pair with {@link #release()}. */
    public void acquire() {
        state.active.incrementAndGet();
    }

    public void release() {
        state.active.decrementAndGet();
    }

    /** In rotation now: healthy, or on probation after its recovery interval. */
    public boolean available() {
        return state.health.available();
    }

    public TargetHealth health() {
        return state.health;
    }

    TargetState.Ewma latency() {
        return state.ewma();
    }

    /** The latency balancer's average for this target, in microseconds (0: never measured). */
    public double latencyMicros() {
        return state.ewma().micros();
    }

    /** Kong's slow start for an address not measured yet. */
    void startLatencyAt(double micros) {
        state.startAt(micros);
    }

    /** The upstream answered with {@code status} after {@code micros}: feeds passive checks and latency. */
    public void reportResponse(int status, long micros) {
        if (tracksLatency) {
            state.recordLatency(micros);
        }
        passiveStatus(status);
    }

    /**
     * The request's last try got no answer ({@code failure}) and the gateway answered
     * {@code status} (502, 504) in its place: Kong's log phase reports that status, not a TCP
     * failure (a 502 counts only where the passive {@code http_statuses} list it; a 504 is a
     * timeout); only a try followed by another is a TCP failure or timeout ({@link #reportFailure}),
     * as Kong's balancer reports it. nginx's {@code max_fails} counts every failed try.
     */
    public void reportUnanswered(int status, Failure failure) {
        if (passive.anyFailures() > 0) {
            reportFailure(failure);
        } else {
            passiveStatus(status);
        }
    }

    private void passiveStatus(int status) {
        if (!passive.enabled()) {
            return;
        }
        if (status == 504 && passive.anyFailures() == 0) {
            // Kong's log phase reports a 504 as a timeout, never as an HTTP status (handler.lua).
            state.health.passiveFailure(passive, Failure.TIMEOUT);
            return;
        }
        // lua-resty-healthcheck's report_http_status looks at the healthy statuses first.
        if (passive.healthyStatuses().contains(status)) {
            state.health.passiveSuccess(passive);
        } else if (passive.unhealthyStatuses().contains(status)) {
            state.health.passiveFailure(passive, Failure.HTTP);
        }
    }

    /** The exchange failed before a response: a TCP failure or a timeout. */
    /**
     * A try that got no answer (refused, reset, timed out) took {@code micros}: the latency
     * balancer counts it (Kong's log phase counts the last try's connect and response time), so a
     * target that hangs scores its timeout rather than staying unmeasured, the best score (helper
     * review 211).
     */
    public void reportNoAnswer(long micros) {
        if (tracksLatency) {
            state.recordLatency(micros);
        }
    }

    public void reportFailure(Failure failure) {
        if (passive.enabled()) {
            state.health.passiveFailure(passive, failure);
        }
    }

    public String address() {
        return authority(host, port);
    }

    /** The target as the file writes it ({@code name:port}), which every address of the name shares. */
    public String written() {
        return authority(name, port);
    }

    @Override
    public String toString() {
        return address();
    }
}
