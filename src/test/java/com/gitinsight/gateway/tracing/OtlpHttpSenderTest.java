package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.AnswerlessEndpoint;
import com.gitinsight.gateway.testing.DeafEndpoint;
import com.gitinsight.gateway.testing.EndlessAnswer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OTLP exporter's sender on HttpClient 5 against a collector stand-in. */
class OtlpHttpSenderTest {

    private static final byte[] SPANS = "marshalled spans \u0000\u0001\u00ff".getBytes(StandardCharsets.ISO_8859_1);

    private HttpServer collector;
    private OtlpHttpSender sender;

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.shutdown();
        }
        if (collector != null) {
            collector.stop(0);
        }
    }

    @Test
    void postsTheMarshalledSpansWithTheirTypeAndHeadersOnOneKeptConnection() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        collector.createContext("/v1/traces", ex -> {
            try (ex) {
                bodies.add(ex.getRequestBody().readAllBytes());
                seen.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                        + ex.getRequestHeaders().getFirst("Content-Length") + " "
                        + ex.getRequestHeaders().get("X-Token") + " from "
                        + ex.getRemoteAddress().getPort());
                ex.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
        sender = new OtlpHttpSender(config(endpoint(collector), null, () -> Map.of("X-Token", List.of("a", "b"))));

        for (int i = 0; i < 2; i++) {
            assertEquals(200, send(sender).response().getStatusCode());
        }

        assertEquals(2, bodies.size());
        assertArrayEquals(SPANS, bodies.get(0));
        String first = seen.get(0);
        assertEquals(
                "POST application/x-protobuf " + SPANS.length + " [a, b]", first.substring(0, first.indexOf(" from")));
        assertEquals(first, seen.get(1), "the second export reuses the first one's connection");
    }

    @Test
    void aConnectionIdleLongerThanTheKeepaliveIsNotReused() throws Exception {
        List<Integer> ports = new CopyOnWriteArrayList<>();
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        collector.createContext("/v1/traces", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ports.add(ex.getRemoteAddress().getPort());
                ex.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
        // OpenResty's 60 s by default; 20 ms here. The minimal client alone would keep it forever.
        sender = new OtlpHttpSender(config(endpoint(collector), null, Map::of), Duration.ofMillis(20));

        assertEquals(200, send(sender).response().getStatusCode());
        long sent = System.nanoTime();
        org.awaitility.Awaitility.await()
                .pollInterval(Duration.ofMillis(10))
                .until(() -> System.nanoTime() - sent > 60_000_000L);
        assertEquals(200, send(sender).response().getStatusCode());

        assertEquals(2, ports.size());
        assertTrue(!ports.get(0).equals(ports.get(1)), "a new connection after the keepalive: " + ports);
    }

    // Review 298: the minimal client ignored Keep-Alive: timeout, which the full client honoured.
    @Test
    void aConnectionIdlePastTheEndpointsKeepAliveTimeoutIsNotReused() throws Exception {
        try (com.gitinsight.gateway.testing.ShortKeepAliveEndpoint endpoint =
                new com.gitinsight.gateway.testing.ShortKeepAliveEndpoint(1)) {
            sender = new OtlpHttpSender(config("http://127.0.0.1:" + endpoint.port() + "/v1/traces", null, Map::of));
            assertEquals(200, send(sender).response().getStatusCode());
            long sent = System.nanoTime();
            // Past the endpoint's 1 s (it has closed the connection), within the 2 s after which
            // a connection is checked before it is reused.
            org.awaitility.Awaitility.await()
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> System.nanoTime() - sent > 1_300_000_000L);
            Sent second = send(sender);
            assertEquals(null, second.error(), "sent on a new connection, not into the closed one");
            assertEquals(200, second.response().getStatusCode());
            assertEquals(2, endpoint.connections());
            assertEquals(2, endpoint.requests());
        }
    }

    @Test
    void aRedirectIsNotFollowedAndAnAnswerlessCloseIsNotSentAgain() throws Exception {
        List<String> hits = new CopyOnWriteArrayList<>();
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        collector.createContext("/v1/traces", ex -> {
            hits.add("traces");
            ex.getResponseHeaders().add("Location", "/elsewhere");
            answer(ex, 302, new byte[0]);
        });
        collector.createContext("/elsewhere", ex -> {
            hits.add("elsewhere");
            answer(ex, 200, new byte[0]);
        });
        collector.start();
        sender = new OtlpHttpSender(config(endpoint(collector), null, Map::of));
        assertEquals(302, send(sender).response().getStatusCode());
        assertEquals(List.of("traces"), hits, "the redirect is not followed");
        sender.shutdown();

        // Kong's queue retries (RetryingExporter), never the HTTP client: one request per send.
        try (AnswerlessEndpoint closing = new AnswerlessEndpoint()) {
            sender = new OtlpHttpSender(config("http://127.0.0.1:" + closing.port() + "/v1/traces", null, Map::of));
            Sent sent = send(sender);
            assertInstanceOf(IOException.class, sent.error());
            assertEquals(1, closing.accepted());
        }
    }

    @Test
    void aCollectorsErrorIsItsStatusNeverItsWords() throws Exception {
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        collector.createContext("/small", ex -> answer(ex, 500, "busy".getBytes(StandardCharsets.UTF_8)));
        collector.createContext("/large", ex -> answer(ex, 503, new byte[OtlpHttpSender.MAX_BODY + 1]));
        collector.createContext("/v1/traces", ex -> answer(ex, 200, new byte[0]));
        collector.start();
        String base = "http://127.0.0.1:" + collector.getAddress().getPort();

        sender = new OtlpHttpSender(config(base + "/small", null, Map::of));
        HttpResponse small = send(sender).response();
        assertEquals(500, small.getStatusCode());
        // The SDK would log the body and reason: the collector's words are not handed on.
        assertEquals(0, small.getResponseBody().length);
        assertEquals("", small.getStatusMessage());
        sender.shutdown();

        sender = new OtlpHttpSender(config(base + "/large", null, Map::of));
        HttpResponse large = send(sender).response();
        assertEquals(503, large.getStatusCode());
        assertEquals(0, large.getResponseBody().length, "a body beyond the bound is not read");
    }

    @Test
    void aCollectorsEndlessAnswerIsNotReadToItsEnd() throws Exception {
        for (int status : new int[] {200, 500}) {
            try (EndlessAnswer endless = new EndlessAnswer(status)) {
                sender = new OtlpHttpSender(config("http://127.0.0.1:" + endless.port() + "/v1/traces", null, Map::of));
                Sent sent = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> send(sender));
                assertEquals(status, sent.response().getStatusCode());
                assertEquals(0, sent.response().getResponseBody().length);
                sender.shutdown();
            }
        }
    }

    @Test
    void aCollectorsEndlessHeaderLineIsAnErrorNotAFullHeap() throws Exception {
        try (EndlessAnswer endless = EndlessAnswer.headerLine()) {
            sender = new OtlpHttpSender(config("http://127.0.0.1:" + endless.port() + "/v1/traces", null, Map::of));
            Sent sent = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> send(sender));
            assertNull(sent.response());
            assertInstanceOf(IOException.class, sent.error());
        }
    }

    @Test
    void aCollectorNamedWithAnUnderscoreIsLookedUpByThatName() {
        // java.net.URI reads no host in it; the sender must still ask the resolver for the name
        // (an unknown one here), not fail for want of a target.
        sender = new OtlpHttpSender(config("http://no_such_collector_zz.invalid:9/v1/traces", null, Map::of));
        Sent sent = send(sender);
        assertInstanceOf(java.net.UnknownHostException.class, sent.error(), String.valueOf(sent.error()));
    }

    @Test
    void aCollectorThatNeverReadsWhatItIsSentIsLeftAtTheDeadline() throws Exception {
        try (DeafEndpoint deaf = new DeafEndpoint()) {
            sender = new OtlpHttpSender(config("http://127.0.0.1:" + deaf.port() + "/v1/traces", null, Map::of));
            byte[] block = new byte[1 << 20];
            MessageWriter large = new MessageWriter() {
                @Override
                public void writeMessage(OutputStream out) throws IOException {
                    for (int i = 0; i < 256; i++) {
                        out.write(block);
                    }
                }

                @Override
                public int getContentLength() {
                    return 256 * block.length;
                }
            };
            AtomicReference<Throwable> error = new AtomicReference<>();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> sender.send(large, r -> {}, error::set));
            assertInstanceOf(IOException.class, error.get());
        }
    }

    @Test
    void aRefusedConnectionIsAnError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        sender = new OtlpHttpSender(config("http://127.0.0.1:" + port + "/v1/traces", null, Map::of));
        Sent sent = send(sender);
        assertNull(sent.response());
        assertInstanceOf(IOException.class, sent.error());
    }

    @Test
    void aCollectorThatNeverAnswersIsAnErrorOnceTheTimeoutPasses() throws Exception {
        try (DeafEndpoint silent = new DeafEndpoint()) {
            sender = new OtlpHttpSender(config("http://127.0.0.1:" + silent.port() + "/v1/traces", null, Map::of));
            Sent sent = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> send(sender));
            assertNull(sent.response());
            assertNotNull(sent.error());
        }
    }

    @Test
    void aCollectorsCertificateIsVerifiedAgainstTheTrustStoreOrTheConfiguredContext(@TempDir Path dir)
            throws Exception {
        Path store = dir.resolve("collector.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "collector",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "san=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), out);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        km.init(keys, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(km.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/v1/traces", ex -> answer(ex, 200, new byte[0]));
        https.start();
        collector = https;
        String endpoint = "https://127.0.0.1:" + https.getAddress().getPort() + "/v1/traces";

        sender = new OtlpHttpSender(config(endpoint, null, Map::of));
        Sent untrusted = send(sender);
        assertNull(untrusted.response(), "a certificate the JVM does not trust is refused");
        assertInstanceOf(IOException.class, untrusted.error());
        sender.shutdown();

        TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tm.init(keys);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tm.getTrustManagers(), null);
        sender = new OtlpHttpSender(config(endpoint, clientTls, Map::of));
        assertEquals(200, send(sender).response().getStatusCode());
    }

    @Test
    void compressionIsRefusedRatherThanIgnored() {
        Compressor gzip = new Compressor() {
            @Override
            public String getEncoding() {
                return "gzip";
            }

            @Override
            public OutputStream compress(OutputStream out) {
                return out;
            }
        };
        HttpSenderConfig base = config("http://127.0.0.1:1/v1/traces", null, Map::of);
        HttpSenderConfig compressed = new TestConfig(base.getEndpoint(), gzip, null, base.getHeadersSupplier());
        assertThrows(IllegalArgumentException.class, () -> new OtlpHttpSender(compressed));
    }

    private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                ex.getResponseBody().write(body);
            }
        }
    }

    private record Sent(HttpResponse response, Throwable error) {}

    private static Sent send(OtlpHttpSender sender) {
        AtomicReference<HttpResponse> response = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        sender.send(
                new MessageWriter() {
                    @Override
                    public void writeMessage(OutputStream out) throws IOException {
                        out.write(SPANS);
                    }

                    @Override
                    public int getContentLength() {
                        return SPANS.length;
                    }
                },
                response::set,
                error::set);
        assertTrue(response.get() == null ^ error.get() == null, "exactly one callback, on the calling thread");
        return new Sent(response.get(), error.get());
    }

    private static String endpoint(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    private static HttpSenderConfig config(
            String endpoint, SSLContext tls, Supplier<Map<String, List<String>>> headers) {
        return new TestConfig(URI.create(endpoint), null, tls, headers);
    }

    private record TestConfig(
            URI endpoint, Compressor compressor, SSLContext tls, Supplier<Map<String, List<String>>> headers)
            implements HttpSenderConfig {
        @Override
        public URI getEndpoint() {
            return endpoint;
        }

        @Override
        public String getContentType() {
            return "application/x-protobuf";
        }

        @Override
        public Compressor getCompressor() {
            return compressor;
        }

        @Override
        public Duration getTimeout() {
            return Duration.ofMillis(500);
        }

        @Override
        public Duration getConnectTimeout() {
            return Duration.ofMillis(500);
        }

        @Override
        public Supplier<Map<String, List<String>>> getHeadersSupplier() {
            return headers;
        }

        @Override
        public ProxyOptions getProxyOptions() {
            return null;
        }

        @Override
        public RetryPolicy getRetryPolicy() {
            return null;
        }

        @Override
        public SSLContext getSslContext() {
            return tls;
        }

        @Override
        public X509TrustManager getTrustManager() {
            return null;
        }

        @Override
        public ExecutorService getExecutorService() {
            return null;
        }
    }
}
