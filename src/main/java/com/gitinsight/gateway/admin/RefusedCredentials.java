package com.gitinsight.gateway.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Wrong admin credentials, per client address: after {@link #ALLOWED} in one {@link #WINDOW} a
 * client is answered 429 without its credential being looked at, until the window has passed
 * (helper review 197: guesses were unlimited, and recorded nowhere). Each refusal is counted, and
 * said at WARNING at most once a minute with the count since, so guessing is visible without a
 * client being able to fill the log. Bounded: a client chooses its address only among those the
 * admin API lets in.
 */
final class RefusedCredentials {

    private static final Logger LOG = Logger.getLogger(RefusedCredentials.class.getName());
    static final int ALLOWED = 20;
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final Cache<String, AtomicLong> byClient;
    private final Ticker ticker;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong unsaid = new AtomicLong();
    private final AtomicLong lastSaid = new AtomicLong(Long.MIN_VALUE);

    RefusedCredentials() {
        this(Ticker.systemTicker());
    }

    RefusedCredentials(Ticker ticker) {
        this.ticker = ticker;
        this.byClient = Caffeine.newBuilder()
                .expireAfterWrite(WINDOW)
                .maximumSize(100_000)
                .ticker(ticker)
                .build();
    }

    /** Whether {@code client} has used up its wrong guesses for now. */
    boolean blocked(String client) {
        AtomicLong n = byClient.getIfPresent(client);
        return n != null && n.get() >= ALLOWED;
    }

    /**
     * Whether a request from a blocked {@code client} goes on: only with the static token, and only
     * among the first {@link #STATIC_TRIES_WHILE_BLOCKED} requests of the block (an admin sharing
     * the address with a guesser still gets in; a guesser of the static token gets that many more
     * tries a window, not as many as it can send: helper review 250). Every request refused here
     * is counted and said as a wrong credential.
     */
    boolean admitsWhileBlocked(String client, java.util.function.BooleanSupplier isStaticToken) {
        AtomicLong n = byClient.getIfPresent(client);
        boolean heard = n == null || n.get() < ALLOWED + STATIC_TRIES_WHILE_BLOCKED;
        if (heard && isStaticToken.getAsBoolean()) {
            return true;
        }
        refused(client);
        return false;
    }

    /** Requests of a blocked client whose static token is still compared, per window. */
    static final int STATIC_TRIES_WHILE_BLOCKED = 100;

    /** Records a wrong credential from {@code client}. */
    void refused(String client) {
        // The window starts at the first refusal: later ones do not push it on (no write to the entry).
        byClient.get(client, c -> new AtomicLong()).incrementAndGet();
        total.incrementAndGet();
        unsaid.incrementAndGet();
        long now = ticker.read();
        long said = lastSaid.get();
        if ((said == Long.MIN_VALUE || now - said >= WINDOW.toNanos()) && lastSaid.compareAndSet(said, now)) {
            long count = unsaid.getAndSet(0);
            LOG.warning(() ->
                    "admin API: " + count + " wrong credential(s) since the last report, the latest from " + client);
        }
    }

    long total() {
        return total.get();
    }
}
