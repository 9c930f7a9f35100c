package com.gitinsight.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class HttpLogSenderTest {

    // Kong's http-log spec "gracefully handles layer 4 failures" looks for nginx's words in its
    // "handler could not process entries: failed request to host:port: timeout" warning.
    @Test
    void aFailedRequestIsNamedInNginxsWords() {
        assertEquals(
                "timeout",
                com.gitinsight.gateway.upstream.SocketErrors.describe(new SocketTimeoutException("Read timed out")));
        assertEquals(
                "connection refused",
                com.gitinsight.gateway.upstream.SocketErrors.describe(new ConnectException("Connection refused")));
        assertEquals(
                "host not found",
                com.gitinsight.gateway.upstream.SocketErrors.describe(new UnknownHostException("logs.invalid")));
        assertEquals(
                "connection reset by peer",
                com.gitinsight.gateway.upstream.SocketErrors.describe(new IOException("Connection reset")));
        assertEquals("closed", com.gitinsight.gateway.upstream.SocketErrors.describe(new IOException("Broken pipe")));
    }

    @Test
    void keepaliveZeroKeepsTheConnectionHoweverLongItIdlesAsOpenRestysDoes() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.List<Integer> ports = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/logs", exchange -> {
            exchange.getRequestBody().readAllBytes();
            ports.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            for (String keepalive : new String[] {"0", "1"}) {
                ports.clear();
                HttpLogSchema.Config config = (HttpLogSchema.Config) new com.gitinsight.gateway.config.KongConfigParser(
                                com.gitinsight.gateway.config.PluginRegistry.builtIn())
                        .parse(
                                "kong.yml",
                                "_format_version: \"3.0\"\nplugins:\n  - name: http-log\n    config: {http_endpoint:"
                                        + " 'http://127.0.0.1:"
                                        + server.getAddress().getPort()
                                        + "/logs', keepalive: " + keepalive + "}\n")
                        .plugins()
                        .get(0)
                        .config();
                try (HttpLogSender sender = new HttpLogSender(config)) {
                    sender.send(java.util.List.of());
                    long idle = System.nanoTime();
                    org.awaitility.Awaitility.await().until(() -> System.nanoTime() - idle > 5_000_000L);
                    sender.send(java.util.List.of());
                }
                if (keepalive.equals("0")) {
                    assertEquals(ports.get(0), ports.get(1), "one connection: 0 is no idle limit");
                } else {
                    org.junit.jupiter.api.Assertions.assertNotEquals(
                            ports.get(0), ports.get(1), "idle past 1 ms: not reused");
                }
            }
        } finally {
            server.stop(0);
        }
    }

    // Kong's http-log follows no redirect (a 3xx is a failure, retried by the queue) and its
    // client never sends a batch twice on its own: only the queue retries.
    @Test
    void aRedirectIsAFailureNotFollowedAndAnAnswerlessCloseIsOneRequest() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.List<String> hits = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/logs", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hits.add("logs");
            exchange.getResponseHeaders().add("Location", "/elsewhere");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/elsewhere", exchange -> {
            hits.add("elsewhere");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try (HttpLogSender sender = new HttpLogSender(config(server.getAddress().getPort(), "10000"))) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IOException.class, () -> sender.send(java.util.List.of()));
            assertEquals(
                    "request to 127.0.0.1:" + server.getAddress().getPort() + " returned status code 302",
                    e.getMessage());
            assertEquals(java.util.List.of("logs"), hits);
        } finally {
            server.stop(0);
        }

        try (com.gitinsight.gateway.testing.AnswerlessEndpoint closing =
                new com.gitinsight.gateway.testing.AnswerlessEndpoint()) {
            try (HttpLogSender sender = new HttpLogSender(config(closing.port(), "10000"))) {
                org.junit.jupiter.api.Assertions.assertThrows(
                        IOException.class, () -> sender.send(java.util.List.of()));
            }
            assertEquals(1, closing.accepted());
        }
    }

    // Review 298: the minimal client ignored Keep-Alive: timeout, which the full client honoured.
    @Test
    void aConnectionIdlePastTheEndpointsKeepAliveTimeoutIsNotReused() throws Exception {
        try (com.gitinsight.gateway.testing.ShortKeepAliveEndpoint endpoint =
                        new com.gitinsight.gateway.testing.ShortKeepAliveEndpoint(1);
                HttpLogSender sender = new HttpLogSender(config(endpoint.port(), "10000"))) {
            assertTrue(sender.send(java.util.List.of()));
            long sent = System.nanoTime();
            org.awaitility.Awaitility.await()
                    .pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> System.nanoTime() - sent > 1_300_000_000L);
            assertTrue(sender.send(java.util.List.of()), "sent on a new connection, not into the closed one");
            assertEquals(2, endpoint.connections());
            assertEquals(2, endpoint.requests());
        }
    }

    private static HttpLogSchema.Config config(int port, String timeout) throws Exception {
        return (HttpLogSchema.Config) new com.gitinsight.gateway.config.KongConfigParser(
                        com.gitinsight.gateway.config.PluginRegistry.builtIn())
                .parse(
                        "kong.yml",
                        "_format_version: \"3.0\"\nplugins:\n  - name: http-log\n    config: {http_endpoint:"
                                + " 'http://127.0.0.1:" + port + "/logs', timeout: " + timeout + "}\n")
                .plugins()
                .get(0)
                .config();
    }

    // http-log over TLS: the endpoint's certificate is checked against the JVM's trust store (README:
    // a gateway shipping request logs to an endpoint it has not authenticated hands them to whoever
    // answers). One it does not trust is refused before anything is sent; once its CA is in the
    // trust store, the same endpoint gets the batch.
    @Test
    void anHttpsEndpointGetsTheBatchOnlyWhenTheTrustStoreVouchesForIt(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        com.gitinsight.gateway.testing.TestCertificates pki = com.gitinsight.gateway.testing.TestCertificates.shared();
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(pki.serverContext("server", null)));
        https.createContext("/logs", ex -> {
            try (ex) {
                seen.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                ex.sendResponseHeaders(200, -1);
            }
        });
        https.start();
        int port = https.getAddress().getPort();
        java.util.List<LogEntry> batch =
                java.util.List.of(LogEntry.raw("{\"n\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String[] trust = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"
        };
        String[] before = new String[trust.length];
        try {
            HttpLogSchema.Config config = (HttpLogSchema.Config) new com.gitinsight.gateway.config.KongConfigParser(
                            com.gitinsight.gateway.config.PluginRegistry.builtIn())
                    .parse(
                            "kong.yml",
                            "_format_version: \"3.0\"\nplugins:\n  - name: http-log\n    config: {http_endpoint:"
                                    + " 'https://127.0.0.1:" + port + "/logs'}\n")
                    .plugins()
                    .get(0)
                    .config();
            try (HttpLogSender sender = new HttpLogSender(config)) {
                IOException refused =
                        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> sender.send(batch));
                assertEquals("failed request to 127.0.0.1:" + port + ": handshake failed", refused.getMessage());
            }
            assertTrue(seen.isEmpty(), "nothing sent to an endpoint not vouched for: " + seen);

            for (int i = 0; i < trust.length; i++) {
                before[i] = System.getProperty(trust[i]);
            }
            System.setProperty(
                    trust[0], pki.writeTrustStore(dir.resolve("trusted.p12")).toString());
            System.setProperty(trust[1], "changeit");
            System.setProperty(trust[2], "PKCS12");
            try (HttpLogSender sender = new HttpLogSender(config)) {
                assertTrue(sender.send(batch));
            }
            assertEquals(java.util.List.of("{\"n\":1}"), seen, "max_batch_size 1: the record alone, as Kong");
        } finally {
            for (int i = 0; i < trust.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(trust[i]);
                } else {
                    System.setProperty(trust[i], before[i]);
                }
            }
            https.stop(0);
        }
    }

    // OpenResty's settimeout(0) is nginx's 60 s default, not "at once": Kong sends with timeout 0
    // (or 0.6, cut to 0); a 1 ms timeout failed every send here.
    @Test
    void timeoutZeroIsNginxsSocketDefaultAsOpenRestysSettimeoutTakesIt() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/logs", exchange -> {
            exchange.getRequestBody().readAllBytes();
            long until = System.nanoTime() + 150_000_000L;
            org.awaitility.Awaitility.await()
                    .pollInterval(java.time.Duration.ofMillis(10))
                    .until(() -> System.nanoTime() > until);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            for (String timeout : new String[] {"0", "0.6"}) {
                HttpLogSchema.Config c = config(port, timeout);
                assertEquals(0, c.timeoutMs(), timeout + " is cut to 0, as the cosocket cuts it");
                try (HttpLogSender sender = new HttpLogSender(c)) {
                    org.junit.jupiter.api.Assertions.assertTrue(sender.send(java.util.List.of()), timeout);
                }
            }
            // The control: a timeout shorter than the answer's wait does fail.
            try (HttpLogSender sender = new HttpLogSender(config(port, "20"))) {
                org.junit.jupiter.api.Assertions.assertThrows(
                        IOException.class, () -> sender.send(java.util.List.of()));
            }
        } finally {
            server.stop(0);
        }
    }
}
