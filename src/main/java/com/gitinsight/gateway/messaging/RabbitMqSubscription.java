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

    /** The AMQP connection under the JMS one (its post-processor hands it over), for {@link #verify}. */
    private final com.rabbitmq.client.Connection amqp;

    private final String queue;
    private final java.util.List<CacheEvictionSchema.Binding> bindings;

    private RabbitMqSubscription(
            Connection connection,
            Session session,
            com.rabbitmq.client.Connection amqp,
            String queue,
            java.util.List<CacheEvictionSchema.Binding> bindings) {
        super(connection, session);
        this.amqp = amqp;
        this.queue = queue;
        this.bindings = bindings;
    }

    /**
     * The queue is there with a consumer and every binding's exchange exists; each binding made
     * again. A queue deleted by hand (the broker cancels its consumer, which this JMS client only
     * notes), or an exchange deleted (with every binding to it), left the node "connected" and
     * evicting nothing, its entries stale until their TTL, for good (helper review 311). A missing
     * queue, consumer or exchange is a lost feed (resubscribe, flush); an exchange deleted and
     * declared again between two checks is bound again here, the events between them missed. A
     * check that cannot be made (a timeout, a busy broker) returns why, and is made again later.
     */
    @Override
    public String verify() throws JMSException {
        Channel ch = null;
        try {
            ch = amqp.createChannel();
            if (ch == null) {
                return "no channel to be had (channel_max)";
            }
            if (ch.queueDeclarePassive(queue).getConsumerCount() == 0) {
                throw new JMSException("the eviction queue has no consumer left on the broker");
            }
            for (CacheEvictionSchema.Binding b : bindings) {
                ch.exchangeDeclarePassive(b.exchange());
                ch.queueBind(queue, b.exchange(), b.routingKey());
            }
            return null;
        } catch (IOException e) {
            if (notFound(e)) {
                // The broker closed the channel with 404: the queue or an exchange is gone.
                JMSException gone = new JMSException("the subscription is gone on the broker: " + reason(e));
                gone.setLinkedException(e);
                throw gone;
            }
            // A slow or busy broker is no lost feed: a flush of every node's cache at each blip
            // would be (attacker review 313). The next check asks again.
            return reason(e);
        } catch (RuntimeException e) {
            return reason(e);
        } finally {
            if (ch != null && ch.isOpen()) {
                try {
                    ch.close();
                } catch (IOException | TimeoutException | RuntimeException e) {
                    // closed with the connection anyway
                }
            }
        }
    }

    /** Whether the broker closed the channel because what it named does not exist (404). */
    private static boolean notFound(IOException e) {
        return e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException s
                && s.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close
                && close.getReplyCode() == com.rabbitmq.client.AMQP.NOT_FOUND;
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
        // Deliveries held unprocessed by the client (each a whole body on the heap): its default
        // takes as many as the broker sends.
        factory.setChannelsQos(PREFETCH);
        factory.setAmqpConnectionFactoryPostProcessor(cf -> {
            cf.setThreadFactory(threads);
            cf.setExceptionHandler(new ConsumerFailures(lost));
            // Reconnection is ours (a fresh connection redeclares the topology and flushes the cache).
            cf.setAutomaticRecoveryEnabled(false);
            cf.setConnectionTimeout(5_000);
            // A broker that does not answer a check holds the listener's one worker no longer than
            // this (the client's default is 10 minutes; attacker review 313).
            cf.setChannelRpcTimeout(10_000);
            cf.setRequestedHeartbeat(10);
            // A publisher chooses a body's size: read whole by the client before any check of ours
            // (its default, 64 MiB, filled the heap). Beyond it the client drops the connection,
            // which this node takes for a lost feed (reconnect, flush what events cover).
            cf.setMaxInboundMessageBodySize(MAX_INBOUND_BODY_BYTES);
        });
        com.rabbitmq.client.Connection[] amqp = new com.rabbitmq.client.Connection[1];
        factory.setAmqpConnectionPostProcessor(c -> {
            amqp[0] = c;
            try {
                declare(c, config, queue);
            } catch (RuntimeException e) {
                // The client leaves the connection open when this throws: closed here, with the
                // exclusive queue it may have declared (helper review 194: one leaked per retry,
                // and a queue bound with no consumer kept every event).
                c.abort(1_000);
                throw e;
            }
        });
        Connection c = factory.createConnection();
        return new RabbitMqSubscription(
                c,
                start(
                        c,
                        lost,
                        s -> s.createConsumer(new RMQDestination(queue, null, null, queue))
                                .setMessageListener(handler.listener(s))),
                amqp[0],
                queue,
                config.bindings());
    }

    /** Deliveries the client holds at once. */
    static final int PREFETCH = 50;

    /** The largest message body the client reads. */
    static final int MAX_INBOUND_BODY_BYTES = 1 << 20;

    /**
     * A message the client could not hand over (a header it cannot convert, such as one without a
     * value) is acknowledged and gone before any listener sees it: the feed is then incomplete, so
     * it counts as lost (reconnect, flush what events cover), never as a message silently dropped.
     */
    private static final class ConsumerFailures extends ForgivingExceptionHandler {
        private final ExceptionListener lost;

        ConsumerFailures(ExceptionListener lost) {
            this.lost = lost;
        }

        @Override
        public void handleConsumerException(
                Channel channel,
                Throwable exception,
                com.rabbitmq.client.Consumer consumer,
                String consumerTag,
                String methodName) {
            super.handleConsumerException(channel, exception, consumer, consumerTag, methodName);
            lost.onException(new JMSException("a delivery could not be read ("
                    + exception.getClass().getSimpleName() + "); events may have been missed"));
        }
    }

    private static void declare(com.rabbitmq.client.Connection c, CacheEvictionSchema.Config config, String queue) {
        try {
            if (config.deadLetterExchange() != null && ensureExchange(c, config.deadLetterExchange(), "fanout")) {
                keepDeadLetters(c, config.deadLetterExchange());
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
     * True when it was declared here.
     */
    private static boolean ensureExchange(com.rabbitmq.client.Connection c, String name, String type)
            throws IOException, TimeoutException {
        Channel probe = c.createChannel();
        try {
            probe.exchangeDeclarePassive(name);
            probe.close();
            return false;
        } catch (IOException missing) {
            // The broker closed the probe's channel (404): declare it on a fresh one.
            try (Channel ch = c.createChannel()) {
                ch.exchangeDeclare(name, type, true);
            }
            return true;
        }
    }

    /** The most rejected copies the queue made beside a dead-letter exchange keeps (the oldest go first). */
    static final int DEAD_LETTERS_KEPT = 10_000;

    /** And the most bytes: 10,000 copies of 64 KiB were 640 MiB on the broker (attacker review 313). */
    static final long DEAD_LETTER_BYTES_KEPT = 64L << 20;

    /**
     * A dead-letter exchange this gateway had to declare gets a durable queue of the same name,
     * bound to it: an exchange with no queue drops what it is sent, so the copies were lost as
     * surely as without one (helper review 311). Bounded in count and bytes, the oldest dropped first. One the
     * operator made is theirs (their bindings decide); a queue that cannot be made costs a warning,
     * never the subscription.
     */
    private static void keepDeadLetters(com.rabbitmq.client.Connection c, String exchange) {
        try (Channel ch = c.createChannel()) {
            ch.queueDeclare(
                    exchange,
                    true,
                    false,
                    false,
                    Map.of("x-max-length", DEAD_LETTERS_KEPT, "x-max-length-bytes", DEAD_LETTER_BYTES_KEPT));
            ch.queueBind(exchange, exchange, "#");
        } catch (IOException | TimeoutException | RuntimeException e) {
            java.util.logging.Logger.getLogger(RabbitMqSubscription.class.getName())
                    .warning("cache eviction: no queue for the dead-letter exchange " + exchange + " (" + reason(e)
                            + "): bind one, or rejected copies are dropped");
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
