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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The access log: one JSON line per request, appended to {@code gateway.access-log}
 * ({@code GATEWAY_ACCESS_LOG}; off when unset) by one writer thread. Requests only offer their
 * line to a bounded queue: when it is full the line is dropped and counted, never waited for. A
 * line's client-given parts are cut ({@link ObserveFilter}), so the queue's memory is bounded too.
 * The queue takes no lock and wakes no thread per line (a blocking queue's lock and its signal to
 * the waiting writer were one lock and one wake-up per request, shared by all): the writer looks
 * every {@link #POLL_MS} ms, and a burst that fills half the queue wakes it at once.
 * A write that fails (a full disk) is reported in health and retried, never the end of the log.
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

    /** How often an idle writer looks for lines: a line reaches the file at most this much later. */
    static final long POLL_MS = 40;

    private ConcurrentLinkedQueue<String> queue;
    /** Lines queued, counted before each is added: the bound is checked without a lock. */
    private final AtomicInteger queued = new AtomicInteger();
    /** The queued lines at which an offer wakes the writer (half the queue). */
    private int wakeAt;

    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running;
    private volatile String lastError;
    /** How long a writer that failed waits before opening the file again. */
    static final long RETRY_MS = 1_000;

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
        queue = new ConcurrentLinkedQueue<>();
        wakeAt = Math.max(1, capacity / 2);
        running = true;
        writer = ContainerThreads.factory("gateway-access-log").newThread(() -> drain(path));
        writer.start();
        LOG.info(() -> "access log: " + path.toAbsolutePath());
    }

    /** Whether lines are taken: configured and not stopped. */
    public boolean enabled() {
        return queue != null && running;
    }

    /** Never blocks: a full queue drops the line (counted). */
    public void offer(String line) {
        if (!running) {
            dropped.incrementAndGet();
            return;
        }
        enqueue(line);
    }

    /**
     * Queues a line {@link #offer} found the log running for; it may have stopped since (a test
     * calls this after {@link #stop} to be that request).
     */
    void enqueue(String line) {
        int n = queued.incrementAndGet();
        if (n > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(line);
        if (!running) {
            // Stopped while it was being queued: the writer may have emptied the queue and ended.
            // Taken back and counted, unless the writer took it (an equal line taken instead
            // counts the same): a line is written or counted, never neither.
            if (queue.remove(line)) {
                queued.decrementAndGet();
                dropped.incrementAndGet();
            }
            return;
        }
        if (n == wakeAt) {
            LockSupport.unpark(writer);
        }
    }

    /** The next queued line, or null. */
    private String take() {
        String line = queue.poll();
        if (line != null) {
            queued.decrementAndGet();
        }
        return line;
    }

    public long dropped() {
        return dropped.get();
    }

    /** Whether the last try to open or write the file failed (lines wait in the queue, then drop). */
    public boolean failing() {
        return lastError != null;
    }

    /** The last failure (the I/O error's words), or null once lines are written again. */
    public String lastError() {
        return lastError;
    }

    /** The file, when configured. */
    public Optional<String> file() {
        return file.filter(f -> !f.isBlank());
    }

    /**
     * Writes until stopped. A failure (a full disk, a directory gone) loses the lines being
     * written, is reported ({@link #lastError}) and retried every {@link #RETRY_MS}: the file is
     * opened again, so freeing space or recreating the directory brings the log back, and lines
     * offered meanwhile wait in the bounded queue.
     */
    private void drain(Path path) {
        List<String> batch = new ArrayList<>(256);
        while (running || !queue.isEmpty()) {
            try (BufferedWriter out = open(path)) {
                if (lastError != null) {
                    LOG.info(() -> "access log: writing " + path + " again");
                    lastError = null;
                }
                write(out, batch);
                return;
            } catch (IOException | RuntimeException e) {
                // Any failure ends in a retry: a writer that died would leave enabled() true and drop all.
                dropped.addAndGet(batch.size()); // a batch cut by the failure: some of it may be in the file
                batch.clear();
                if (lastError == null) {
                    LOG.log(
                            Level.SEVERE,
                            "access log: cannot write " + path + "; retrying every " + RETRY_MS + " ms",
                            e);
                }
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (!pause()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Appends; a line a failure left cut short is ended first, so the next line starts on its own. */
    private static BufferedWriter open(Path path) throws IOException {
        boolean endLine = false;
        if (Files.isRegularFile(path)) {
            try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(path, StandardOpenOption.READ)) {
                long size = f.size(); // read once: a rotation may truncate the file meanwhile
                java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
                endLine = size > 0 && f.read(last, size - 1) == 1 && last.get(0) != '\n';
            }
        }
        BufferedWriter out = Files.newBufferedWriter(
                path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (endLine) {
            out.write('\n');
        }
        return out;
    }

    private void write(BufferedWriter out, List<String> batch) throws IOException, InterruptedException {
        while (running || !queue.isEmpty()) {
            String first = take();
            if (first == null) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                continue;
            }
            batch.add(first);
            for (String next; batch.size() < 256 && (next = take()) != null; ) {
                batch.add(next);
            }
            for (String line : batch) {
                out.write(line);
                out.write('\n');
            }
            // Flushed whenever the queue runs dry: lines reach the file promptly at low load,
            // in large writes at high load.
            if (queue.isEmpty()) {
                out.flush();
            }
            batch.clear();
        }
        out.flush();
    }

    /** Waits before the next try; false when stopped meanwhile. */
    private boolean pause() {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
        while (running && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        if (!running) {
            // Stopping with the file unwritable: these are lost.
            while (take() != null) {
                dropped.incrementAndGet();
            }
        }
        return running;
    }

    @PreDestroy
    void stop() {
        running = false;
        if (writer != null) {
            LockSupport.unpark(writer);
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
