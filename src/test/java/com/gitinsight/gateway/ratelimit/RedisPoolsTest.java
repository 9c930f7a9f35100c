package com.gitinsight.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.gitinsight.gateway.testing.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * Kong's redis.ssl_verify and redis.server_name (helper review 147): unverified by default, as
 * Kong's; verified, the chain must reach the JVM's trust store; the server name is the one sent.
 */
class RedisPoolsTest {

    private SSLServerSocket server;
    private final List<String> serverNames = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** A TLS Redis stand-in whose certificate no JVM trusts: PONG to PING, OK to anything else. */
    private int tlsRedis() throws Exception {
        server = (SSLServerSocket) TestCertificates.shared()
                .serverContext("server", null)
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    SSLSocket socket = (SSLSocket) server.accept();
                    Thread serve = new Thread(() -> serve(socket));
                    serve.setDaemon(true);
                    serve.start();
                } catch (IOException e) {
                    // closed
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        return server.getLocalPort();
    }

    private void serve(SSLSocket socket) {
        try (socket) {
            socket.startHandshake();
            ((ExtendedSSLSession) socket.getSession())
                    .getRequestedServerNames()
                    .forEach(n -> serverNames.add(((SNIHostName) n).getAsciiName()));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int args = Integer.parseInt(line.substring(1));
                String command = null;
                for (int i = 0; i < args; i++) {
                    in.readLine(); // $length
                    String arg = in.readLine();
                    command = command == null ? arg : command;
                }
                out.write(
                        ("PING".equalsIgnoreCase(command) ? "+PONG\r\n" : "+OK\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or refused the handshake
        }
    }

    private static RateLimitingSchema.Redis settings(int port, String serverName, boolean verify) {
        return new RateLimitingSchema.Redis("127.0.0.1", port, null, null, 0, 2000, true, serverName, verify);
    }

    @Test
    void unverifiedByDefaultAsKongsAndTheServerNameIsSent() throws Exception {
        int port = tlsRedis();
        try (JedisPooled redis = RedisPools.open(settings(port, "redis.internal", false), 2)) {
            assertEquals("PONG", redis.ping());
        }
        assertEquals("redis.internal", serverNames.get(0));
    }

    // Helper review 283: without server_name, lua-resty-redis hands OpenResty no name: no SNI, and
    // no host name checked. The JDK sent redis.host, and a host with an underscore (which no SNI
    // name may hold) failed every request with an IllegalArgumentException.
    @Test
    void withoutAServerNameNoneIsSentAndAnyHostWorks() throws Exception {
        int port = tlsRedis();
        RateLimitingSchema.Redis byName =
                new RateLimitingSchema.Redis("localhost", port, null, null, 0, 2000, true, null, false);
        try (JedisPooled redis = RedisPools.open(byName, 2)) {
            assertEquals("PONG", redis.ping());
        }
        assertEquals(List.of(), serverNames, "no name sent");
        RateLimitingSchema.Redis underscored =
                new RateLimitingSchema.Redis("redis_cache", 6380, null, null, 0, 2000, true, null, true);
        RedisPools.tls(underscored, redis.clients.jedis.DefaultJedisClientConfig.builder()); // no exception
    }

    @Test
    void verifiedTheChainMustReachTheJvmsTrustStore() throws Exception {
        int port = tlsRedis();
        try (JedisPooled redis = RedisPools.open(settings(port, "localhost", true), 2)) {
            assertThrows(RuntimeException.class, redis::ping);
        }
    }

    // Helper review 198: at a cap of 64, requests beyond it waited redis.timeout and passed
    // unchecked under fault_tolerant. By default there is no cap (as Kong opens a connection per
    // request when none is idle), with Kong's 100 idle ones kept; a cap set stays a cap.
    @Test
    void thePoolHasNoCapUnlessOneIsSet() {
        RateLimitingSchema.Redis s = new RateLimitingSchema.Redis("127.0.0.1", 6379, null, null, 0, 2000, false);
        try (JedisPooled uncapped = RedisPools.open(s, 0);
                JedisPooled capped = RedisPools.open(s, 8)) {
            var free = (org.apache.commons.pool2.impl.GenericObjectPool<?>) uncapped.getPool();
            assertEquals(-1, free.getMaxTotal());
            assertEquals(RedisPools.KEPT_IDLE, free.getMaxIdle());
            var eight = (org.apache.commons.pool2.impl.GenericObjectPool<?>) capped.getPool();
            assertEquals(8, eight.getMaxTotal());
        }
    }
}
