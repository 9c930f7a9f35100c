package com.gitinsight.gateway.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/** A loopback server socket on a free port whose daemon thread hands each connection it accepts to {@code onAccept}. */
final class LoopbackAcceptor implements AutoCloseable {

    private final ServerSocket server;

    LoopbackAcceptor(Consumer<Socket> onAccept) throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    onAccept.accept(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        });
        accepting.setDaemon(true);
        accepting.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Stops accepting; connections already handed over are their owner's to close. */
    @Override
    public void close() throws IOException {
        server.close();
    }
}
