package com.gitinsight.gateway.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.cache.CachedResponse;
import com.gitinsight.gateway.cache.ResponseCache;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The eviction listener against a real broker: two nodes, bad messages, broker gone and back. */
class EvictionListenerTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String analysis = "test.analysis." + run;
    private final String insights = "test.insights." + run;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private int brokerPort;
    private Connection publisher;
    private Channel channel;

    @BeforeEach
    void connect() throws Exception {
        brokerPort = TestBroker.port();
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(TestBroker.url(brokerPort));
        publisher = f.newConnection();
        channel = publisher.createChannel();
        channel.exchangeDeclare(analysis, "topic", false, true, null);
        channel.exchangeDeclare(insights, "topic", false, true, null);
    }

    @AfterEach
    void close() throws Exception {
        Collections.reverse(closing);
        for (AutoCloseable c : closing) {
            c.close();
        }
        deleteExchange(analysis);
        deleteExchange(insights);
        publisher.close();
    }

    private void deleteQueue(String name) {
        try (Channel ch = publisher.createChannel()) {
            ch.queueDelete(name);
        } catch (Exception e) {
            // not there
        }
    }

    /** Gone already on some brokers (auto-delete when the last binding went): fine. */
    private void deleteExchange(String name) {
        try (Channel ch = publisher.createChannel()) {
            ch.exchangeDelete(name);
        } catch (Exception e) {
            // not there
        }
    }

    private CacheEvictionSchema.Config config(int port, String deadLetters, long disconnectedTtlMillis) {
        if (deadLetters != null) {
            closing.add(() -> deleteQueue(deadLetters)); // the queue a node makes beside the exchange
        }
        return new CacheEvictionSchema.Config(
                CacheEvictionSchema.Provider.RABBITMQ,
                TestBroker.url(port),
                List.of(
                        new CacheEvictionSchema.Binding(analysis, "analysis.completed.*"),
                        new CacheEvictionSchema.Binding(insights, "insights.generated.*")),
                EvictionEventsTest.CONFIG.rules(),
                deadLetters,
                disconnectedTtlMillis,
                1_000);
    }

    private record Node(ResponseCache cache, EvictionListener listener) {}

    private Node node(CacheEvictionSchema.Config config) {
        ResponseCache cache = new ResponseCache(1000, 16);
        EvictionListener listener = new EvictionListener(cache);
        closing.add(cache::stop);
        closing.add(listener::close);
        listener.configure(config);
        return new Node(cache, listener);
    }

    private static void store(ResponseCache cache, String key, String path) {
        long now = System.currentTimeMillis();
        cache.put(
                key,
                new CachedResponse(
                        200, List.of(), new byte[0], now, now + 300_000, now + 300_000, path, cache.evictable(path)));
    }

    private void publish(String exchange, String key, String type, String body) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .headers(type == null ? Map.of() : Map.of("event_type", type))
                .timestamp(new java.util.Date())
                .build();
        channel.basicPublish(exchange, key, props, body.getBytes(StandardCharsets.UTF_8));
    }

    private void analysisCompleted(String repository) throws Exception {
        publish(
                analysis,
                "analysis.completed." + repository,
                "analysis_completed",
                "{\"repository_id\": \"" + repository + "\", \"job_id\": \"j1\", \"insights_count\": 3,"
                        + " \"timestamp\": \"2026-11-28T10:00:00\"}");
    }

    /** A queue bound to the node's dead-letter exchange {@code dlx}, once the node is subscribed. */
    private String deadLetterQueue(Node n, String dlx) throws Exception {
        awaitConnected(n);
        String dead = channel.queueDeclare().getQueue();
        channel.queueBind(dead, dlx, "#");
        closing.add(() -> deleteExchange(dlx));
        return dead;
    }

    /** The first {@code count} messages of {@code queue}, as they come. */
    private List<GetResponse> deadLettered(String queue, int count) {
        List<GetResponse> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            GetResponse r = channel.basicGet(queue, true);
            if (r != null) {
                out.add(r);
            }
            return out.size() == count;
        });
        return out;
    }

    private static void awaitConnected(Node n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> n.listener().status().connected());
    }

    @Test
    void anEventEvictsOnEveryNode() throws Exception {
        Node a = node(config(brokerPort, null, 30_000));
        Node b = node(config(brokerPort, null, 30_000));
        awaitConnected(a);
        awaitConnected(b);
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String repo = "r" + i;
            for (Node n : List.of(a, b)) {
                store(n.cache(), "s-" + repo, "/api/v1/fast/repositories/" + repo + "/summary");
                store(n.cache(), "other-" + repo, "/api/v1/fast/repositories/x" + repo + "/summary");
            }
            long sent = System.nanoTime();
            analysisCompleted(repo);
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> a.cache().get("s-" + repo) == null && b.cache().get("s-" + repo) == null);
            latencies.add((System.nanoTime() - sent) / 1_000_000);
            assertNotNull(a.cache().get("other-" + repo), "another repository stays");
            assertNotNull(b.cache().get("other-" + repo));
        }
        Collections.sort(latencies);
        System.out.println("[eviction] publish -> evicted on both nodes, 50 events: p50 " + latencies.get(24)
                + " ms, p99 " + latencies.get(49) + " ms");
        // The count follows the eviction on the listener's thread: the last one may not be in yet.
        await().atMost(Duration.ofSeconds(10)).until(() -> a.listener().status().applied() == 50);
        // The publisher's AMQP timestamp is in seconds: the lag is a few seconds at most, not 56 years.
        long lag = a.listener().status().lastLagMillis();
        assertTrue(lag >= 0 && lag < 60_000, "lag " + lag);
    }

    @Test
    void badMessagesAreDeadLetteredAndTheListenerKeepsRunning() throws Exception {
        String dlx = "test.eviction.dead." + run;
        Node n = node(config(brokerPort, dlx, 30_000));
        String dead = deadLetterQueue(n, dlx);
        publish(analysis, "analysis.completed.1", "analysis_completed", "not json at all");
        publish(analysis, "analysis.completed.1", "unknown_type", "{\"repository_id\": \"1\"}");
        publish(analysis, "analysis.completed.1", "analysis_completed", "{\"job_id\": \"missing the repository\"}");
        List<String> deadLettered = new ArrayList<>();
        for (GetResponse r : deadLettered(dead, 3)) {
            deadLettered.add(new String(r.getBody(), StandardCharsets.UTF_8));
        }
        assertTrue(deadLettered.contains("not json at all"));
        assertEquals(3, n.listener().status().rejected());
        // Helper review 311: the exchange the node declared has a queue of its own name, so the
        // copies are kept when nobody bound one (an exchange without a queue drops them).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> channel.queueDeclarePassive(dlx).getMessageCount() == 3);
        store(n.cache(), "s", "/api/v1/fast/repositories/7/summary");
        analysisCompleted("7");
        await().atMost(Duration.ofSeconds(10)).until(() -> n.cache().get("s") == null);
        assertTrue(n.listener().status().connected(), "still subscribed after the bad ones");
        assertNull(channel.basicGet(dead, true), "nothing redelivered in a loop");
    }

    // Hostile publishers (helper review 111): a huge body is not read (dead-lettered without it), a
    // value a reason repeats is cut and loses its control characters, and a dead-lettered copy that
    // comes back through a binding is dropped, not rejected and published again.
    @Test
    void hostileMessagesAreBoundedAndRejectedCopiesDoNotLoop() throws Exception {
        String dlx = "test.eviction.dead2." + run;
        Node n = node(config(brokerPort, dlx, 30_000));
        String dead = deadLetterQueue(n, dlx);
        String huge = "{\"repository_id\": \"" + "x".repeat(EvictionEvents.MAX_BODY_BYTES) + "\"}";
        publish(analysis, "analysis.completed.1", "analysis_completed", huge);
        publish(analysis, "analysis.completed.1", "type\nFORGED " + "y".repeat(5000), "{}");
        List<GetResponse> copies = deadLettered(dead, 2);
        GetResponse big = copies.get(0);
        assertEquals(0, big.getBody().length, "dead-lettered without the body");
        assertTrue(
                String.valueOf(big.getProps().getHeaders().get("rejection_reason"))
                        .contains("is longer than " + EvictionEvents.MAX_BODY_BYTES),
                String.valueOf(big.getProps().getHeaders()));
        String reason = String.valueOf(copies.get(1).getProps().getHeaders().get("rejection_reason"));
        assertTrue(reason.length() < 120, reason);
        assertFalse(reason.contains("\n"), reason);
        // A copy carrying the rejection header, published where the node listens: dropped quietly.
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .headers(Map.of("event_type", "unknown_type", "rejection_reason", "earlier"))
                .build();
        long rejected = n.listener().status().rejected();
        channel.basicPublish(analysis, "analysis.completed.1", props, "{}".getBytes(StandardCharsets.UTF_8));
        store(n.cache(), "s", "/api/v1/fast/repositories/8/summary");
        analysisCompleted("8"); // after the copy on the same queue: once evicted, the copy was handled
        await().atMost(Duration.ofSeconds(10)).until(() -> n.cache().get("s") == null);
        assertEquals(rejected, n.listener().status().rejected(), "the copy was not rejected again");
        assertNull(channel.basicGet(dead, true), "nor dead-lettered again");
    }

    // Helper review 194: the copy went out on the consuming channel; the broker closes a channel
    // that publishes to a missing exchange, which ended the consumer with the status "connected".
    @Test
    void aDeadLetterExchangeThatIsGoneStopsNoEviction() throws Exception {
        String dlx = "test.eviction.gone." + run;
        Node n = node(config(brokerPort, dlx, 30_000));
        awaitConnected(n);
        deleteExchange(dlx);
        publish(analysis, "analysis.completed.1", "analysis_completed", "not json at all");
        await().atMost(Duration.ofSeconds(10)).until(() -> n.listener().status().rejected() == 1);
        publish(analysis, "analysis.completed.1", "analysis_completed", "still not json");
        await().atMost(Duration.ofSeconds(10)).until(() -> n.listener().status().rejected() == 2);
        store(n.cache(), "s", "/api/v1/fast/repositories/9/summary");
        analysisCompleted("9");
        await().atMost(Duration.ofSeconds(10)).until(() -> n.cache().get("s") == null);
    }

    // Helper review 311: an event that fails as it is applied was acknowledged already and lost;
    // what it named stayed cached until its TTL. Now what any event covers goes.
    @Test
    void anEventThatFailsAsItIsAppliedFlushesWhatEventsCover() throws Exception {
        ResponseCache failing = new ResponseCache(1000, 16) {
            @Override
            public int purge(com.gitinsight.gateway.cache.PathPattern pattern) {
                throw new IllegalStateException("the store failed");
            }
        };
        EvictionListener listener = new EvictionListener(failing);
        closing.add(failing::stop);
        closing.add(listener::close);
        listener.configure(config(brokerPort, null, 30_000));
        Node n = new Node(failing, listener);
        awaitConnected(n);
        store(failing, "covered", "/api/v1/fast/repositories/13/summary");
        store(failing, "not-covered", "/api/v1/elsewhere");
        analysisCompleted("13");
        await().atMost(Duration.ofSeconds(10)).until(() -> failing.get("covered") == null);
        assertNotNull(failing.get("not-covered"), "only what events could have evicted");
        assertTrue(listener.status().connected());
    }

    /** A connected node that checks its subscription on the broker every 200 ms. */
    private Node checkedNode() {
        ResponseCache cache = new ResponseCache(1000, 16);
        EvictionListener listener = new EvictionListener(cache);
        listener.checkEvery(200);
        closing.add(cache::stop);
        closing.add(listener::close);
        listener.configure(config(brokerPort, null, 30_000));
        Node n = new Node(cache, listener);
        awaitConnected(n);
        return n;
    }

    // Helper review 311: a broker can end a subscription without a word to this JMS client (its
    // queue deleted by hand: the consumer cancelled; an exchange deleted: every binding to it gone),
    // and the node stayed "connected", evicting nothing, for good. It is now checked on the broker.
    @Test
    void anExchangeDeletedOnTheBrokerIsALostFeed() throws Exception {
        Node n = checkedNode();
        ResponseCache cache = n.cache();
        EvictionListener listener = n.listener();
        int before = listener.subscriptions();
        store(cache, "covered", "/api/v1/fast/repositories/14/summary");
        channel.exchangeDelete(analysis);
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.subscriptions() > before);
        awaitConnected(n);
        assertNull(cache.get("covered"), "flushed: events may have been missed");
        store(cache, "s", "/api/v1/fast/repositories/15/summary");
        analysisCompleted("15"); // to the exchange the node declared again
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("s") == null);
    }

    @Test
    void anExchangeDeclaredAgainIsBoundAgain() throws Exception {
        Node n = checkedNode();
        ResponseCache cache = n.cache();
        EvictionListener listener = n.listener();
        channel.exchangeDelete(analysis);
        // As the node would declare it, should its check fall between the two.
        channel.exchangeDeclare(analysis, "topic", true);
        store(cache, "s", "/api/v1/fast/repositories/16/summary");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            analysisCompleted("16"); // until the node is bound again
            return cache.get("s") == null;
        });
        assertTrue(listener.status().connected());
    }

    // A header the JMS client cannot convert (AMQP void: Python's None) lost the event after it was
    // acknowledged, with no trace in the listener's counts: it is now a lost feed (reconnect, flush).
    @Test
    void aDeliveryTheClientCannotReadFlushesWhatEventsCover() throws Exception {
        Node n = node(config(brokerPort, null, 30_000));
        awaitConnected(n);
        store(n.cache(), "covered", "/api/v1/fast/repositories/10/summary");
        store(n.cache(), "not-covered", "/api/v1/elsewhere");
        publishUnreadable();
        await().atMost(Duration.ofSeconds(10)).until(() -> n.cache().get("covered") == null);
        assertNotNull(n.cache().get("not-covered"), "only what events could have evicted");
        awaitConnected(n);
        store(n.cache(), "s", "/api/v1/fast/repositories/12/summary");
        analysisCompleted("12");
        await().atMost(Duration.ofSeconds(10)).until(() -> n.cache().get("s") == null);
    }

    // Helper review 250: a message that ends the connection, published again as soon as the node is
    // back, flushed every node's cache every half second; a subscription lost soon after it was made
    // now keeps the backoff growing.
    @Test
    void aFeedLostSoonAfterItWasMadeWaitsLongerEachTime() throws Exception {
        Node n = node(config(brokerPort, null, 30_000));
        awaitConnected(n);
        for (long expected : new long[] {500, 1_000, 1_000}) { // reconnect_max: 1 s
            int before = n.listener().subscriptions();
            publishUnreadable();
            // Without the growth every loss waits 500 ms again, and this never holds.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> n.listener().subscriptions() > before
                            && n.listener().backoffMillis() == expected
                            && n.listener().status().connected());
        }
    }

    /** An event with a header the JMS client cannot convert (AMQP void: Python's None). */
    private void publishUnreadable() throws Exception {
        Map<String, Object> headers = new java.util.HashMap<>();
        headers.put("event_type", "analysis_completed");
        headers.put("trace", null);
        channel.basicPublish(
                analysis,
                "analysis.completed.11",
                new AMQP.BasicProperties.Builder().headers(headers).build(),
                "{\"repository_id\": \"11\"}".getBytes(StandardCharsets.UTF_8));
    }

    // A subscription whose topology cannot be declared (amq.* exchanges are the broker's) left its
    // connection open at every retry.
    @Test
    void aFailedDeclarationLeavesNoConnectionBehind() throws Exception {
        long before = amqpThreads();
        CacheEvictionSchema.Config refused = new CacheEvictionSchema.Config(
                CacheEvictionSchema.Provider.RABBITMQ,
                TestBroker.url(brokerPort),
                List.of(new CacheEvictionSchema.Binding("amq.gateway-test-" + run, "#")),
                EvictionEventsTest.CONFIG.rules(),
                null,
                30_000,
                200);
        Node n = node(refused);
        await().atMost(Duration.ofSeconds(20)).until(() -> n.listener().status().lastError() != null);
        // After several retries (200 ms apart at most), at most the ones being made are open (each
        // leaked connection kept its reader thread).
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8)).until(() -> amqpThreads() - before <= 2);
        assertFalse(n.listener().status().connected());
    }

    private static long amqpThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("gateway-eviction-amqp"))
                .count();
    }

    @Test
    void brokerDownAtStartThenLostAndBackFlushesWhatEventsCouldHaveEvicted() throws Exception {
        Relay relay = new Relay(brokerPort);
        closing.add(relay);
        Node n = node(config(relay.port(), null, 1_000));
        // Down at start: the gateway serves, the listener retries, covered entries get a short life.
        await().atMost(Duration.ofSeconds(10)).until(() -> n.listener().status().lastError() != null);
        assertFalse(n.listener().status().connected());
        long now = System.currentTimeMillis();
        CachedResponse covered = new CachedResponse(
                200,
                List.of(),
                new byte[0],
                now - 2_000,
                now + 300_000,
                now + 300_000,
                "/api/v1/fast/repositories/5/summary",
                true);
        assertFalse(n.cache().servable(covered, now), "older than disconnected_ttl while events may be missed");
        store(n.cache(), "covered", "/api/v1/fast/repositories/5/summary");
        store(n.cache(), "uncovered", "/api/v1/elsewhere");

        relay.up();
        awaitConnected(n);
        assertNull(n.cache().get("covered"), "flushed on connecting: events may have been missed");
        assertNotNull(n.cache().get("uncovered"));

        // Lost mid-run (the broker restarts), then back: events after it still evict.
        store(n.cache(), "covered", "/api/v1/fast/repositories/5/summary");
        relay.down();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !n.listener().status().connected());
        relay.up();
        awaitConnected(n);
        assertNull(n.cache().get("covered"), "the gap flush ran again");
        store(n.cache(), "after", "/api/v1/fast/repositories/6/summary");
        analysisCompleted("6");
        await().atMost(Duration.ofSeconds(10)).until(() -> n.cache().get("after") == null);
    }
}
