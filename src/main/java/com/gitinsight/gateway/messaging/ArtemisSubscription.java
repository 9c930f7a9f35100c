package com.gitinsight.gateway.messaging;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The events through ActiveMQ Artemis (the broker inside WildFly): each binding's {@code exchange}
 * is a JMS topic, consumed by a non-durable subscriber, so every node receives every event.
 * {@code broker_url} is an Artemis URL ({@code tcp://host:61616}, credentials as {@code ?user=&password=})
 * or {@code jndi:<name>} for a ConnectionFactory the application server defines. Reconnection is the
 * listener's, as for RabbitMQ (the client's own retries are left off).
 */
final class ArtemisSubscription implements Subscription {

    private final Connection connection;
    private final Session session;

    ArtemisSubscription(CacheEvictionPlugin.Config config, Subscription.Handler handler, ExceptionListener lost)
            throws JMSException {
        Connection c = factory(config.brokerUrl()).createConnection();
        try {
            c.setExceptionListener(lost);
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (CacheEvictionPlugin.Binding b : config.bindings()) {
                s.createConsumer(s.createTopic(b.exchange())).setMessageListener(handler.listener(s));
            }
            c.start();
            this.connection = c;
            this.session = s;
        } catch (JMSException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static ConnectionFactory factory(String url) throws JMSException {
        if (url.startsWith("jndi:")) {
            try {
                return (ConnectionFactory) new InitialContext().lookup(url.substring(5));
            } catch (NamingException | ClassCastException e) {
                JMSException failure = new JMSException("no ConnectionFactory at " + url.substring(5) + ": " + e);
                failure.initCause(e);
                throw failure;
            }
        }
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory(url);
        f.setReconnectAttempts(0);
        f.setInitialConnectAttempts(1);
        return f;
    }

    @Override
    public void deadLetter(Session s, String topic, String eventType, byte[] body, String reason) throws JMSException {
        BytesMessage copy = s.createBytesMessage();
        copy.writeBytes(body);
        if (eventType != null) {
            copy.setStringProperty("event_type", eventType);
        }
        copy.setStringProperty("rejection_reason", reason);
        try (MessageProducer producer = s.createProducer(s.createTopic(topic))) {
            producer.send(copy);
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
