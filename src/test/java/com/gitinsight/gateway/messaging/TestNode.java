package com.gitinsight.gateway.messaging;

import static org.awaitility.Awaitility.await;

import com.gitinsight.gateway.cache.CachedResponse;
import com.gitinsight.gateway.cache.ResponseCache;
import java.time.Duration;
import java.util.List;

/** A second gateway node's cache and eviction listener, in the test JVM. */
public final class TestNode implements AutoCloseable {

    private final ResponseCache cache;
    private final EvictionListener listener;

    private TestNode(ResponseCache cache, EvictionListener listener) {
        this.cache = cache;
        this.listener = listener;
    }

    /** Subscribed (awaited) to {@code exchange}'s analysis.completed events, evicting {@code template}. */
    public static TestNode subscribed(String brokerUrl, String exchange, String template) {
        ResponseCache cache = new ResponseCache(1000, 16);
        EvictionListener listener = new EvictionListener(cache);
        listener.configure(new CacheEvictionSchema.Config(
                CacheEvictionSchema.Provider.RABBITMQ,
                brokerUrl,
                List.of(new CacheEvictionSchema.Binding(exchange, "analysis.completed.*")),
                List.of(new CacheEvictionSchema.Rule("analysis_completed", List.of(PathTemplate.parse(template)))),
                null,
                30_000,
                1_000));
        await().atMost(Duration.ofSeconds(20)).until(() -> listener.status().connected());
        return new TestNode(cache, listener);
    }

    public ResponseCache cache() {
        return cache;
    }

    public void store(String key, String path) {
        long now = System.currentTimeMillis();
        cache.put(
                key,
                new CachedResponse(
                        200, List.of(), new byte[0], now, now + 300_000, now + 300_000, path, cache.evictable(path)));
    }

    @Override
    public void close() {
        listener.close();
        cache.stop();
    }
}
