package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.observability.GatewayMetrics;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The open WebSocket relays of this deployment: the client they dial backends with, the timer of
 * their keep-alive pings, and a goodbye (1001 Going Away) to every client when the gateway stops.
 */
@ApplicationScoped
public class WebSocketRelays implements Unproxied<WebSocketRelays> {

    @Inject
    GatewayMetrics metrics;

    /** The container's endpoint every relayed connection is upgraded to; the id names its relay. */
    static final String ENDPOINT_PATH = "/_gateway/websocket-relay/{relay}";

    private final Set<WebSocketRelay> open = ConcurrentHashMap.newKeySet();
    /** Relays whose backend is connected and whose client is being upgraded, by a random id. */
    private final Map<String, WebSocketRelay> pending = new ConcurrentHashMap<>();

    /** Whether a service without {@code tls_verify} has its backends' certificates checked (Kong: no). */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "gateway.upstream.tls-verify", defaultValue = "false")
    boolean tlsVerify;

    private static final int MAX_CLIENTS = 64;

    /**
     * Relays open or being upgraded at once, in all and per client address: each holds about 120
     * KiB of heap for as long as its route's ws_idle_timeout (an hour), so connections nobody
     * counted could take the heap (attacker review 179).
     */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "gateway.websocket.max-connections",
            defaultValue = "1000")
    int maxConnections = 1000;

    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "gateway.websocket.max-connections-per-address",
            defaultValue = "100")
    int maxPerAddress = 100;

    /** nginx's send_timeout: how long a frame may wait for a client that stopped reading. */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "gateway.websocket.send-timeout-ms",
            defaultValue = "60000")
    long sendTimeoutMs = 60_000;

    long sendTimeoutMs() {
        return sendTimeoutMs;
    }

    @jakarta.annotation.PostConstruct
    void checkSettings() {
        ClientPace.atLeast("gateway.websocket.max-connections", maxConnections, 0);
        ClientPace.atLeast("gateway.websocket.max-connections-per-address", maxPerAddress, 0);
        ClientPace.atLeast("gateway.websocket.send-timeout-ms", sendTimeoutMs, 1);
    }

    /** Relays admitted whose backend is being dialled (not parked yet): counted against the caps. */
    private final Set<WebSocketRelay> dialing = ConcurrentHashMap.newKeySet();

    /**
     * Admits {@code relay} (counted from now on, until {@link #dialed}) or says why not. Check and
     * count are one step, or handshakes arriving together would all pass (attacker review 185);
     * only handshakes take this lock.
     */
    synchronized String admit(WebSocketRelay relay) {
        String why = full(relay.clientAddress());
        if (why == null) {
            dialing.add(relay);
        }
        return why;
    }

    /** The relay's dialling is over: parked (counted there) or given up. */
    void dialed(WebSocketRelay relay) {
        dialing.remove(relay);
    }

    /**
     * Why one more WebSocket from {@code address} is refused, or null when it may open. Counted
     * from the relays themselves (no count to leak): a scan, once per handshake. An address is
     * counted as slow clients are: an IPv6 client's whole /64.
     */
    String full(String address) {
        int all = open.size() + pending.size() + dialing.size();
        if (all >= maxConnections) {
            return "Too many WebSocket connections (gateway.websocket.max-connections)";
        }
        String key = SlowClientPolicy.key(address);
        int mine = 0;
        for (WebSocketRelay r : open) {
            mine += key.equals(SlowClientPolicy.key(r.clientAddress())) ? 1 : 0;
        }
        for (WebSocketRelay r : pending.values()) {
            mine += key.equals(SlowClientPolicy.key(r.clientAddress())) ? 1 : 0;
        }
        for (WebSocketRelay r : dialing) {
            mine += key.equals(SlowClientPolicy.key(r.clientAddress())) ? 1 : 0;
        }
        return mine >= maxPerAddress
                ? "Too many WebSocket connections from this address (gateway.websocket.max-connections-per-address)"
                : null;
    }

    /** One client per TLS profile, as the HTTP pools (see {@code UpstreamClient}). */
    private final Map<com.gitinsight.gateway.upstream.BackendTls.Profile, HttpClient> clients =
            new ConcurrentHashMap<>();

    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-websocket-pings");
        t.setDaemon(true);
        return t;
    });

    /** The client for a backend whose TLS is {@code tls}. */
    HttpClient client(com.gitinsight.gateway.config.ServiceTls tls) {
        if (clients.size() > MAX_CLIENTS) {
            // Reloads that rotate certificates leave clients behind: forget them (a relay holds its
            // own client; an unreferenced JDK client ends with its last reference).
            clients.clear();
        }
        return clients.computeIfAbsent(
                com.gitinsight.gateway.upstream.BackendTls.Profile.of(tls, tlsVerify),
                profile -> HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .sslContext(com.gitinsight.gateway.upstream.BackendTls.context(profile))
                        .build());
    }

    ScheduledExecutorService pinger() {
        return pinger;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    /** Parks a relay for the client's upgrade; returns its id (unguessable: the endpoint is reachable). */
    String park(WebSocketRelay relay) {
        String id = UUID.randomUUID().toString();
        pending.put(id, relay);
        // A client that never completes its upgrade must not keep the backend nor a place for ever.
        pinger.schedule(
                () -> {
                    WebSocketRelay left = pending.remove(id);
                    if (left != null) {
                        left.abandon();
                    }
                },
                PARKED_SECONDS,
                TimeUnit.SECONDS);
        return id;
    }

    /** How long a relay waits for its client's upgrade. */
    static final long PARKED_SECONDS = 30;

    WebSocketRelay peek(String id) {
        return id == null ? null : pending.get(id);
    }

    /** The relay parked under {@code id}, taken (once). */
    WebSocketRelay claim(String id) {
        return id == null ? null : pending.remove(id);
    }

    void opened(WebSocketRelay relay) {
        open.add(relay);
        metrics.websocketOpened(relay.route());
    }

    void closed(WebSocketRelay relay) {
        if (open.remove(relay)) {
            metrics.websocketClosed(relay.route());
        }
    }

    public int openCount() {
        return open.size();
    }

    @PreDestroy
    void stop() {
        for (WebSocketRelay relay : open) {
            relay.closeBoth(CloseReason.CloseCodes.GOING_AWAY, "gateway shutting down");
        }
        pinger.shutdownNow();
    }

    @Override
    public void passInstance(Consumer<? super WebSocketRelays> receiver) {
        receiver.accept(this);
    }
}
