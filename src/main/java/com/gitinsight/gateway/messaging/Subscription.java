package com.gitinsight.gateway.messaging;

import jakarta.jms.JMSException;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;

/** A live subscription to the eviction events of one broker (one provider's mechanism). */
interface Subscription extends AutoCloseable {

    /** Makes the listener for a session (it commits or rolls back on that session). */
    interface Handler {
        MessageListener listener(Session session);
    }

    /** Publishes a rejected message's copy, with the reason, to {@code exchange}. */
    void deadLetter(Session session, String exchange, String eventType, byte[] body, String reason) throws JMSException;

    /**
     * Checks the subscription still stands on the broker, where a broker can end it without a word
     * to the client; throws with the reason when it does not. Null when it stands, or why the
     * check could not be made (to be made again). Nothing to check by default.
     */
    default String verify() throws JMSException {
        return null;
    }

    @Override
    void close();
}
