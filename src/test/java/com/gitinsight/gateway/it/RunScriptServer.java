package com.gitinsight.gateway.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gateway started by {@code scripts/run.sh --server <name>}, as an operator would; stopped on close. */
final class RunScriptServer implements AutoCloseable {

    final String base;
    private final Process process;

    private RunScriptServer(String base, Process process) {
        this.base = base;
        this.process = process;
    }

    /** The folder beside the Arquillian suite's ({@code target/it-<name>}) for one server's config and log. */
    static Path directory(String name) throws IOException {
        Path dir = Path.of(System.getProperty("gateway.it.dir", "target/it")).resolveSibling("it-" + name);
        Files.createDirectories(dir);
        return dir;
    }

    /** Starts the server on {@code port} with {@code config}, its log in {@code dir}/server.log; waits until ready. */
    static RunScriptServer start(String server, int port, Path dir, Path config, Map<String, String> env)
            throws Exception {
        Path log = dir.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder("scripts/run.sh", "--server", server)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("GATEWAY_PORT", Integer.toString(port));
        pb.environment().put("GATEWAY_CONFIG", config.toAbsolutePath().toString());
        pb.environment().remove("GATEWAY_ADMIN_TOKEN");
        pb.environment().putAll(env);
        RunScriptServer running = new RunScriptServer("http://127.0.0.1:" + port, pb.start());
        try {
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        if (!running.process.isAlive()) {
                            throw new AssertionError(server + " exited: " + Files.readString(log));
                        }
                        try {
                            return running.get("/_gateway/health/ready").statusCode() == 200;
                        } catch (IOException e) {
                            return false;
                        }
                    });
            return running;
        } catch (Throwable t) {
            running.close();
            throw t;
        }
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return Http.get(base + path, headers);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
