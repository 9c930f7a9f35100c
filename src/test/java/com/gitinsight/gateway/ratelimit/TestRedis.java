package com.gitinsight.gateway.ratelimit;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis the tests use: 127.0.0.1:6379 when it answers; else a {@code redis-server} started
 * here on a free port if one is installed; else the Redis tests are skipped, loudly.
 */
public final class TestRedis {

    private static Integer port;
    private static Process started;

    private TestRedis() {}

    public static synchronized int port() throws Exception {
        if (port != null) {
            return port;
        }
        if (listening(6379)) {
            return port = 6379;
        }
        String server = which("redis-server");
        if (server == null) {
            String message = "\n*** REDIS TESTS SKIPPED: nothing answers on 127.0.0.1:6379 and redis-server is not"
                    + " installed. Install Redis (apt-get install redis-server) to run them. ***\n";
            System.err.println(message);
            Assumptions.abort(message);
        }
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        started = new ProcessBuilder(
                        server,
                        "--port",
                        Integer.toString(free),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> started.destroy()));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!listening(free)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start on port " + free);
            }
            Thread.onSpinWait();
        }
        return port = free;
    }

    /** The Redis counters of a second gateway node, for tests outside this package. */
    public static SecondNode counters(int port) {
        return new SecondNode(
                new RedisCounters(new RateLimitingSchema.Redis("127.0.0.1", port, null, null, 0, 2000, false), 16));
    }

    /** A second node's view: admit or not, as the gateway's filter asks its store. */
    public static final class SecondNode implements AutoCloseable {
        private final RedisCounters counters;

        SecondNode(RedisCounters counters) {
            this.counters = counters;
        }

        public boolean admit(String key, java.util.List<RateLimitingSchema.Limit> limits) throws Exception {
            return counters.hit(key, limits, System.currentTimeMillis()).admitted();
        }

        @Override
        public void close() {
            counters.close();
        }
    }

    private static boolean listening(int p) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", p), 300);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
