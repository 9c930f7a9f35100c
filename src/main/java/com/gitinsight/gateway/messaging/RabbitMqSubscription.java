package com.gitinsight.gateway.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import com.rabbitmq.jms.admin.RMQConnectionFactory;
import com.rabbitmq.jms.admin.RMQDestination;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;

/**
 * One connection to RabbitMQ through its JMS client (AMQP 0-9-1, no broker plugin): this node's
 * own exclusive, auto-delete queue bound to the configured exchanges, so every node receives every
 * event, consumed with automatic acknowledgement (a rejected message is republished to the
 * dead-letter exchange when one is configured, else dropped; never redelivered in a loop: a
 * listener-side rollback on this client nacked by a stale delivery tag and closed the channel,
 * which silently ended the consumer). The topology is declared by the connection's own post-processor, on the connection that
 * consumes (an exclusive queue belongs to it), every time a connection is made.
 */
final class RabbitMqSubscription extends JmsSubscription {

    private RabbitMqSubscription(Connection connection, Session session) {
        super(connection, session);
    }

    static RabbitMqSubscription open(
            CacheEvictionSchema.Config config,
            String queue,
            ThreadFactory threads,
            Subscription.Handler handler,
            ExceptionListener lost)
            throws JMSException {
        RMQConnectionFactory factory = new RMQConnectionFactory();
        factory.setUri(config.brokerUrl());
        factory.setRequeueOnMessageListenerException(false);
        factory.setAmqpConnectionFactoryPostProcessor(cf -> {
            cf.setThreadFactory(threads);
            // A throwing consumer must not close the channel silently: log and carry on.
            cf.setExceptionHandler(new ForgivingExceptionHandler());
            // Reconnection is ours (a fresh connection redeclares the topology and flushes the cache).
            cf.setAutomaticRecoveryEnabled(false);
            cf.setConnectionTimeout(5_000);
            cf.setRequestedHeartbeat(10);
        });
        factory.setAmqpConnectionPostProcessor(c -> declare(c, config, queue));
        Connection c = factory.createConnection();
        return new RabbitMqSubscription(
                c,
                start(
                        c,
                        lost,
                        s -> s.createConsumer(new RMQDestination(queue, null, null, queue))
                                .setMessageListener(handler.listener(s))));
    }

    private static void declare(com.rabbitmq.client.Connection c, CacheEvictionSchema.Config config, String queue) {
        try {
            if (config.deadLetterExchange() != null) {
                ensureExchange(c, config.deadLetterExchange(), "fanout");
            }
            try (Channel ch = c.createChannel()) {
                ch.queueDeclare(queue, false, true, true, Map.of());
            }
            for (CacheEvictionSchema.Binding b : config.bindings()) {
                ensureExchange(c, b.exchange(), "topic");
                try (Channel ch = c.createChannel()) {
                    ch.queueBind(queue, b.exchange(), b.routingKey());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("declaring the eviction queue failed: " + reason(e), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("declaring the eviction queue timed out", e);
        }
    }

    /**
     * Uses the exchange as it exists (its publishers own it); declares it only when missing, as
     * GitInsight's publishers do (durable), so the binding survives the gateway starting first.
     */
    private static void ensureExchange(com.rabbitmq.client.Connection c, String name, String type)
            throws IOException, TimeoutException {
        Channel probe = c.createChannel();
        try {
            probe.exchangeDeclarePassive(name);
            probe.close();
        } catch (IOException missing) {
            // The broker closed the probe's channel (404): declare it on a fresh one.
            try (Channel ch = c.createChannel()) {
                ch.exchangeDeclare(name, type, true);
            }
        }
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    @Override
    Destination deadLetters(Session s, String name) {
        return new RMQDestination(name, name, "rejected", null);
    }
}
