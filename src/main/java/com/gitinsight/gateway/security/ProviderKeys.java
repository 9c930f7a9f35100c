package com.gitinsight.gateway.security;

import java.io.IOException;
import java.security.Key;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * One provider's signing keys for jose4j: fetched on first use, again when they are older than
 * {@code jwks_cache_seconds}, and when a token names a key that is not among them; but never more
 * than once per {@code jwks_min_refresh_seconds}, so tokens with random {@code kid}s cannot hammer
 * the provider. A failed fetch keeps the keys there were (and is tried again after the minimum
 * interval, counted from the fetch's end); only when there never were any does it fail the token.
 * While a refresh runs, other requests verify with the keys there are; a request whose key is
 * missing waits for it at most {@link #MISSING_KEY_WAIT_NANOS} (the first keys, as long as it takes).
 */
final class ProviderKeys implements VerificationKeyResolver {

    private static final Logger LOG = Logger.getLogger(ProviderKeys.class.getName());

    /** Where the keys come from ({@link IdentityProviderClient#keys}, after discovery when needed). */
    interface Source {
        JsonWebKeySet fetch() throws IOException;
    }

    private final String name;
    private final Source source;
    private final long cacheNanos;
    private final long minRefreshNanos;
    private final LongSupplier clock;
    private final ReentrantLock refreshing = new ReentrantLock();
    private final VerificationJwkSelector selector = new VerificationJwkSelector();

    /** A request before the first keys waits this many times {@link #MISSING_KEY_WAIT_NANOS} (10 s). */
    static final int FIRST_KEYS_WAITS = 5;

    /** How long a token whose key is missing waits for a fetch already running. */
    static final long MISSING_KEY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final long missingKeyWaitNanos;

    private volatile List<JsonWebKey> keys;
    private volatile long expiresAt;
    private volatile boolean tried;
    private volatile long triedAt;
    private volatile String failure;

    ProviderKeys(String name, Source source, int cacheSeconds, int minRefreshSeconds) {
        this(name, source, cacheSeconds, minRefreshSeconds, System::nanoTime);
    }

    ProviderKeys(String name, Source source, int cacheSeconds, int minRefreshSeconds, LongSupplier clock) {
        this(name, source, cacheSeconds, minRefreshSeconds, clock, MISSING_KEY_WAIT_NANOS);
    }

    /** {@code missingKeyWaitNanos}: see {@link #MISSING_KEY_WAIT_NANOS} (tests wait less). */
    ProviderKeys(
            String name,
            Source source,
            int cacheSeconds,
            int minRefreshSeconds,
            LongSupplier clock,
            long missingKeyWaitNanos) {
        this.missingKeyWaitNanos = missingKeyWaitNanos;
        this.name = name;
        this.source = source;
        this.cacheNanos = TimeUnit.SECONDS.toNanos(cacheSeconds);
        this.minRefreshNanos = TimeUnit.SECONDS.toNanos(minRefreshSeconds);
        this.clock = clock;
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext) throws UnresolvableKeyException {
        List<JsonWebKey> current = keys;
        if (current == null) {
            // The first keys: wait for a fetch already running, but not without end (attacker
            // review 178: before a provider first answered, every SSO request queued behind its
            // fetch, discovery and keys each up to their timeouts).
            current = refresh(FIRST_KEYS_WAITS * missingKeyWaitNanos);
        } else if (clock.getAsLong() - expiresAt >= 0) {
            current = refresh(0);
        }
        JsonWebKey key = select(jws, current);
        if (key == null) {
            // Attacker review 153: tokens with random kids queued every request behind a fetch
            // from a slow provider; a missing key waits a little for one already running.
            List<JsonWebKey> again = refresh(missingKeyWaitNanos);
            key = again == current ? null : select(jws, again);
        }
        if (key == null) {
            throw new UnresolvableKeyException(
                    "no key" + (jws.getKeyIdHeaderValue() == null ? "" : " with kid " + jws.getKeyIdHeaderValue())
                            + " for " + jws.getAlgorithmHeaderValue()
                            + " among the " + keys.size() + " of " + name);
        }
        return key.getKey();
    }

    /** Tried at most, when several keys could have signed a token (no kid): a key set is small. */
    private static final int MAX_CANDIDATES = 4;

    /**
     * The key that signed it: of the keys the token could name (its kid, key type, use), those not
     * declaring another {@code alg} (RFC 7517 4.4; helper review 191: an RS512 key verified RS256
     * tokens), and of several (a token without kid), the one its signature verifies with, as
     * jose4j's own resolver disambiguates (only the first was tried: tokens signed by the second
     * key of a set were refused).
     */
    private JsonWebKey select(JsonWebSignature jws, List<JsonWebKey> from) throws UnresolvableKeyException {
        try {
            String alg = jws.getAlgorithmHeaderValue();
            List<JsonWebKey> candidates = new java.util.ArrayList<>();
            for (JsonWebKey k : selector.selectList(jws, from)) {
                if (k.getAlgorithm() == null || k.getAlgorithm().equals(alg)) {
                    candidates.add(k);
                }
            }
            if (candidates.size() <= 1) {
                return candidates.isEmpty() ? null : candidates.get(0);
            }
            for (JsonWebKey k : candidates.subList(0, Math.min(candidates.size(), MAX_CANDIDATES))) {
                try {
                    jws.setKey(k.getKey());
                    if (jws.verifySignature()) {
                        return k;
                    }
                } catch (JoseException e) {
                    // This key cannot verify it (too short, another curve): the next may (helper review 192).
                }
            }
            return candidates.get(0); // none verifies: the consumer refuses the signature
        } catch (JoseException e) {
            throw new UnresolvableKeyException("no key selected among those of " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fetches the keys unless that was tried less than the minimum interval ago; returns the keys
     * there are then. {@code waitNanos}: how long to wait for a fetch another thread is running
     * (0: not at all); past it, the keys there are (none yet: refused).
     */
    private List<JsonWebKey> refresh(long waitNanos) throws UnresolvableKeyException {
        try {
            if (!refreshing.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
                return keysOrFail();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return keysOrFail();
        }
        try {
            long now = clock.getAsLong();
            if (!tried || now - triedAt >= minRefreshNanos) {
                tried = true;
                triedAt = now;
                try {
                    JsonWebKeySet fetched = source.fetch();
                    keys = List.copyOf(fetched.getJsonWebKeys());
                    expiresAt = now + cacheNanos;
                    failure = null;
                } catch (IOException | RuntimeException e) {
                    failure = e.getMessage() == null ? e.toString() : e.getMessage();
                    // Tried again after the minimum interval, not on every request.
                    expiresAt = now + minRefreshNanos;
                    LOG.warning(() -> "SSO keys of " + name + " could not be fetched"
                            + (keys == null ? "" : "; verifying with the " + keys.size() + " known") + ": " + failure);
                }
                // The interval counts from the fetch's end: a request that waited out a slow fetch
                // does not start the next one at once.
                triedAt = clock.getAsLong();
            }
            return keysOrFail();
        } finally {
            refreshing.unlock();
        }
    }

    private List<JsonWebKey> keysOrFail() throws UnresolvableKeyException {
        List<JsonWebKey> current = keys;
        if (current == null) {
            throw new UnresolvableKeyException(
                    "the keys of " + name + " could not be fetched" + (failure == null ? "" : ": " + failure));
        }
        return current;
    }
}
