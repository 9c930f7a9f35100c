package com.gitinsight.gateway.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.gitinsight.gateway.cache.CachedResponse;
import com.gitinsight.gateway.cache.ResponseCache;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Artemis provider against an embedded Artemis broker on a free port. */
class ArtemisEvictionTest {

    private int port;
    private EmbeddedActiveMQ broker;
    private ResponseCache cache;
    private EvictionListener listener;

    /** Held so the level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger AUDIT =
            java.util.logging.Logger.getLogger("org.apache.activemq.audit");

    @BeforeEach
    void start() throws Exception {
        // The embedded broker's audit trail logs every message at INFO.
        AUDIT.setLevel(java.util.logging.Level.WARNING);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        startBroker();
        cache = new ResponseCache(1000, 16);
        listener = new EvictionListener(cache);
    }

    private void startBroker() throws Exception {
        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJournalDirectory("target/artemis/journal")
                .setBindingsDirectory("target/artemis/bindings")
                .setLargeMessagesDirectory("target/artemis/large")
                .setPagingDirectory("target/artemis/paging")
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port));
        broker.start();
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        cache.stop();
        broker.stop();
    }

    private CacheEvictionSchema.Config config(String deadLetters) {
        return new CacheEvictionSchema.Config(
                CacheEvictionSchema.Provider.ARTEMIS,
                "tcp://127.0.0.1:" + port,
                List.of(new CacheEvictionSchema.Binding("analysis", "#")),
                EvictionEventsTest.CONFIG.rules(),
                deadLetters,
                30_000,
                500);
    }

    private void store(String key, String path) {
        long now = System.currentTimeMillis();
        cache.put(
                key,
                new CachedResponse(
                        200, List.of(), new byte[0], now, now + 300_000, now + 300_000, path, cache.evictable(path)));
    }

    private void publish(String type, String body) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createTopic("analysis"))) {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body.getBytes(StandardCharsets.UTF_8));
            m.setStringProperty("event_type", type);
            p.send(m);
        }
    }

    @Test
    void eventsOnATopicEvictAndBadOnesGoToTheDeadLetterTopic() throws Exception {
        listener.configure(config("gateway.eviction.dead"));
        await().atMost(Duration.ofSeconds(20)).until(() -> listener.status().connected());
        try (Connection c = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer dead = s.createConsumer(s.createTopic("gateway.eviction.dead"))) {
            c.start();
            store("s9", "/api/v1/fast/repositories/9/summary");
            store("s10", "/api/v1/fast/repositories/10/summary");
            publish("analysis_completed", "{\"repository_id\": \"9\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("s9") == null);
            assertNotNull(cache.get("s10"));

            publish("analysis_completed", "{oops");
            Message rejected = dead.receive(10_000);
            assertNotNull(rejected, "dead-lettered");
            assertEquals("analysis_completed", rejected.getStringProperty("event_type"));
            assertEquals(1, listener.status().rejected());
        }
    }

    @Test
    void theListenerComesBackAfterTheBrokerRestarts() throws Exception {
        listener.configure(config(null));
        await().atMost(Duration.ofSeconds(20)).until(() -> listener.status().connected());
        broker.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> !listener.status().connected());
        startBroker();
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.status().connected());
        store("s1", "/api/v1/fast/repositories/1/summary");
        publish("analysis_completed", "{\"repository_id\": \"1\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("s1") == null);
        assertNull(cache.get("s1"));
    }
}
