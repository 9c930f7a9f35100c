package com.gitinsight.gateway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Backends for the integration tests, on free loopback ports: echo servers that report what the
 * gateway sent, a streaming server, a slow one, and raw sockets that refuse, never read, or cut
 * their responses short.
 */
final class Backends implements AutoCloseable {

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<ServerSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    /** Released by a test once it has read the first chunk of /stream. */
    final CountDownLatch streamReleased = new CountDownLatch(1);
    /** Released by a test to let a held /hold request finish. */
    final CountDownLatch holdReleased = new CountDownLatch(1);

    /** An echo server named {@code name}: the body is a description of the request received. */
    int echo(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.createContext("/", ex -> handle(name, ex));
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    /** An echo server over TLS, presenting {@code tls}'s certificate. */
    int httpsEcho(String name, javax.net.ssl.SSLContext tls) throws IOException {
        com.sun.net.httpserver.HttpsServer server = com.sun.net.httpserver.HttpsServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        server.createContext("/", ex -> handle(name, ex));
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    private final Map<Integer, String> restartable = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, HttpServer> running = new java.util.concurrent.ConcurrentHashMap<>();
    /** Requests each named echo server has answered. */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> hits = new java.util.concurrent.ConcurrentHashMap<>();

    /** Downloads whose reader hung up before their end. */
    final java.util.concurrent.atomic.AtomicInteger downloadsCut = new java.util.concurrent.atomic.AtomicInteger();

    /** An echo server that a test can kill ({@link #kill}) and bring back on the same port. */
    int restartableEcho(String name) throws IOException {
        HttpServer server = startEcho(name, 0);
        int port = server.getAddress().getPort();
        restartable.put(port, name);
        running.put(port, server);
        return port;
    }

    /** Stops listening and drops every open connection, as a crashed backend would. */
    /**
     * Stops a restartable backend: it refuses connections at once, lets the answers it is writing
     * finish (up to a second), then closes every connection, idle keep-alive ones included. A
     * response cut in half is another test's subject (the truncating backend): nginx cannot retry
     * one either once its head is read.
     */
    void kill(int port) {
        HttpServer server = running.remove(port);
        if (server != null) {
            server.stop(1);
        }
    }

    void revive(int port) throws IOException {
        running.put(port, startEcho(restartable.get(port), port));
    }

    private HttpServer startEcho(String name, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.createContext("/", ex -> handle(name, ex));
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        servers.add(server);
        return server;
    }

    /** A backend answering every request with the status the test sets, counting requests. */
    int controlled(java.util.concurrent.atomic.AtomicInteger status, java.util.concurrent.atomic.AtomicInteger count)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.createContext("/", ex -> {
            count.incrementAndGet();
            try (ex) {
                reply(ex, status.get(), "status " + status.get());
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    /** The echo backend's description of what it received (name=value lines), from a 200. */
    static java.util.Map<String, String> echoed(java.net.http.HttpResponse<String> response) {
        org.junit.jupiter.api.Assertions.assertEquals(200, response.statusCode(), response.body());
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            int eq = line.indexOf('=');
            fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return fields;
    }

    /** A free loopback port for a server the test starts itself. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A port where nothing listens: connections are refused. */
    static int refusingPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A listener that never accepts, with its accept queue already full: the kernel drops further
     * connection attempts, so a connect hangs until the client's connect timeout.
     */
    int fullBacklog() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(server);
        for (int i = 0; i < 8; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(server.getLocalSocketAddress(), 200);
                accepted.add(filler);
            } catch (IOException full) {
                filler.close();
                break;
            }
        }
        return server.getLocalPort();
    }

    /** Accepts connections and never reads from them: uploads stall once the buffers are full. */
    int blackHole() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setReceiveBufferSize(4096);
        sockets.add(server);
        Thread t = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            Socket s = server.accept();
                            s.setReceiveBufferSize(4096);
                            accepted.add(s);
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "black-hole");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    /** Requests the {@link #truncating} backend answered, by path. */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> truncated =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A raw HTTP/1.1 backend whose bodies break off: a path ending {@code /length} promises
     * {@code Content-Length: 2000} and sends 1000 bytes, one ending {@code /chunked} sends a
     * 1000-byte chunk and never the last chunk, one ending {@code /unframed} sends 1000 bytes with
     * neither a length nor chunks; then it closes the connection. JSON, so a cache would store it.
     */
    int truncating() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        sockets.add(server);
        Thread t = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            Socket s = server.accept();
                            accepted.add(s);
                            Thread answer = new Thread(() -> cutShort(s), "truncating-answer");
                            answer.setDaemon(true);
                            answer.start();
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "truncating");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private void cutShort(Socket s) {
        try (s) {
            String path = requestPath(s.getInputStream());
            truncated
                    .computeIfAbsent(path, k -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            byte[] half = "1".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            OutputStream out = s.getOutputStream();
            if (path.endsWith("/both-lengths")) {
                // Both framings: chunks of 10 bytes announced as 3 (a splitting attempt, RFC 9112 6.3).
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            if (path.endsWith("/unframed")) {
                // No length, no chunks: the body ends at the close (HTTP/1.0 style), so the 1000 bytes
                // of a backend that died mid-body look whole to the gateway.
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(half);
            } else if (path.endsWith("/chunked")) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(half.length) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(half);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(half);
            }
            out.flush();
            // A FIN, not a reset: the request was read whole, so the 1000 bytes are not discarded.
            s.shutdownOutput();
        } catch (IOException e) {
            // the gateway went away first: nothing to cut
        }
    }

    /** Reads a request head (no body: the tests send GETs) and returns its path. */
    private static String requestPath(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        String[] requestLine = head.toString().split("\r\n", 2)[0].split(" ");
        return requestLine.length > 1 ? requestLine[1] : "";
    }

    private void handle(String name, HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        hits.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicInteger())
                .incrementAndGet();
        try {
            if (path.endsWith("/stream")) {
                stream(ex);
            } else if (path.endsWith("/events")) {
                events(ex);
            } else if (path.endsWith("/sleep10")) {
                sleep(10_000);
                reply(ex, 200, "slept");
            } else if (path.endsWith("/slow")) {
                sleep(5000);
                reply(ex, 200, "slow");
            } else if (path.endsWith("/hold")) {
                holdReleased.await(20, TimeUnit.SECONDS);
                reply(ex, 200, name);
            } else if (path.contains("/download/")) {
                try {
                    download(ex, Long.parseLong(path.substring(path.lastIndexOf('/') + 1)));
                } catch (IOException gone) {
                    downloadsCut.incrementAndGet(); // the gateway hung up before the end
                    throw gone;
                }
            } else if (path.endsWith("/cookies")) {
                ex.getResponseHeaders().add("Set-Cookie", "a=1; Path=/");
                ex.getResponseHeaders().add("Set-Cookie", "b=2; Path=/; HttpOnly");
                ex.getResponseHeaders().add("Connection", "X-Backend-Private");
                ex.getResponseHeaders().add("X-Backend-Private", "leak");
                ex.getResponseHeaders().add("X-Backend", name);
                ex.getResponseHeaders().add("X-Kong-Request-Id", "the-backend's-own");
                reply(ex, 201, "cookies");
            } else if (path.endsWith("/untyped")) {
                byte[] raw = "raw".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, raw.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(raw);
                }
            } else if (path.endsWith("/framed")) {
                ex.getResponseHeaders().add("X-Frame-Options", "SAMEORIGIN");
                reply(ex, 200, describe(name, ex));
            } else if (path.endsWith("/status/204")) {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(204, -1);
            } else if (path.endsWith("/status/418")) {
                reply(ex, 418, "teapot");
            } else {
                reply(ex, 200, describe(name, ex));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.close();
        }
    }

    /** name, method, raw URI, the bytes and a checksum of the body, and every header. */
    private static String describe(String name, HttpExchange ex) throws IOException {
        long bytes = 0;
        long sum = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = ex.getRequestBody()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    sum = sum * 31 + buffer[i];
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("backend=").append(name).append('\n');
        sb.append("method=").append(ex.getRequestMethod()).append('\n');
        sb.append("uri=").append(ex.getRequestURI().toString()).append('\n');
        sb.append("bytes=").append(bytes).append('\n');
        sb.append("sum=").append(sum).append('\n');
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v));
        headers.forEach((k, v) -> sb.append("h:")
                .append(k)
                .append('=')
                .append(String.join("|", v))
                .append('\n'));
        return sb.toString();
    }

    /** Server-sent events: 10, one every 200 ms, each carrying System.nanoTime() when it was written. */
    private static void events(HttpExchange ex) throws IOException, InterruptedException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (var out = ex.getResponseBody()) {
            for (int i = 0; i < 10; i++) {
                out.write(("id: " + i + "\ndata: " + System.nanoTime() + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(200);
            }
        }
    }

    private void stream(HttpExchange ex) throws IOException, InterruptedException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        boolean released = streamReleased.await(15, TimeUnit.SECONDS);
        out.write(("data: " + (released ? "second" : "timeout") + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private static void download(HttpExchange ex, long size) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, size);
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) i;
        }
        try (OutputStream out = ex.getResponseBody()) {
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                left -= n;
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (ex.getResponseHeaders().getFirst("Content-Type") == null) {
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis); // the backend is slow on purpose; the test itself does not sleep
    }

    @Override
    public void close() {
        streamReleased.countDown();
        holdReleased.countDown();
        servers.forEach(s -> s.stop(0));
        for (Socket s : accepted) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (ServerSocket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
