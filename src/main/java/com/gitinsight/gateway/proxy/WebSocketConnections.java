package com.gitinsight.gateway.proxy;

import java.io.Closeable;
import java.lang.reflect.Field;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Closes a client's upgraded connection without writing to it: the Jakarta WebSocket API only
 * closes a session by sending a close frame, which queues behind the frames a client that stopped
 * reading never takes. Tyrus (Payara's implementation) keeps the connection's writer at session ->
 * remote endpoint -> web socket -> protocol handler -> writer, whose close ends the connection (and
 * fails the write a relay thread waits on); reached by reflection, as the WAR compiles against no
 * container. Elsewhere it says it could not.
 */
final class WebSocketConnections {

    private static final Logger LOG = Logger.getLogger(WebSocketConnections.class.getName());

    private WebSocketConnections() {}

    /** Whether the connection under {@code session} was closed. */
    static boolean abort(jakarta.websocket.Session session) {
        try {
            Object remote = session.getBasicRemote();
            Object writer = field(field(field(remote, "webSocket"), "protocolHandler"), "writer");
            if (writer instanceof Closeable closeable) {
                closeable.close();
                return true;
            }
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            LOG.log(Level.WARNING, "could not close a WebSocket client's connection: " + e, e);
            return false;
        }
        LOG.log(
                Level.WARNING,
                "cannot close the connection of a {0}",
                session.getClass().getName());
        return false;
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            throw new NoSuchFieldException(name + " (of null)");
        }
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // declared higher up
            }
        }
        throw new NoSuchFieldException(name + " in " + target.getClass().getName());
    }
}
