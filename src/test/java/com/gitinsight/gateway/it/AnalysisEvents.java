package com.gitinsight.gateway.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Publishes events as GitInsight's services do (AMQP 0-9-1, JSON, header event_type). */
final class AnalysisEvents {

    private AnalysisEvents() {}

    /** {@code analysis_completed} for one repository, on {@code exchange} with key analysis.completed.<id>. */
    static void completed(String brokerUrl, String exchange, String repositoryId) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(brokerUrl);
        try (Connection c = f.newConnection();
                Channel ch = c.createChannel()) {
            ch.basicPublish(
                    exchange,
                    "analysis.completed." + repositoryId,
                    new AMQP.BasicProperties.Builder()
                            .headers(Map.of("event_type", "analysis_completed"))
                            .build(),
                    ("{\"repository_id\": \"" + repositoryId + "\", \"job_id\": \"j\", \"insights_count\": 1,"
                                    + " \"timestamp\": \"t\"}")
                            .getBytes(StandardCharsets.UTF_8));
        }
    }
}
