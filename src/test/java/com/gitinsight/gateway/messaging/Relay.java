package com.gitinsight.gateway.messaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of the broker, on a free loopback port: {@link #down} drops every
 * connection and stops listening (the broker "goes away" for whoever connects through it),
 * {@link #up} listens again on the same port.
 */
public final class Relay implements AutoCloseable {

    private final int target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    public Relay(int target) throws IOException {
        this.target = target;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public synchronized void up() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = s;
        Thread accept = new Thread(
                () -> {
                    while (!s.isClosed()) {
                        try {
                            Socket client = s.accept();
                            Socket broker = new Socket(InetAddress.getLoopbackAddress(), target);
                            open.add(client);
                            open.add(broker);
                            pipe(client, broker);
                            pipe(broker, client);
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) != -1) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // one side closed
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "relay-pipe");
        t.setDaemon(true);
        t.start();
    }

    public synchronized void down() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        open.forEach(Relay::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }

    @Override
    public void close() {
        down();
    }
}
