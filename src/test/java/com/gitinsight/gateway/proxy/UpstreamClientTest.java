package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.testing.EndlessAnswer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The minimal client against a backend that answers one request per connection and then closes
 * it without saying so (no {@code Connection: close}): the next request on that pooled
 * connection gets no answer.
 */
class UpstreamClientTest {

    private static final ServiceSpec SERVICE =
            new ServiceSpec("s", "http", "127.0.0.1", 0, "/", 0, 2000, 2000, 2000, null, null, true, null);

    private final UpstreamClient client = new UpstreamClient(8, 8);
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    // Kong (nginx) sends the backend no User-Agent when the client sent none; the minimal client
    // added "Apache-HttpClient/<version> (Java/<version>)" (review 77).
    @Test
    void theBackendGetsOnlyTheClientsUserAgent() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<String> heads = new CopyOnWriteArrayList<>();
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    BufferedReader in =
                            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    StringBuilder head = new StringBuilder();
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        head.append(line).append('\n');
                    }
                    heads.add(head.toString());
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // closed
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        HttpHost backend = new HttpHost("http", "127.0.0.1", server.getLocalPort());
        try (ClassicHttpResponse r = client.open(backend, new UpstreamRequest("GET", URI.create("/")), SERVICE)) {
            assertEquals(200, r.getCode());
        }
        UpstreamRequest withAgent = new UpstreamRequest("GET", URI.create("/"));
        withAgent.addHeader("User-Agent", "curl/8.5.0");
        try (ClassicHttpResponse r = client.open(backend, withAgent, SERVICE)) {
            assertEquals(200, r.getCode());
        }
        assertEquals(2, heads.size());
        assertFalse(heads.get(0).toLowerCase(java.util.Locale.ROOT).contains("user-agent"), heads.get(0));
        assertTrue(heads.get(1).contains("User-Agent: curl/8.5.0\n"), heads.get(1));
        assertTrue(heads.get(0).startsWith("GET / HTTP/1.1\n"), heads.get(0));
    }

    @Test
    void aBackendsEndlessHeaderLineFailsTheCallInsteadOfFillingTheHeap() throws Exception {
        try (EndlessAnswer endless = EndlessAnswer.headerLine()) {
            HttpUriRequestBase request = new HttpUriRequestBase("GET", URI.create("/"));
            IOException e = assertThrows(
                    IOException.class,
                    () -> assertTimeoutPreemptively(
                            Duration.ofSeconds(20),
                            () -> client.open(new HttpHost("http", "127.0.0.1", endless.port()), request, SERVICE)));
            assertTrue(e.getMessage().contains("Maximum line length limit exceeded"), e.getMessage());
        }
    }

    @Test
    void aTargetWhoseConnectionsAreAllInUseIsTheGatewaysLimitNotATimeoutOfTheTarget() throws Exception {
        // Forwarder answers this exception with 503 and no passive health count (it was a 504 that ejected targets).
        ServiceSpec quick =
                new ServiceSpec("s", "http", "127.0.0.1", 0, "/", 0, 300, 1000, 1000, null, null, true, null);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    socket.getOutputStream()
                            .write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nx"
                                    .getBytes(StandardCharsets.ISO_8859_1));
                    // the rest of the body never comes: the connection stays leased
                } catch (IOException e) {
                    // closed
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        HttpHost target = new HttpHost("http", "127.0.0.1", server.getLocalPort());
        try (UpstreamClient one = new UpstreamClient(8, 1)) {
            ClassicHttpResponse held = one.open(target, new HttpGet("/"), quick);
            assertEquals(200, held.getCode());
            assertThrows(
                    org.apache.hc.core5.http.ConnectionRequestTimeoutException.class,
                    () -> assertTimeoutPreemptively(
                            Duration.ofSeconds(20), () -> one.open(target, new HttpGet("/"), quick)));
        }
    }

    @Test
    void servicesThatCheckTlsAlikeShareAPoolAndAnUnusedOneIsClosed() throws Exception {
        ServiceSpec checked = new ServiceSpec(
                "c",
                "http",
                "127.0.0.1",
                0,
                "/",
                0,
                2000,
                2000,
                2000,
                null,
                new com.gitinsight.gateway.config.ServiceTls(true, null, List.of(), null),
                true,
                null);
        HttpHost target = oneAnswerPerConnectionBackend();
        try (UpstreamClient c = new UpstreamClient(8, 8)) {
            EntityUtils.consume(c.open(target, new HttpGet("/"), SERVICE).getEntity());
            EntityUtils.consume(c.open(target, new HttpGet("/"), checked).getEntity());
            assertEquals(2, c.pools(), "a connection made for one setting never serves the other");
            for (int sweep = 0; sweep < 19; sweep++) {
                c.evictIdle();
                EntityUtils.consume(c.open(target, new HttpGet("/"), SERVICE).getEntity());
            }
            c.evictIdle();
            c.evictIdle();
            assertEquals(1, c.pools(), "ten minutes (20 sweeps) unused: closed");
            // A later request with that setting gets a new pool.
            assertEquals(200, c.open(target, new HttpGet("/"), checked).getCode());
            assertEquals(2, c.pools());
        }
    }

    private HttpHost oneAnswerPerConnectionBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    connections.incrementAndGet();
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                    String line = in.readLine();
                    requestLines.add(line);
                    int length = 0;
                    for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                        if (h.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(h.substring(15).trim());
                        }
                    }
                    for (int i = 0; i < length; i++) {
                        in.read();
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // closed
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        return new HttpHost("http", "127.0.0.1", server.getLocalPort());
    }

    private String send(HttpHost target, org.apache.hc.client5.http.classic.methods.HttpUriRequestBase request)
            throws Exception {
        try (ClassicHttpResponse response = client.open(target, request, SERVICE)) {
            return response.getCode() + " " + EntityUtils.toString(response.getEntity());
        }
    }

    private static final String INJECTED = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninjected";

    /**
     * A backend whose broken handlers send bytes no request asked for, shaped as a whole answer
     * (attacker reviews 119, 122, 127); {@code /victim} is a well-framed answer.
     */
    private HttpHost smugglingBackend() throws IOException {
        return backend(UpstreamClientTest::serveSmuggling);
    }

    /** A loopback backend serving each connection on a thread of its own with {@code serve}. */
    private HttpHost backend(java.util.function.Consumer<Socket> serve) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread serving = new Thread(() -> serve.accept(s));
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException e) {
                    // closed
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        return new HttpHost("http", "127.0.0.1", server.getLocalPort());
    }

    private static void serveSmuggling(Socket s) {
        try (s) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String requestLine = line;
                String method = line.substring(0, line.indexOf(' '));
                while (!(line = in.readLine()).isEmpty()) {
                    // the head
                }
                String path = requestLine.split(" ")[1];
                String answer = switch (path) {
                    // A body after a HEAD answer, or after a 204 or 304 announcing one.
                    case "/page", "/no-content", "/not-modified" ->
                        "HTTP/1.1 "
                                + (path.equals("/no-content")
                                        ? "204 No Content"
                                        : path.equals("/not-modified") ? "304 Not Modified" : "200 OK")
                                + "\r\nContent-Length: " + INJECTED.length() + "\r\n\r\n" + INJECTED;
                    // A body after a 204 that announces none.
                    case "/bare-204" -> "HTTP/1.1 204 No Content\r\n\r\n" + INJECTED;
                    // A 304 may carry its representation's length and no body (RFC 9110 8.6).
                    case "/etag" -> "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 1234\r\n\r\n";
                    // Bytes past the body's end, in the same write (nginx: "upstream sent
                    // more data than specified").
                    case "/short" -> "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc" + INJECTED;
                    case "/short-chunked" ->
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "3\r\nabc\r\n0\r\n\r\n" + INJECTED;
                    // Past a body longer than the read buffer: its end is read straight from
                    // the socket, and what follows stays there.
                    case "/big" -> "HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n" + "a".repeat(20000) + INJECTED;
                    case "/late" -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                    default -> "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nvictim";
                };
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (path.equals("/late")) {
                    // Past the body, a moment after it.
                    Thread.sleep(100);
                    out.write(INJECTED.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            // closed
        }
    }

    private String sendBodyless(HttpHost target, String method, String path) throws Exception {
        try (ClassicHttpResponse response =
                client.open(target, new UpstreamRequest(method, URI.create(path)), SERVICE)) {
            return response.getCode() + (response.getEntity() == null ? "" : " a body");
        }
    }

    @Test
    void bytesABackendSentThatNoRequestAskedForAreNeverReadAsTheNextRequestsAnswer() throws Exception {
        HttpHost target = smugglingBackend();
        assertEquals("200", sendBodyless(target, "HEAD", "/page"));
        assertEquals("200 victim", send(target, new HttpGet("/victim")));
        for (String path : List.of("/no-content", "/not-modified", "/bare-204")) {
            assertEquals(path.equals("/not-modified") ? "304" : "204", sendBodyless(target, "GET", path));
            assertEquals("200 victim", send(target, new HttpGet("/victim")), path);
        }
        for (String path : List.of("/short", "/short-chunked")) {
            assertEquals("200 abc", send(target, new HttpGet(path)));
            assertEquals("200 victim", send(target, new HttpGet("/victim")), path);
        }
        assertEquals("200 " + "a".repeat(20000), send(target, new HttpGet("/big")));
        assertEquals("200 victim", send(target, new HttpGet("/victim")), "/big");
        assertEquals("200 ok", send(target, new HttpGet("/late")));
        // The late bytes arrive while the connection is idle in the pool.
        Thread.sleep(300);
        assertEquals("200 victim", send(target, new HttpGet("/victim")), "/late");
    }

    @Test
    void aNotModifiedWithItsRepresentationsLengthKeepsItsConnection() throws Exception {
        HttpHost target = smugglingBackend();
        for (int i = 0; i < 3; i++) {
            assertEquals("304", sendBodyless(target, "GET", "/etag"));
        }
        assertEquals("200 victim", send(target, new HttpGet("/victim")));
        assertEquals(1, connections.get());
    }

    @Test
    void anIdempotentRequestOnAStaleConnectionIsSentOnceMoreOnAFreshOne() throws Exception {
        HttpHost target = oneAnswerPerConnectionBackend();
        assertEquals("200 ok", send(target, new HttpGet("/a")));
        // The pooled connection is closed by now; the GET goes out on it, gets nothing, and again.
        assertEquals("200 ok", send(target, new HttpGet("/b")));
        assertEquals(List.of("GET /a HTTP/1.1", "GET /b HTTP/1.1"), requestLines);
        assertTrue(connections.get() >= 2);
    }

    /**
     * A keep-alive backend that answers each request before reading its body, then skips the body
     * its Content-Length declares (as Go's net/http for a handler that ignores the body).
     */
    private HttpHost answersBeforeTheBodyBackend() throws IOException {
        return backend(socket -> {
            try (socket) {
                java.io.InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                for (String line = readLine(in); line != null; line = readLine(in)) {
                    requestLines.add(line);
                    long length = 0;
                    for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
                        if (h.toLowerCase().startsWith("content-length:")) {
                            length = Long.parseLong(h.substring(15).trim());
                        }
                    }
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    in.skipNBytes(length);
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    /** One head line, without its CRLF; null at the end of the stream. */
    private static String readLine(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                return line.length() == 0 ? null : line.toString();
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    // Attacker review 143: an HTTP/2 GET that declares content-length: N and ends its stream sent
    // the backend that length and no bytes; the backend then read the next request on the pooled
    // connection (another user's, or the attacker's own body shaped as a request) as the rest.
    @Test
    void aBodyEndingBeforeItsLengthFailsTheCallAndItsConnectionIsNeverReused() throws Exception {
        HttpHost target = answersBeforeTheBodyBackend();
        HttpPost shortBody = new HttpPost("/short");
        shortBody.setEntity(new StreamingRequestEntity(
                new java.io.ByteArrayInputStream(new byte[10]), 100, new WriteWatchdog.Upload(() -> true, 0)));
        assertThrows(StreamingRequestEntity.ClientBodyException.class, () -> send(target, shortBody));
        HttpPost next = new HttpPost("/next");
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        next.setEntity(new InputStreamEntity(
                new java.io.ByteArrayInputStream(smuggled.getBytes(StandardCharsets.ISO_8859_1)),
                smuggled.length(),
                ContentType.TEXT_PLAIN));
        assertEquals("200 ok", send(target, next));
        org.awaitility.Awaitility.await().until(() -> requestLines.size() >= 2);
        // Each connection's thread records its line: in any order, and no smuggled GET among them.
        assertEquals(
                List.of("POST /next HTTP/1.1", "POST /short HTTP/1.1"),
                requestLines.stream().sorted().toList());
        assertEquals(2, connections.get());
    }

    /**
     * Helper review 240: a chunked body whose client stream failed part-way (a client cut off, a
     * size limit reached while streaming) reached the backend ended by HttpClient's last chunk, a
     * whole request with part of the body. The backend must see the connection cut instead.
     */
    @Test
    void aStreamedChunkedBodyThatFailsPartWayNeverReachesTheBackendAsAWholeRequest() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        Thread accept = new Thread(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    synchronized (received) {
                        received.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // reset: the cut the test wants
            } finally {
                ended.countDown();
            }
        });
        accept.setDaemon(true);
        accept.start();
        InputStream failing = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                throw new IOException("one byte at a time is not used");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent >= 40_000) { // past the client's output buffer: the head and some chunks are sent
                    throw new IOException("the client went away");
                }
                int n = Math.min(len, 1000);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                sent += n;
                return n;
            }
        };
        HttpPost post = new HttpPost("/upload");
        post.setEntity(new StreamingRequestEntity(failing, -1, new WriteWatchdog.Upload(post, 60_000)));
        assertThrows(
                StreamingRequestEntity.ClientBodyException.class,
                () -> send(new HttpHost("http", "127.0.0.1", server.getLocalPort()), post));
        assertTrue(ended.await(10, java.util.concurrent.TimeUnit.SECONDS), "the backend's connection ended");
        String seen;
        synchronized (received) {
            seen = received.toString(StandardCharsets.ISO_8859_1);
        }
        assertTrue(seen.startsWith("POST /upload HTTP/1.1"), seen);
        assertFalse(seen.contains("\r\n0\r\n\r\n"), "no last chunk: " + seen.length() + " bytes");
    }

    // nginx retries only a kept connection: a backend that reads a request on a fresh connection
    // and closes without answering gets it once, not twice (helper review 142, 08-retries_spec).
    @Test
    void aFreshConnectionThatGetsNoAnswerIsNotSentAgain() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    connections.incrementAndGet();
                    requestLines.add(readLine(socket.getInputStream()));
                } catch (IOException e) {
                    // closed
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        HttpHost target = new HttpHost("http", "127.0.0.1", server.getLocalPort());
        assertThrows(NoHttpResponseException.class, () -> send(target, new HttpGet("/once")));
        assertEquals(List.of("GET /once HTTP/1.1"), requestLines);
    }

    @Test
    void aStreamedBodyIsNeverSentTwice() throws Exception {
        HttpHost target = oneAnswerPerConnectionBackend();
        assertEquals("200 ok", send(target, new HttpGet("/a")));
        HttpPost post = new HttpPost("/b");
        post.setEntity(new InputStreamEntity(
                new java.io.ByteArrayInputStream("body".getBytes(StandardCharsets.UTF_8)), 4, ContentType.TEXT_PLAIN));
        assertThrows(NoHttpResponseException.class, () -> send(target, post));
        assertFalse(requestLines.contains("POST /b HTTP/1.1"));
    }

    @Test
    void whatTheMinimalClientDoesNotDoOnItsOwn() throws Exception {
        // No redirect following, no decompression request, no cookie handling: the proxy's business.
        HttpHost target = oneAnswerPerConnectionBackend();
        HttpGet get = new HttpGet("/x");
        try (ClassicHttpResponse response = client.open(target, get, SERVICE)) {
            assertEquals(200, response.getCode());
        }
        assertNull(get.getFirstHeader("Accept-Encoding"));
        assertNull(get.getFirstHeader("Cookie"));
    }
}
