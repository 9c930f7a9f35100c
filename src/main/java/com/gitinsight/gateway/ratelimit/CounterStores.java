package com.gitinsight.gateway.ratelimit;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.TrustedProxies;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The counter stores, kept across reloads (counts survive a config change): one local store, and
 * one Redis connection pool per Redis the plugins name. Also remembers whether Redis is failing,
 * to log it once per outage.
 */
@ApplicationScoped
public class CounterStores implements Unproxied<CounterStores> {

    private static final Logger LOG = Logger.getLogger(CounterStores.class.getName());

    @Inject
    TrustedProxies clients;

    @Inject
    @ConfigProperty(name = "gateway.ratelimit.local.max-keys", defaultValue = "200000")
    long maxKeys;

    @Inject
    @ConfigProperty(name = "gateway.ratelimit.redis.max-connections", defaultValue = "0")
    int maxConnections;

    /** How often dead local states (windows ended, buckets full again) are removed. */
    @Inject
    @ConfigProperty(name = "gateway.ratelimit.local.sweep-seconds", defaultValue = "60")
    long sweepSeconds;

    private volatile LocalCounters local;
    private final Map<RateLimitingSchema.Redis, RedisCounters> redis = new ConcurrentHashMap<>();
    private final Map<RateLimitingSchema.Redis, RateCells.Redis> redisCells = new ConcurrentHashMap<>();
    private volatile RateCells.Local localCells;
    private final AtomicLong allowedWhileDown = new AtomicLong();
    private final AtomicLong limited = new AtomicLong();
    private final AtomicLong rateRefused = new AtomicLong();
    private volatile boolean down;
    private ScheduledExecutorService sweeper;

    /**
     * The counting key: whose counters they are ({@code owner}: the rate-limiting plugin instance,
     * or request-rate's service), what the plugin counts by, and this request's value of it; no
     * value (no consumer, credential or header) means the client address, as in Kong.
     */
    String key(String owner, Object countedBy, String id, HttpServletRequest request) {
        if (id == null) {
            return owner + "|ip|" + clients.clientText(request);
        }
        // A header's value may be a credential (limit_by: header with an API key's header): kept by
        // hash only, never readable in Redis or a heap dump (attacker review 178).
        boolean header = countedBy instanceof Enum<?> e && e.name().equals("HEADER");
        return owner + "|" + countedBy + "|" + (header ? hashed(id) : bounded(id));
    }

    private static String hashed(String id) {
        return "sha256:"
                + com.google.common.hash.Hashing.sha256().hashString(id, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Longest value kept as it is in a key; longer ones (a client-chosen header) are kept by hash. */
    static final int MAX_KEY_VALUE = 128;

    /**
     * A key value whose size the client does not choose: the key cap counts keys, not bytes, so a
     * 30 KB header would otherwise cost 30 KB of heap (and of Redis) per key.
     */
    static String bounded(String id) {
        return id.length() <= MAX_KEY_VALUE ? id : hashed(id);
    }

    CounterStore store(RateLimitingSchema.Config config) {
        if (config.policy() == RateLimitingSchema.Policy.REDIS) {
            return redis.computeIfAbsent(config.redis(), r -> new RedisCounters(r, maxConnections));
        }
        LocalCounters l = local;
        if (l == null) {
            synchronized (this) {
                if (local == null) {
                    local = new LocalCounters(maxKeys);
                    sweepEvery(local::sweep);
                }
                l = local;
            }
        }
        return l;
    }

    RateCells cells(RequestRateSchema.Config config) {
        if (config.policy() == RateLimitingSchema.Policy.REDIS) {
            return redisCells.computeIfAbsent(config.redis(), r -> new RateCells.Redis(r, maxConnections));
        }
        RateCells.Local l = localCells;
        if (l == null) {
            synchronized (this) {
                if (localCells == null) {
                    localCells = new RateCells.Local(maxKeys);
                    RateCells.Local cells = localCells;
                    sweepEvery(now -> cells.sweep());
                }
                l = localCells;
            }
        }
        return l;
    }

    /** Called with the lock held. */
    private void sweepEvery(LongConsumer sweep) {
        if (sweeper == null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gateway-ratelimit-sweeper");
                t.setDaemon(true);
                return t;
            });
        }
        sweeper.scheduleWithFixedDelay(
                () -> {
                    try {
                        sweep.accept(System.currentTimeMillis());
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "rate-limit state sweep failed", e);
                    }
                },
                sweepSeconds,
                sweepSeconds,
                TimeUnit.SECONDS);
    }

    /**
     * The store could not be asked: with {@code fault_tolerant} the request goes on unchecked
     * (counted), otherwise it gets 503. Logged once per outage.
     */
    void unavailable(
            CounterStore.Unavailable e,
            boolean faultTolerant,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        failed(e);
        if (faultTolerant) {
            allowedWhileDown.incrementAndGet();
            chain.doFilter(request, response);
        } else {
            // Kong's handler raises the store's error: 500 (04-access_spec "does not work if an
            // error occurs"; helper review 147).
            ErrorResponses.write(request, response, 500, "An unexpected error occurred");
        }
    }

    private void failed(CounterStore.Unavailable e) {
        if (!down) {
            down = true;
            LOG.warning("rate-limit store unavailable (" + e.getMessage() + "); fault_tolerant plugins let requests"
                    + " through, others answer 500, until it is back");
        }
    }

    void reachable() {
        if (down) {
            down = false;
            LOG.info("rate-limit store reachable again");
        }
    }

    /** A refusal by {@code plugin} (rate-limiting or request-rate), for the metrics. */
    void refused(String plugin) {
        (RateLimitingSchema.NAME.equals(plugin) ? limited : rateRefused).incrementAndGet();
    }

    /** Requests refused by {@code plugin} since start. */
    public long rejected(String plugin) {
        return (RateLimitingSchema.NAME.equals(plugin) ? limited : rateRefused).get();
    }

    /** Requests let through unchecked while a store was down. */
    public long allowedWhileDown() {
        return allowedWhileDown.get();
    }

    @PreDestroy
    void close() {
        synchronized (this) {
            if (sweeper != null) {
                sweeper.shutdownNow();
            }
        }
        redis.values().forEach(RedisCounters::close);
        redisCells.values().forEach(RateCells.Redis::close);
    }

    @Override
    public void passInstance(Consumer<? super CounterStores> receiver) {
        receiver.accept(this);
    }
}
