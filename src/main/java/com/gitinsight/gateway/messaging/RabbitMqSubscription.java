package com.gitinsight.gateway.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import com.rabbitmq.jms.admin.RMQConnectionFactory;
import com.rabbitmq.jms.admin.RMQDestination;
import jakarta.jms.Connection;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;

/**
 * One connection to RabbitMQ through its JMS client (AMQP 0-9-1, no broker plugin): this node's
 * own exclusive, auto-delete queue bound to the configured exchanges, so every node receives every
 * event, consumed by a transacted session (a rejected message is nacked without requeue:
 * dead-lettered when the queue has a dead-letter exchange, else dropped; never redelivered in a
 * loop). The topology is declared by the connection's own post-processor, on the connection that
 * consumes (an exclusive queue belongs to it), every time a connection is made.
 */
final class RabbitMqSubscription implements Subscription {

    private final Connection connection;
    private final Session session;

    RabbitMqSubscription(CacheEvictionPlugin.Config config, String queue, ThreadFactory threads,
            Subscription.Handler handler, ExceptionListener lost) throws JMSException {
        RMQConnectionFactory factory = new RMQConnectionFactory();
        factory.setUri(config.brokerUrl());
        factory.setNackOnRollback(true);
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
        try {
            c.setExceptionListener(lost);
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createConsumer(new RMQDestination(queue, null, null, queue)).setMessageListener(handler.listener(s));
            c.start();
            this.connection = c;
            this.session = s;
        } catch (JMSException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static void declare(com.rabbitmq.client.Connection c, CacheEvictionPlugin.Config config, String queue) {
        try (Channel ch = c.createChannel()) {
            Map<String, Object> args = new HashMap<>();
            if (config.deadLetterExchange() != null) {
                ch.exchangeDeclare(config.deadLetterExchange(), "fanout", true);
                args.put("x-dead-letter-exchange", config.deadLetterExchange());
            }
            AMQP.Queue.DeclareOk ok = ch.queueDeclare(queue, false, true, true, args);
            for (CacheEvictionPlugin.Binding b : config.bindings()) {
                // As GitInsight's publishers declare them: durable topic exchanges.
                ch.exchangeDeclare(b.exchange(), "topic", true);
                ch.queueBind(ok.getQueue(), b.exchange(), b.routingKey());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("declaring the eviction queue failed: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("declaring the eviction queue timed out", e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (JMSException | RuntimeException e) {
            // closing anyway
        }
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            // already gone
        }
    }
}
