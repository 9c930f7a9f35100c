package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.runtime.ContainerThreads;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The access log: one JSON line per request, appended to {@code gateway.access-log}
 * ({@code GATEWAY_ACCESS_LOG}; off when unset) by one writer thread. Requests only offer their
 * line to a bounded queue: when it is full the line is dropped and counted, never waited for. A
 * line's client-given parts are cut ({@link ObserveFilter}), so the queue's memory is bounded too.
 */
@ApplicationScoped
public class AccessLog implements Unproxied<AccessLog> {

    private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());

    @Inject
    @ConfigProperty(name = "gateway.access-log")
    Optional<String> file;

    @Inject
    @ConfigProperty(name = "gateway.access-log.queue", defaultValue = "16384")
    int capacity;

    private BlockingQueue<String> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running;
    private Thread writer;

    public AccessLog() {}

    /** For tests outside the container. */
    AccessLog(String file, int capacity) {
        this.file = Optional.ofNullable(file);
        this.capacity = capacity;
        start();
    }

    @PostConstruct
    void start() {
        if (file.isEmpty() || file.get().isBlank()) {
            return;
        }
        Path path = Path.of(file.get());
        queue = new ArrayBlockingQueue<>(capacity);
        running = true;
        writer = ContainerThreads.factory("gateway-access-log").newThread(() -> drain(path));
        writer.start();
        LOG.info(() -> "access log: " + path.toAbsolutePath());
    }

    /** Whether lines are taken: configured, and its writer has not stopped (a write failed). */
    public boolean enabled() {
        return queue != null && running;
    }

    /** Never blocks: a full queue, or a writer that stopped, drops the line (counted). */
    public void offer(String line) {
        if (!running || !queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    public long dropped() {
        return dropped.get();
    }

    private void drain(Path path) {
        List<String> batch = new ArrayList<>(256);
        try (BufferedWriter out = Files.newBufferedWriter(
                path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (running || !queue.isEmpty()) {
                String first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                for (String line : batch) {
                    out.write(line);
                    out.write('\n');
                }
                batch.clear();
                // Flushed whenever the queue runs dry: lines reach the file promptly at low load,
                // in large writes at high load.
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "access log: cannot write " + path + "; lines are dropped from now on", e);
            running = false;
            queue.clear(); // nothing will write them: the memory goes back
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        if (writer != null) {
            try {
                writer.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void passInstance(Consumer<? super AccessLog> receiver) {
        receiver.accept(this);
    }
}
