package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.runtime.Jmx;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheEventListenerConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.event.CacheEvent;
import org.ehcache.event.CacheEventListener;
import org.ehcache.event.EventType;
import org.ehcache.expiry.ExpiryPolicy;

/**
 * The response cache of this node: Ehcache with a heap tier bounded by entries and an off-heap tier
 * bounded in MB, kept across config reloads. Beside it, an index from request path to keys, so an
 * eviction or a purge by pattern looks only at the paths that can match (no scan of the cache),
 * and the in-flight misses, so concurrent misses for one key make one backend request.
 */
@ApplicationScoped
public class ResponseCache implements Unproxied<ResponseCache> {

    private static final Logger LOG = Logger.getLogger(ResponseCache.class.getName());
    private static final ObjectName MBEAN = Jmx.name("io.gitinsight.gateway:type=Cache");

    @Inject
    @ConfigProperty(name = "gateway.cache.heap-entries", defaultValue = "10000")
    long heapEntries;

    @Inject
    @ConfigProperty(name = "gateway.cache.offheap-mb", defaultValue = "64")
    long offheapMb;

    /**
     * What the copies of answers being stored may hold at once: each is bounded by its route's
     * max_body_size (1 MiB by default), and 200 misses in flight would otherwise hold 200 MiB of a
     * 288 MiB heap (attacker review 179). Past it, an answer streams through unstored.
     */
    @Inject
    @ConfigProperty(name = "gateway.cache.copy-budget-bytes", defaultValue = "33554432")
    long copyBudgetBytes = 32L << 20;

    private volatile com.gitinsight.gateway.http.BufferBudget copies;

    /** The longest pattern a JMX purge takes (the admin API's bound). */
    static final int MAX_PATTERN_CHARS = 2048;

    /** Operations made over JMX, recorded in the admin audit log; null outside a container. */
    @Inject
    jakarta.enterprise.event.Event<com.gitinsight.gateway.runtime.OperatorAction> actions;

    private void audited(String action, Map<String, String> details) {
        if (actions != null) {
            try {
                actions.fire(new com.gitinsight.gateway.runtime.OperatorAction("jmx", action, details));
            } catch (RuntimeException e) {
                // Done, but not recorded: said, never an error to the operator's call.
                LOG.log(java.util.logging.Level.WARNING, "JMX " + action + ": not recorded in the audit log", e);
            }
        }
    }

    /** How long a copy may take to complete before it is dropped (a slow reader must not hold the budget). */
    long copyHoldNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    long copyHoldNanos() {
        return copyHoldNanos;
    }

    /** The budget the copies of answers being stored share. */
    public com.gitinsight.gateway.http.BufferBudget copies() {
        com.gitinsight.gateway.http.BufferBudget b = copies;
        if (b == null) {
            synchronized (this) { // once, at the first capture
                b = copies;
                if (b == null) {
                    copies = b = new com.gitinsight.gateway.http.BufferBudget(copyBudgetBytes);
                }
            }
        }
        return b;
    }

    private CacheManager manager;
    // Made on the first store: the off-heap tier is resident memory (64 MB by default), which a
    // gateway with no proxy-cache route should not hold. Null until then: nothing is cached.
    private volatile Cache<String, CachedResponse> entries;
    private final ConcurrentSkipListMap<String, Set<String>> byPath = new ConcurrentSkipListMap<>();
    private final Map<String, Leader> inflight = new ConcurrentHashMap<>();

    /** The miss that went to the backend for a key, and when (ms of {@link #lockClock}). */
    public record Leader(CompletableFuture<CachedResponse> answer, long started) {}

    /** Milliseconds of a monotonic clock, for the lock's age: a wall clock set back would stretch it. */
    public static long lockClock() {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong purges = new AtomicLong();

    /** A purge: its number and what it removed (key, index path), for the stores it overlapped. */
    private record Purge(long number, java.util.function.BiPredicate<String, String> covers) {}

    /** The last purges, by number modulo its length: a store checks only those since it began. */
    private static final int RECENT_PURGES = 1024;

    private final java.util.concurrent.atomic.AtomicReferenceArray<Purge> recentPurges =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(RECENT_PURGES);
    private volatile EvictionFeed feed = EvictionFeed.NONE;
    private boolean registered;

    public ResponseCache() {}

    /** For tests outside the container. */
    public ResponseCache(long heapEntries, long offheapMb) {
        this.heapEntries = heapEntries;
        this.offheapMb = offheapMb;
        start();
    }

    @PostConstruct
    void start() {
        if (copyBudgetBytes < 0) {
            throw new IllegalArgumentException(
                    "gateway.cache.copy-budget-bytes: expected at least 0, got " + copyBudgetBytes);
        }
        manager = CacheManagerBuilder.newCacheManagerBuilder().build(true);
    }

    private Cache<String, CachedResponse> entries() {
        Cache<String, CachedResponse> made = entries;
        if (made == null) {
            synchronized (this) {
                made = entries;
                if (made == null) {
                    made = create();
                    entries = made;
                }
            }
        }
        return made;
    }

    /** Whether the tiers (and the off-heap memory) have been made; for tests. */
    boolean tierMade() {
        return entries != null;
    }

    private Cache<String, CachedResponse> create() {
        return manager.createCache(
                "gateway-responses",
                CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                String.class,
                                CachedResponse.class,
                                ResourcePoolsBuilder.heap(heapEntries).offheap(offheapMb, MemoryUnit.MB))
                        .withValueSerializer(new CachedResponseSerializer())
                        .withExpiry(new KeptUntil())
                        .withService(CacheEventListenerConfigurationBuilder.newEventListenerConfiguration(
                                        (CacheEventListener<String, CachedResponse>) this::dropped,
                                        EventType.EXPIRED,
                                        EventType.EVICTED,
                                        EventType.REMOVED)
                                .unordered()
                                .synchronous()));
    }

    /** Registered by the container's start only (tests make many caches in one JVM). */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        registered = register(ManagementFactory.getPlatformMBeanServer());
    }

    /** Registers (replacing a copy left by a deployment that did not stop cleanly). */
    boolean register(MBeanServer server) {
        return Jmx.register(server, MBEAN, new Control());
    }

    @PreDestroy
    public void stop() {
        if (registered) {
            Jmx.unregister(MBEAN);
        }
        manager.close();
    }

    private final class Control implements CacheControlMXBean {
        @Override
        public long getEntries() {
            return size();
        }

        @Override
        public long getHits() {
            return hits();
        }

        @Override
        public long getMisses() {
            return misses();
        }

        @Override
        public long getEvictions() {
            return evictions();
        }

        @Override
        public long purgeAll() {
            long n = size();
            ResponseCache.this.purgeAll();
            LOG.info(() -> "cache: purged all (" + n + " entries) over JMX");
            audited("purge all", Map.of("purged", Long.toString(n)));
            return n;
        }

        @Override
        public boolean purgeKey(String key) {
            boolean purged = ResponseCache.this.purgeKey(key);
            LOG.info(() -> "cache: purge of one key over JMX (" + (purged ? "purged" : "not cached") + ")");
            // The key may hold a user's identity: not recorded, only whether it was cached.
            audited("purge key", Map.of("purged", Boolean.toString(purged)));
            return purged;
        }

        @Override
        public int purgePattern(String pathPattern) {
            if (pathPattern == null || pathPattern.length() > MAX_PATTERN_CHARS) {
                // As the admin API bounds it.
                throw new IllegalArgumentException("a pattern is at most " + MAX_PATTERN_CHARS + " characters");
            }
            int n = purge(PathPattern.compile(pathPattern));
            LOG.info(() -> "cache: purged " + n + " entries matching " + pathPattern + " over JMX");
            audited("purge pattern", Map.of("pattern", pathPattern, "purged", Integer.toString(n)));
            return n;
        }
    }

    /** Each entry lives until its own {@code keptUntil}. */
    private static final class KeptUntil implements ExpiryPolicy<String, CachedResponse> {
        @Override
        public Duration getExpiryForCreation(String key, CachedResponse value) {
            if (value.keptUntil() == Long.MAX_VALUE) {
                return ExpiryPolicy.INFINITE; // storage_ttl 0: until the heap needs the room
            }
            return Duration.ofMillis(Math.max(1, value.keptUntil() - System.currentTimeMillis()));
        }

        @Override
        public Duration getExpiryForAccess(String key, Supplier<? extends CachedResponse> value) {
            return null;
        }

        @Override
        public Duration getExpiryForUpdate(String key, Supplier<? extends CachedResponse> old, CachedResponse value) {
            return getExpiryForCreation(key, value);
        }
    }

    private void dropped(CacheEvent<? extends String, ? extends CachedResponse> event) {
        CachedResponse old = event.getOldValue();
        if (old != null) {
            unindex(old.path(), event.getKey());
        }
    }

    /** The stored entry, whatever its freshness (the caller decides), or null. */
    public CachedResponse get(String key) {
        Cache<String, CachedResponse> made = entries;
        return made == null ? null : made.get(key);
    }

    /** Whether {@code entry} may still be served as fresh: fresh, and not distrusted by a gap in the event feed. */
    public boolean servable(CachedResponse entry, long now) {
        return entry.fresh(now) && trusted(entry, now);
    }

    /**
     * Whether {@code entry} may be served at all (fresh or stale): not distrusted by a gap in the
     * event feed (an eviction it covers may have been missed while the feed was down).
     */
    public boolean trusted(CachedResponse entry, long now) {
        EvictionFeed f = feed;
        return !entry.evictable() || f.trusted() || now - entry.storedAt() < f.distrustedLifeMillis();
    }

    public boolean evictable(String path) {
        return feed.covers(path);
    }

    /**
     * How many purges have run: a response fetched before a purge (an eviction event that came
     * while the backend answered) is never stored after it, or it would outlive the event.
     */
    public long generation() {
        return purges.get();
    }

    /**
     * Stores it unless a purge that covers it ran since {@code generation}; whether it is stored.
     * Only purges of its key or path count (helper review 190: any purge, of any path, kept every
     * response being fetched meanwhile from being stored, so a user starting analyses could keep
     * the cache empty).
     */
    public boolean put(String key, CachedResponse response, long generation) {
        if (purgedSince(generation, key, response.path())) {
            return false;
        }
        put(key, response);
        if (purgedSince(generation, key, response.path())) {
            // A purge ran while it was stored: it may have missed this entry.
            entries().remove(key);
            unindex(response.path(), key);
            return false;
        }
        return true;
    }

    /** Whether a purge numbered after {@code generation} covers the key or path (unknown: yes). */
    public boolean purgedSince(long generation, String key, String path) {
        long last = purges.get();
        if (last - generation > RECENT_PURGES) {
            return true; // more purges than are remembered
        }
        for (long n = generation + 1; n <= last; n++) {
            Purge p = recentPurges.get((int) (n % RECENT_PURGES));
            if (p == null || p.number() != n || p.covers().test(key, path)) {
                return true; // not recorded yet (being made), overwritten, or covering
            }
        }
        return false;
    }

    /** Numbers a purge and records what it covers, before it removes anything. */
    private void purging(java.util.function.BiPredicate<String, String> covers) {
        long n = purges.incrementAndGet();
        recentPurges.set((int) (n % RECENT_PURGES), new Purge(n, covers));
    }

    /**
     * Stores, then indexes: with {@link #unindex} leaving a key the cache holds, a removal racing a
     * new store of the same key never leaves the stored entry out of the index (helper review
     * 194: a purge's late unindex dropped a key stored after it, so the next event missed it).
     */
    public void put(String key, CachedResponse response) {
        entries().put(key, response);
        // A new set, never the one in the map changed in place: a removal that emptied the old
        // set and is about to drop the path's node compares the node's value with what it saw
        // (by equality), so it drops only a set that still has nothing this put added (helper
        // review 200: both changing one set, the removal dropped the node this put had just
        // added to). Sets per path are small (a path's variants); this runs on a store only.
        byPath.compute(response.path(), (p, keys) -> {
            Set<String> set = ConcurrentHashMap.newKeySet();
            if (keys != null) {
                set.addAll(keys);
            }
            set.add(key);
            return set;
        });
    }

    /** Takes {@code key} out of the index unless the cache holds it (stored again meanwhile). */
    void unindex(String path, String key) {
        byPath.computeIfPresent(path, (p, keys) -> {
            if (!held(key)) {
                keys.remove(key);
            }
            return keys.isEmpty() ? null : keys;
        });
    }

    private boolean held(String key) {
        Cache<String, CachedResponse> made = entries;
        return made != null && made.containsKey(key);
    }

    /**
     * Joins the miss in flight for {@code key}, or registers {@code mine}: null means the caller
     * leads (and must {@link #finish} its key); otherwise the leader to wait for. A leader that
     * started {@code maxAgeMillis} ago or more leads no longer (nginx's {@code proxy_cache_lock_age}):
     * {@code mine} takes its place, so one slow response (a client reading it slowly) cannot keep
     * every later miss of its key waiting.
     */
    public Leader join(String key, Leader mine, long maxAgeMillis) {
        while (true) {
            Leader current = inflight.putIfAbsent(key, mine);
            if (current == null) {
                return null;
            }
            if (mine.started() - current.started() < maxAgeMillis) {
                return current;
            }
            if (inflight.replace(key, current, mine)) {
                return null;
            }
        }
    }

    /** Ends the leader's miss: waiters get {@code stored} (null: nothing was stored, go to the backend). */
    public void finish(String key, Leader mine, CachedResponse stored) {
        inflight.remove(key, mine);
        mine.answer().complete(stored);
    }

    public void hit() {
        hits.incrementAndGet();
    }

    public void miss() {
        misses.incrementAndGet();
    }

    public void feed(EvictionFeed feed) {
        this.feed = feed == null ? EvictionFeed.NONE : feed;
    }

    // ---- purges and evictions (JMX, admin API, events) ----

    public void purgeAll() {
        purging((key, path) -> true);
        long n = byPath.values().stream().mapToLong(Set::size).sum();
        // The index first: a store racing this (its entry, then its index) then either lands in
        // both after the clears or leaves an index line without an entry (harmless). The other way
        // round, an entry stored as the entries were cleared, indexed just before the index was,
        // stayed unindexed, out of every event's reach (helper review 311).
        byPath.clear();
        Cache<String, CachedResponse> made = entries;
        if (made != null) {
            made.clear();
        }
        evictions.addAndGet(n);
    }

    public boolean purgeKey(String key) {
        // A miss of this key in flight must not store what it fetched after the purge (see put).
        purging((k, path) -> k.equals(key));
        CachedResponse old = get(key);
        if (old == null) {
            return false;
        }
        entries().remove(key);
        evictions.incrementAndGet();
        return true;
    }

    /** Removes every entry whose path matches; returns how many. Looks only at the pattern's prefix range. */
    public int purge(PathPattern pattern) {
        // An ignore_uri_case route's entries are indexed by their lower-cased path: the pattern
        // lower-cased finds them too (helper review 190: an event for repository AbC evicted
        // none). It may also take a case-sensitive route's lower-case entries: more, never fewer.
        String lowered = com.google.common.base.Ascii.toLowerCase(pattern.toString());
        PathPattern lower = lowered.equals(pattern.toString()) ? null : PathPattern.compile(lowered);
        purging((key, path) -> pattern.matches(path) || lower != null && lower.matches(path));
        int n = remove(pattern) + (lower == null ? 0 : remove(lower));
        evictions.addAndGet(n);
        return n;
    }

    /** Removes the entries whose path matches, looking only at the pattern's prefix range; how many. */
    private int remove(PathPattern pattern) {
        int n = 0;
        String from = pattern.prefix();
        for (Map.Entry<String, Set<String>> e :
                byPath.subMap(from, true, from + Character.MAX_VALUE, true).entrySet()) {
            if (pattern.matches(e.getKey())) {
                for (String k : List.copyOf(e.getValue())) {
                    entries().remove(k);
                    unindex(e.getKey(), k);
                    n++;
                }
            }
        }
        return n;
    }

    /** Removes every entry an eviction rule covers (after a gap in the feed); returns how many. */
    public int purgeEvictable() {
        EvictionFeed covering = feed;
        purging((key, path) -> covering.covers(path));
        int n = 0;
        for (Map.Entry<String, Set<String>> e : byPath.entrySet()) {
            if (feed.covers(e.getKey())) {
                // Key by key: a key stored after the copy stays indexed (removing the path's whole
                // set dropped it from the index).
                for (String k : List.copyOf(e.getValue())) {
                    entries().remove(k);
                    unindex(e.getKey(), k);
                    n++;
                }
            }
        }
        evictions.addAndGet(n);
        return n;
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public long evictions() {
        return evictions.get();
    }

    /** Entries known to the index (expired ones leave it when Ehcache notices them). */
    public long size() {
        return byPath.values().stream().mapToLong(Set::size).sum();
    }

    @Override
    public void passInstance(Consumer<? super ResponseCache> receiver) {
        receiver.accept(this);
    }
}
