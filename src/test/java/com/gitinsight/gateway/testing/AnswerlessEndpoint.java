package com.gitinsight.gateway.testing;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile endpoint that reads the start of each request and closes the connection without an
 * answer, counting the connections: a client that sends again on its own opens a second one.
 */
public final class AnswerlessEndpoint implements AutoCloseable {

    private final AtomicInteger accepted = new AtomicInteger();
    private final LoopbackAcceptor acceptor = new LoopbackAcceptor(this::hangUp);

    public AnswerlessEndpoint() throws IOException {}

    private void hangUp(Socket socket) {
        try (socket) {
            accepted.incrementAndGet(); // counted before the close the client sees
            socket.getInputStream().read(new byte[8192]);
        } catch (IOException ignored) {
            // closed either way
        }
    }

    public int port() {
        return acceptor.port();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        acceptor.close();
    }
}
