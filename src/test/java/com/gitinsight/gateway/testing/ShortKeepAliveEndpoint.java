package com.gitinsight.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint that answers each request 200 with {@code Keep-Alive: timeout=N} and closes a
 * connection idle for N seconds, as servers that advertise the header do: a client that keeps the
 * connection longer sends its next request into a closed connection. Counts connections and
 * requests. Requests must carry a Content-Length (the senders' do).
 */
public final class ShortKeepAliveEndpoint implements AutoCloseable {

    private final int timeoutSeconds;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final LoopbackAcceptor acceptor;

    public ShortKeepAliveEndpoint(int timeoutSeconds) throws IOException {
        this.timeoutSeconds = timeoutSeconds;
        this.acceptor = new LoopbackAcceptor(socket -> {
            Thread t = new Thread(() -> serve(socket));
            t.setDaemon(true);
            t.start();
        });
    }

    private void serve(Socket socket) {
        connections.incrementAndGet();
        try (socket) {
            socket.setSoTimeout(timeoutSeconds * 1000);
            InputStream in = socket.getInputStream();
            while (true) {
                String head = head(in);
                if (head == null) {
                    return; // the client closed it
                }
                in.readNBytes(contentLength(head));
                requests.incrementAndGet();
                socket.getOutputStream()
                        .write(("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nKeep-Alive: timeout=" + timeoutSeconds
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
            }
        } catch (SocketTimeoutException idle) {
            // idle past the timeout it advertised: closed
        } catch (IOException ignored) {
            // closed either way
        }
    }

    /** A request's head, up to its empty line; null at the end of the stream. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    public int port() {
        return acceptor.port();
    }

    public int connections() {
        return connections.get();
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() throws IOException {
        acceptor.close();
    }
}
