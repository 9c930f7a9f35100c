package com.gitinsight.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Events through the broker inside WildFly: the gateway, deployed on WildFly with
 * server-config/wildfly/messaging.cli, reads them through the server's ConnectionFactory by JNDI name
 * ({@code broker_url: jndi:java:/ConnectionFactory}); a GitInsight service publishes from outside over
 * the HTTP port as an application user. Runs with {@code -Pservers} (it needs WildFly).
 */
class WildFlyMessagingIT {

    static final Backends BACKENDS = new Backends();
    static final String USER = "gitinsight-events";

    @AfterAll
    static void stop() {
        BACKENDS.close();
    }

    @Test
    void eventsFromWildFlysOwnBrokerEvictAndBadOnesAreDeadLettered() throws Exception {
        Assumptions.assumeTrue(
                Arrays.asList(System.getProperty("gateway.smoke.servers", "").split(","))
                        .contains("wildfly"),
                "WildFly is not among gateway.smoke.servers (mvn -Pservers verify)");
        String password = "p-" + UUID.randomUUID();
        addApplicationUser(password);
        int echo = BACKENDS.echo("wildfly-events");
        int port = ClusterIT.freeBlock(4);
        Path dir = RunScriptServer.directory("wildfly-messaging");
        Path config = dir.resolve("gateway.yml");
        Files.writeString(config, """
                _format_version: "3.0"
                services:
                  - name: echo
                    url: http://127.0.0.1:%d
                    routes:
                      - name: cached
                        paths: [/repos]
                        strip_path: false
                        plugins: [{name: proxy-cache, config: {content_type: ['text/plain; charset=utf-8']}}]
                plugins:
                  - name: cache-eviction
                    config:
                      provider: artemis
                      broker_url: "jndi:java:/ConnectionFactory"
                      bindings: [{exchange: analysis}]
                      dead_letter_exchange: rejected-events
                      rules: [{event_type: analysis_completed, evict: ["/repos/{repository_id}/**"]}]
                """.formatted(echo));
        try (RunScriptServer gateway = RunScriptServer.start(
                "wildfly", port, dir, config, Map.of("GATEWAY_WILDFLY_CLI", "server-config/wildfly/messaging.cli"))) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.get("/_gateway/health/ready")
                            .body()
                            .contains("\"name\":\"eviction-events\",\"status\":\"UP\",\"data\":{\"connected\":true"));
            // WildFly's in-VM factory names a topic's address with Artemis 1.x's prefix (jms.topic.analysis):
            // an outside client says so with enable1xPrefixes.
            String url = "tcp://127.0.0.1:" + port + "?httpUpgradeEnabled=true&httpUpgradeEndpoint=http-acceptor"
                    + "&enable1xPrefixes=true";
            try (Connection c = new ActiveMQConnectionFactory(url, USER, password).createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer rejected = s.createConsumer(s.createTopic("rejected-events"));
                c.start();
                MessageProducer analysis = s.createProducer(s.createTopic("analysis"));

                gateway.get("/repos/7/summary");
                assertEquals("Hit", cacheStatus(gateway, "/repos/7/summary"));
                analysis.send(event(
                        s,
                        "analysis_completed",
                        "{\"repository_id\": \"7\", \"job_id\": \"j\","
                                + " \"insights_count\": 1, \"timestamp\": \"t\"}"));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "Miss".equals(cacheStatus(gateway, "/repos/7/summary")));

                analysis.send(event(s, "analysis_completed", "{oops"));
                Message copy = rejected.receive(TimeUnit.SECONDS.toMillis(10));
                assertNotNull(copy, "the bad message is dead-lettered");
                assertEquals("{oops", new String(copy.getBody(byte[].class), StandardCharsets.UTF_8));
                assertNotNull(copy.getStringProperty("rejection_reason"));

                assertEquals("Hit", cacheStatus(gateway, "/repos/7/summary"));
                analysis.send(event(
                        s,
                        "analysis_completed",
                        "{\"repository_id\": \"7\", \"job_id\": \"k\","
                                + " \"insights_count\": 2, \"timestamp\": \"t\"}"));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "Miss".equals(cacheStatus(gateway, "/repos/7/summary")));
            }
        }
    }

    private static TextMessage event(Session s, String type, String body) throws JMSException {
        TextMessage m = s.createTextMessage(body);
        m.setStringProperty("event_type", type);
        return m;
    }

    private static String cacheStatus(RunScriptServer gateway, String path) throws Exception {
        return gateway.get(path).headers().firstValue("X-Cache-Status").orElse(null);
    }

    /** The publisher's account, made as an operator would with WildFly's add-user.sh. */
    private static void addApplicationUser(String password) throws Exception {
        Process home = new ProcessBuilder("scripts/servers/wildfly.sh", "--home")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String dir = new String(home.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, home.waitFor());
        Process add = new ProcessBuilder(
                        dir + "/bin/add-user.sh", "-a", "-u", USER, "-p", password, "-g", "guest", "-s")
                .inheritIO()
                .start();
        assertEquals(0, add.waitFor());
    }
}
