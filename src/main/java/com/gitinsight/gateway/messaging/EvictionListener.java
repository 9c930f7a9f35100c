package com.gitinsight.gateway.messaging;

import com.gitinsight.gateway.cache.EvictionFeed;
import com.gitinsight.gateway.cache.ResponseCache;
import com.gitinsight.gateway.runtime.ContainerThreads;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps this node subscribed to the eviction events the {@code cache-eviction} plugin names, and
 * tells the cache how far to trust them: connected, events evict; disconnected (broker down at
 * start, or lost later), entries the rules cover live at most {@code disconnected_ttl}, the
 * subscription is retried with backoff, and on reconnecting those entries are flushed, since
 * events may have been missed. A config reload with a different plugin config resubscribes.
 */
@ApplicationScoped
public class EvictionListener implements EvictionFeed {

    private static final Logger LOG = Logger.getLogger(EvictionListener.class.getName());

    /** What {@code /_gateway/health} and the status page report. */
    public record Status(
            boolean configured,
            boolean connected,
            Instant since,
            String lastError,
            long applied,
            long rejected,
            long lastLagMillis) {}

    @Inject
    ResponseCache cache;

    private final Object lock = new Object();
    private ScheduledExecutorService worker;
    private volatile EvictionEvents events;
    private volatile CacheEvictionSchema.Config config;
    private Subscription subscription;
    private volatile boolean connected;
    private volatile Instant since = Instant.now();
    private volatile String lastError;
    private long backoffMillis;
    private final RejectionLog rejections = new RejectionLog(LOG, System::nanoTime, "rejected messages");
    /** Apart from the rejections: a publisher's bad messages must not hide the listener's own failures. */
    private final RejectionLog failures = new RejectionLog(LOG, System::nanoTime, "messages that could not be handled");

    private int subscriptions;
    /** When the running subscription was made (System.nanoTime). */
    private long subscribedNanos;
    /** How long a subscription must have held for its loss to start the backoff again. */
    static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private int generation;
    /** The queue the last RabbitMQ subscription made (tests). */
    volatile String lastQueue;

    public EvictionListener() {}

    /** For tests outside the container. */
    public EvictionListener(ResponseCache cache) {
        this.cache = cache;
    }

    void onConfig(@Observes GatewaySnapshot snapshot) {
        configure(snapshot.plugins().config(null, CacheEvictionSchema.NAME, CacheEvictionSchema.Config.class));
    }

    /** Subscribes as {@code next} says (null: unsubscribes); nothing changes when it is the running config. */
    public void configure(CacheEvictionSchema.Config next) {
        synchronized (lock) {
            if (Objects.equals(next, config)) {
                return;
            }
            if (worker == null) {
                worker = Executors.newSingleThreadScheduledExecutor(ContainerThreads.factory("gateway-eviction"));
                events = new EvictionEvents(cache);
            }
            config = next;
            generation++;
            int g = generation;
            backoffMillis = 0;
            cache.feed(next == null ? null : this);
            worker.execute(() -> connect(g));
        }
    }

    private void connect(int g) {
        CacheEvictionSchema.Config c;
        Subscription old;
        synchronized (lock) {
            if (g != generation) {
                return;
            }
            old = takeSubscription();
            c = config;
        }
        close(old);
        if (c == null) {
            disconnected(null);
            return;
        }
        try {
            Subscription s = subscribe(c, g);
            synchronized (lock) {
                if (g != generation) {
                    s.close();
                    return;
                }
                subscription = s;
                subscribedNanos = System.nanoTime();
                subscriptions++;
            }
            scheduleCheck(g, c, s);
            // Events may have been missed while not subscribed: what they would have evicted goes now.
            int flushed = cache.purgeEvictable();
            connected = true;
            since = Instant.now();
            lastError = null;
            LOG.info(() -> "cache eviction: subscribed to " + c.bindings()
                    + (flushed > 0
                            ? "; flushed " + flushed + " entries events could have evicted while not subscribed"
                            : ""));
        } catch (JMSException | RuntimeException e) {
            disconnected(e);
            retry(g, c);
        } catch (LinkageError e) {
            // A provider class missing from the deployment: say so rather than die in the pool.
            LOG.log(Level.SEVERE, "cache eviction: the " + c.provider() + " client cannot be loaded", e);
            disconnected(new IllegalStateException(e.toString(), e));
        }
    }

    private Subscription subscribe(CacheEvictionSchema.Config c, int g) throws JMSException {
        String queue = "gateway.eviction." + host() + "." + UUID.randomUUID();
        lastQueue = queue;
        Subscription[] self = new Subscription[1];
        Subscription.Handler handler = session -> message -> onMessage(c, self[0], session, message);
        return switch (c.provider()) {
            case RABBITMQ ->
                self[0] = RabbitMqSubscription.open(
                        c, queue, ContainerThreads.factory("gateway-eviction-amqp"), handler, e -> lost(g, c, self, e));
            case ARTEMIS -> self[0] = ArtemisSubscription.open(c, handler, e -> lost(g, c, self, e));
        };
    }

    /**
     * {@code lost[0]} is the subscription that failed: only it is closed and replaced (helper review
     * 200: a late failure of a subscription already replaced closed its healthy successor).
     */
    private void lost(int g, CacheEvictionSchema.Config c, Subscription[] lost, JMSException e) {
        disconnected(e);
        ScheduledExecutorService w;
        synchronized (lock) {
            w = worker;
            if (g != generation || w == null || w.isShutdown()) {
                return;
            }
        }
        // Closed on the worker, outside the lock: this may run on the client's own delivery
        // thread, which closing its connection waits for. Once per subscription lost (a
        // consumer's failure and then its connection's end are one loss).
        w.execute(() -> {
            Subscription failed;
            synchronized (lock) {
                if (g != generation || subscription == null || subscription != lost[0]) {
                    return;
                }
                failed = takeSubscription();
            }
            close(failed);
            synchronized (lock) {
                // A subscription that held for a while starts the backoff again; one lost soon after
                // it was made keeps it growing (helper review 250: a message that kills the
                // connection, published every half second, flushed every node's cache as often).
                if (System.nanoTime() - subscribedNanos >= STABLE_NANOS) {
                    backoffMillis = 0;
                }
            }
            retry(g, c);
        });
    }

    /** How often the running subscription is checked on the broker ({@link Subscription#verify}). */
    private long checkMillis = 30_000;

    /** For tests: a shorter check interval. */
    void checkEvery(long millis) {
        checkMillis = millis;
    }

    private void scheduleCheck(int g, CacheEvictionSchema.Config c, Subscription s) {
        synchronized (lock) {
            if (g != generation || worker == null || worker.isShutdown()) {
                return;
            }
            worker.schedule(() -> check(g, c, s), checkMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** On the worker: the subscription still stands, or it is lost (see {@link #lost}). */
    private void check(int g, CacheEvictionSchema.Config c, Subscription s) {
        synchronized (lock) {
            if (g != generation || subscription != s) {
                return; // replaced meanwhile: its successor has its own check
            }
        }
        try {
            String notMade = s.verify();
            if (notMade != null) {
                LOG.fine(() -> "cache eviction: the subscription could not be checked (" + notMade + ")");
            }
            scheduleCheck(g, c, s);
        } catch (JMSException e) {
            lost(g, c, new Subscription[] {s}, e);
        }
    }

    /** How many subscriptions were made (tests). */
    int subscriptions() {
        synchronized (lock) {
            return subscriptions;
        }
    }

    /** The wait before the last reconnection scheduled (tests). */
    long backoffMillis() {
        synchronized (lock) {
            return backoffMillis;
        }
    }

    private void retry(int g, CacheEvictionSchema.Config c) {
        synchronized (lock) {
            if (g != generation || worker == null || worker.isShutdown()) {
                return;
            }
            backoffMillis = backoffMillis == 0 ? 500 : Math.min(backoffMillis * 2, c.reconnectMaxMillis());
            worker.schedule(() -> connect(g), backoffMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void disconnected(Exception e) {
        boolean was = connected;
        connected = false;
        if (was) {
            since = Instant.now();
        }
        if (e != null) {
            String reason = withoutCredentials(
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            if (was || lastError == null) {
                LOG.warning("cache eviction: not subscribed (" + reason + "); entries the rules cover live at most"
                        + " disconnected_ttl until it is back; retrying");
            }
            lastError = reason;
        }
    }

    /**
     * URL user info and password parameters hidden: a client library's message may quote the broker
     * URL with its password (Artemis takes it as {@code ?user=..&password=..}: helper review 250).
     */
    static String withoutCredentials(String message) {
        String m = USER_INFO.matcher(message).replaceAll("$1***@");
        return PASSWORD_PARAMETER.matcher(m).replaceAll("$1$2***");
    }

    private static final java.util.regex.Pattern USER_INFO =
            java.util.regex.Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");
    /**
     * {@code password=x}, {@code password="x y"}, {@code 'x'}, {@code password: x}, JSON's
     * {@code "password":"x"}, and names that hold such a word ({@code db_password}, {@code userPassword}).
     */
    private static final java.util.regex.Pattern PASSWORD_PARAMETER =
            java.util.regex.Pattern.compile("(?i)([\\w.-]*(?:password|passwd|pwd|secret|token)[\\w.-]*|\\bpass\\b)"
                    + "([\"']?\\s*[=:]\\s*)(?:\"[^\"]*\"|'[^']*'|[^&\\s;,)\\]}'\"]*)");

    /** Never throws: a throwing listener would silently stop the consumer. */
    private void onMessage(CacheEvictionSchema.Config c, Subscription from, Session session, Message message) {
        String id = null;
        try {
            // A publisher may choose the id (AMQP message-id): shown as any of its values.
            id = message.getJMSMessageID() != null
                    ? EvictionEvents.shown(message.getJMSMessageID())
                    : "(no message id)";
            if (message.propertyExists(JmsSubscription.REJECTION_REASON)) {
                // A copy this gateway (or another node) dead-lettered, come back through a binding:
                // rejecting it again would publish it again, on every node, round after round.
                LOG.fine(() -> "cache eviction: dropped a dead-lettered copy that came back");
                return;
            }
            String type = message.getStringProperty("event_type");
            long length = bodyLength(message);
            byte[] body;
            EvictionEvents.Outcome outcome;
            if (length > EvictionEvents.MAX_BODY_BYTES) {
                // Not read: an event is a few ids, and a huge body would be copied (twice) on the heap.
                body = new byte[0];
                outcome = new EvictionEvents.Rejected("body of " + length + " bytes is longer than "
                        + EvictionEvents.MAX_BODY_BYTES + " (dead-lettered without it)");
            } else {
                body = body(message);
                outcome = applied(c, type, body);
            }
            lag(message.getJMSTimestamp());
            if (outcome instanceof EvictionEvents.Rejected r) {
                String shownId = id;
                rejections.warn(
                        () -> "cache eviction: rejected message " + shownId + ": " + r.reason()
                                + (c.deadLetterExchange() != null
                                        ? " (dead-lettered to " + c.deadLetterExchange() + ")"
                                        : " (dropped)"),
                        null);
                if (c.deadLetterExchange() != null) {
                    from.deadLetter(session, c.deadLetterExchange(), type, body, r.reason());
                }
            }
        } catch (JMSException | RuntimeException | Error e) {
            String shownId = id;
            failures.warn(() -> "cache eviction: message " + shownId + " could not be handled", e);
        }
    }

    /**
     * The event applied. One that fails as it is applied (the cache failing mid-purge) was
     * acknowledged already and is not delivered again: what it named may still be cached, so what
     * any event covers goes, as when the feed is lost (helper review 311: it was logged, and its
     * entries served until their TTL).
     */
    private EvictionEvents.Outcome applied(CacheEvictionSchema.Config c, String type, byte[] body) {
        try {
            return events.apply(c, type, body);
        } catch (RuntimeException | Error e) {
            try {
                cache.purgeEvictable();
            } catch (RuntimeException | Error again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * Records how late an event came, from its publisher's timestamp: AMQP's is whole seconds (the
     * RabbitMQ JMS client passes it on as it is: the lag read ~1.7e12 ms), Artemis's milliseconds;
     * a clock far off (or a value chosen to skew the figure) is not recorded.
     */
    private void lag(long timestamp) {
        if (timestamp <= 0) {
            return;
        }
        long millis = timestamp < 100_000_000_000L ? timestamp * 1000 : timestamp;
        long lag = System.currentTimeMillis() - millis;
        if (lag >= -60_000 && lag <= 86_400_000) {
            events.lag(Math.max(0, lag));
        }
    }

    /** The body's length in bytes (a text's in characters: its UTF-8 bytes are up to three times as many). */
    private static long bodyLength(Message message) throws JMSException {
        if (message instanceof BytesMessage b) {
            return b.getBodyLength();
        }
        if (message instanceof TextMessage t) {
            return t.getText() == null ? 0 : t.getText().length();
        }
        return 0;
    }

    private static byte[] body(Message message) throws JMSException {
        if (message instanceof BytesMessage b) {
            byte[] out = new byte[(int) b.getBodyLength()];
            b.readBytes(out);
            return out;
        }
        if (message instanceof TextMessage t) {
            return t.getText() == null ? new byte[0] : t.getText().getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }

    /** Takes the subscription out (under the lock), to be closed outside it. */
    private Subscription takeSubscription() {
        Subscription s = subscription;
        subscription = null;
        connected = false;
        return s;
    }

    private static void close(Subscription s) {
        if (s != null) {
            s.close();
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "node";
        }
    }

    // ---- EvictionFeed: what the cache asks ----

    @Override
    public boolean covers(String path) {
        CacheEvictionSchema.Config c = config;
        if (c == null) {
            return false;
        }
        for (CacheEvictionSchema.Rule r : c.rules()) {
            for (PathTemplate t : r.paths()) {
                if (t.covers(path)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean trusted() {
        return connected;
    }

    @Override
    public long distrustedLifeMillis() {
        CacheEvictionSchema.Config c = config;
        return c == null ? Long.MAX_VALUE : c.disconnectedTtlMillis();
    }

    public Status status() {
        EvictionEvents e = events;
        return new Status(
                config != null,
                connected,
                since,
                lastError,
                e == null ? 0 : e.applied(),
                e == null ? 0 : e.rejected(),
                e == null ? -1 : e.lastLagMillis());
    }

    @PreDestroy
    public void close() {
        Subscription last;
        synchronized (lock) {
            generation++;
            last = takeSubscription();
            if (worker != null) {
                worker.shutdownNow();
            }
        }
        close(last);
    }
}
