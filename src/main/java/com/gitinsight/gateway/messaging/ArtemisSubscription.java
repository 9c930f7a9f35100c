package com.gitinsight.gateway.messaging;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
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
final class ArtemisSubscription extends JmsSubscription {

    private ArtemisSubscription(Connection connection, Session session) {
        super(connection, session);
    }

    static ArtemisSubscription open(
            CacheEvictionSchema.Config config, Subscription.Handler handler, ExceptionListener lost)
            throws JMSException {
        Connection c = factory(config.brokerUrl()).createConnection();
        return new ArtemisSubscription(c, start(c, lost, s -> {
            for (CacheEvictionSchema.Binding b : config.bindings()) {
                s.createConsumer(s.createTopic(b.exchange())).setMessageListener(handler.listener(s));
            }
        }));
    }

    private static ConnectionFactory factory(String url) throws JMSException {
        if (url.startsWith("jndi:")) {
            if (!CacheEvictionSchema.localJndiName(url.substring(5))) {
                throw new JMSException("jndi: takes a name the server defines, not a URL");
            }
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
    Destination deadLetters(Session s, String name) throws JMSException {
        return s.createTopic(name);
    }
}
