package com.gitinsight.gateway.testing;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hostile endpoint that accepts connections and then neither reads nor answers: a client's
 * writes stop once the socket buffers are full, and its reads wait for ever.
 */
public final class DeafEndpoint implements AutoCloseable {

    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final LoopbackAcceptor acceptor = new LoopbackAcceptor(held::add);

    public DeafEndpoint() throws IOException {}

    public int port() {
        return acceptor.port();
    }

    @Override
    public void close() throws IOException {
        acceptor.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
