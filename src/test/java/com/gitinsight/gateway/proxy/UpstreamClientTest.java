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
            new ServiceSpec("s", "http", "127.0.0.1", 0, "/", 0, 2000, 2000, 2000, null, null);

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
        ServiceSpec quick = new ServiceSpec("s", "http", "127.0.0.1", 0, "/", 0, 300, 1000, 1000, null, null);
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
                new com.gitinsight.gateway.config.ServiceTls(true, null, List.of(), null));
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

    @Test
    void aBodyABackendSentAfterItsHeadAnswerIsNeverReadAsTheNextRequestsAnswer() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String injected = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninjected";
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread serve = new Thread(() -> {
                        try (s) {
                            BufferedReader in = new BufferedReader(
                                    new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                            OutputStream out = s.getOutputStream();
                            for (String line = in.readLine(); line != null; line = in.readLine()) {
                                String requestLine = line;
                                String method = line.substring(0, line.indexOf(' '));
                                while (!(line = in.readLine()).isEmpty()) {
                                    // the head
                                }
                                String status = requestLine.contains("/no-content")
                                        ? "204 No Content"
                                        : requestLine.contains("/not-modified") ? "304 Not Modified" : "200 OK";
                                String answer = requestLine.contains("/short-chunked")
                                        // Bytes past the body's end, in the same write (nginx:
                                        // "upstream sent more data than specified").
                                        ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                                                + injected
                                        : requestLine.contains("/short")
                                                ? "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc" + injected
                                                : method.equals("HEAD") || !status.startsWith("200")
                                                        // A broken handler: a body, shaped as a whole answer.
                                                        ? "HTTP/1.1 " + status + "\r\nContent-Length: "
                                                                + injected.length() + "\r\n\r\n" + injected
                                                        : "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nvictim";
                                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                                out.flush();
                            }
                        } catch (IOException | RuntimeException e) {
                            // closed
                        }
                    });
                    serve.setDaemon(true);
                    serve.start();
                } catch (IOException e) {
                    // closed
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        HttpHost target = new HttpHost("http", "127.0.0.1", server.getLocalPort());
        try (ClassicHttpResponse head =
                client.open(target, new UpstreamRequest("HEAD", URI.create("/page")), SERVICE)) {
            assertEquals(200, head.getCode());
        }
        assertEquals("200 victim", send(target, new HttpGet("/victim")));
        // A 204 or 304 announcing a body (review 122): HttpClient reads none and pooled the connection.
        for (String path : List.of("/no-content", "/not-modified")) {
            try (ClassicHttpResponse empty =
                    client.open(target, new UpstreamRequest("GET", URI.create(path)), SERVICE)) {
                assertEquals(path.equals("/no-content") ? 204 : 304, empty.getCode());
            }
            assertEquals("200 victim", send(target, new HttpGet("/victim")), path);
        }
        for (String path : List.of("/short", "/short-chunked")) {
            assertEquals("200 abc", send(target, new HttpGet(path)));
            assertEquals("200 victim", send(target, new HttpGet("/victim")), path);
        }
    }

    @Test
    void aConnectionThatAnswered304WithABodyIsClosedBeforeAnyOtherRequestCanLeaseIt() throws Exception {
        // Review 124's race: closing the pool's idle connections after the answer left an instant
        // in which another thread could lease this one. It is never pooled now.
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread serve = new Thread(() -> {
            try (Socket s = server.accept()) {
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                while (!in.readLine().isEmpty()) {
                    // the head
                }
                s.getOutputStream()
                        .write("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nvenom"
                                .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                in.read();
            } catch (IOException e) {
                // closed
            }
        });
        serve.setDaemon(true);
        serve.start();
        HttpHost target = new HttpHost("http", "127.0.0.1", server.getLocalPort());
        try (ClassicHttpResponse empty = client.open(target, new UpstreamRequest("GET", URI.create("/x")), SERVICE)) {
            assertEquals(304, empty.getCode());
        }
        // (HttpClient's own reuse rule already refuses a 204 announcing a body, not a 304.)
        assertEquals(0, client.idleConnections());
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
