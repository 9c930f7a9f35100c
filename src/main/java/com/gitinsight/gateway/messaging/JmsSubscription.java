package com.gitinsight.gateway.messaging;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/** What every provider's subscription shares: one connection, one session, and the dead-letter copy. */
abstract class JmsSubscription implements Subscription {

    /** The property a dead-lettered copy carries: why it was rejected. */
    static final String REJECTION_REASON = "rejection_reason";

    private final Connection connection;
    private final Session session;
    /**
     * Where dead-letter copies are sent from, apart from the consuming session: on RabbitMQ a
     * publish the broker refuses (an exchange deleted, no write permission) closes its channel,
     * which ended the consumer on it silently (helper review 194). Made when first needed and again
     * after a failed send; used only from the delivery thread.
     */
    private Session deadLetterSession;

    JmsSubscription(Connection connection, Session session) {
        this.connection = connection;
        this.session = session;
    }

    /** Subscribes a fresh session's consumers. */
    interface Consumers {
        void subscribe(Session session) throws JMSException;
    }

    /** Opens the session, subscribes, starts delivery; closes the connection if any step fails. */
    static Session start(Connection c, ExceptionListener lost, Consumers consumers) throws JMSException {
        try {
            c.setExceptionListener(lost);
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            consumers.subscribe(s);
            c.start();
            return s;
        } catch (JMSException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Where rejected messages go on this provider, given the configured name. */
    abstract Destination deadLetters(Session session, String name) throws JMSException;

    @Override
    public void deadLetter(Session consuming, String name, String eventType, byte[] body, String reason)
            throws JMSException {
        if (deadLetterSession == null) {
            deadLetterSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        }
        Session s = deadLetterSession;
        try {
            BytesMessage copy = s.createBytesMessage();
            copy.writeBytes(body);
            if (eventType != null) {
                copy.setStringProperty("event_type", eventType);
            }
            copy.setStringProperty(REJECTION_REASON, reason);
            try (MessageProducer producer = s.createProducer(deadLetters(s, name))) {
                producer.send(copy);
            }
        } catch (JMSException | RuntimeException e) {
            deadLetterSession = null;
            try {
                s.close();
            } catch (JMSException | RuntimeException ignored) {
                // already closed by the broker
            }
            throw e;
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
