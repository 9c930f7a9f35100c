package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.config.PluginSpec;
import com.gitinsight.gateway.config.QueueSpec;
import com.gitinsight.gateway.runtime.ContainerThreads;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * file-log's writers, one per path, shared by every plugin instance that names it (Kong keeps one
 * file handle per path): lines queue without blocking (16,384 at most; beyond that the oldest are
 * dropped and counted) and one thread appends them in batches. As Kong's handler does per write, a
 * batch holding a line of a {@code reopen} instance closes the path's file and opens it again
 * before writing (so a log rotated by moving it is followed), and the file is then kept open; a
 * batch of lines without {@code reopen} writes to the file kept open (a moved or deleted file goes
 * on receiving, and is not created again, as in Kong), opening it only when none is. A file that cannot be opened
 * or written (a missing directory, a full disk) loses those lines: counted, its last error kept,
 * and reported in health; the client never sees it.
 */
@ApplicationScoped
public class FileLogWriters implements Unproxied<FileLogWriters> {

    private static final Logger LOG = Logger.getLogger(FileLogWriters.class.getName());
    private static final QueueSpec QUEUE = new QueueSpec(1024, 0, 16_384, BatchQueue.DEFAULT_MAX_BYTES, -1, 1, 1, 1);

    private final Map<String, PathWriter> writers = new ConcurrentHashMap<>();
    private final Retirement retirement = new Retirement();

    /** The configuration file ({@code gateway.config}): it and its backups are not file-log's to write. */
    @jakarta.inject.Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "gateway.config",
            defaultValue = "server-config/gateway.yml")
    String configFile;

    /**
     * Where file-log never writes: the configuration file and its backups directory, which holds
     * the backups, the audit log and the redaction key (attacker review 148: a file-log path named
     * {@code <config>.backups/audit.log} forged audit lines, one on the key made it unreadable).
     * Null outside the container (tests that set none).
     */
    private volatile List<Path> guarded;

    @jakarta.annotation.PostConstruct
    void guard() {
        guarded = configFile == null ? null : guardedPaths(Path.of(configFile));
    }

    /** For tests outside the container: guards {@code configFile} and its backups. */
    FileLogWriters guarding(Path configFile) {
        guarded = guardedPaths(configFile);
        return this;
    }

    /**
     * The configuration file and its {@code .backups} directory, as written and as resolved (a
     * linked file's target and its own backups too).
     */
    static List<Path> guardedPaths(Path configFile) {
        java.util.Set<Path> files = new java.util.LinkedHashSet<>();
        Path file = configFile.toAbsolutePath().normalize();
        files.add(file);
        Path dir = resolved(file.getParent());
        if (dir != null) {
            files.add(dir.resolve(file.getFileName()));
        }
        Path target = resolved(file);
        if (target != null) {
            files.add(target);
        }
        List<Path> out = new ArrayList<>();
        for (Path f : files) {
            out.add(f);
            out.add(f.resolveSibling(f.getFileName() + ".backups"));
        }
        return List.copyOf(out);
    }

    private static Path resolved(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether {@code file}, as the file system would resolve it when opened (links followed, a
     * dangling one too: opening creates its target), is a guarded file or lies in a guarded
     * directory.
     */
    static boolean inside(Path file, List<Path> guarded) {
        Path abs = FileLogSchema.asOpened(file.toAbsolutePath());
        for (int hops = 0; java.nio.file.Files.isSymbolicLink(abs); hops++) {
            Path next = hops < FileLogSchema.MAX_LINKS ? FileLogSchema.linkTarget(abs) : null;
            if (next == null) {
                return true; // a link that cannot be read or ends nowhere is not written through
            }
            abs = next;
        }
        Path parent = resolved(abs.getParent());
        if (parent != null) {
            abs = parent.resolve(abs.getFileName());
        }
        for (Path g : guarded) {
            if (abs.startsWith(g)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Queues one record (its custom fields applied) for {@code config}'s file; never blocks. A
     * request that outlived its configuration ({@code snapshot}) still writes where it said, but a
     * writer it brings back is retired again at once rather than kept.
     */
    void write(FileLogSchema.Config config, LogEntry record, GatewaySnapshot snapshot) {
        PathWriter w = writers.get(config.path());
        if (w == null) {
            List<Path> guard = guarded;
            w = writers.computeIfAbsent(config.path(), p -> new PathWriter(p, guard));
        }
        LogEntry line = config.reopen() ? new Reopening(record) : record;
        w.queue.offer(line, record.estimatedBytes() + 1);
        if (retirement.retired(config.path(), snapshot) && writers.remove(config.path(), w)) {
            retireLater(w);
        }
    }

    /** A line of an instance with {@code reopen}: its batch opens the file afresh. */
    private record Reopening(LogEntry line) implements LogEntry {
        @Override
        public long estimatedBytes() {
            return line.estimatedBytes();
        }

        @Override
        public int readAhead() {
            return line.readAhead();
        }

        @Override
        public void writeTo(com.fasterxml.jackson.core.JsonGenerator g, LogWriter writer) throws IOException {
            line.writeTo(g, writer);
        }
    }

    /** Retires the writers of files no file-log of the new configuration names (they write what waits, then close). */
    void retire(@Observes GatewaySnapshot snapshot) {
        java.util.Set<String> live = new java.util.HashSet<>();
        for (PluginSpec p : snapshot.config().plugins()) {
            if (p.config() instanceof FileLogSchema.Config c) {
                live.add(c.path());
            }
        }
        retirement.newest(snapshot, live);
        writers.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) {
                return false;
            }
            retireLater(e.getValue());
            return true;
        });
    }

    private static void retireLater(PathWriter w) {
        ContainerThreads.factory("gateway-file-log-retire")
                .newThread(() -> {
                    w.queue.close(5_000);
                    w.closeChannel();
                })
                .start();
    }

    /** What each file's writer has done, for health. */
    public List<Status> status() {
        List<Status> out = new ArrayList<>();
        for (PathWriter w : writers.values()) {
            BatchQueue.Counts c = w.queue.counts();
            out.add(new Status(w.path.toString(), c.sent(), c.dropped() + c.lost(), w.lastError, w.lastErrorAt));
        }
        return out;
    }

    /** One file: lines written, lines lost (queue full, or the file could not be written), the last error. */
    public record Status(String path, long written, long lost, String lastError, Instant lastErrorAt) {
        public boolean failing() {
            return lastError != null;
        }
    }

    @PreDestroy
    void stop() {
        for (PathWriter w : writers.values()) {
            w.queue.close(2_000);
            w.closeChannel();
        }
    }

    @Override
    public void passInstance(Consumer<? super FileLogWriters> receiver) {
        receiver.accept(this);
    }

    private static final class PathWriter {
        final Path path;
        /**
         * A path written with a trailing {@code /} names a directory: opening it fails with EISDIR,
         * as nginx's open of it does, where {@link Path} would drop the slash and create a file.
         */
        private final boolean directory;

        final BatchQueue<LogEntry> queue;
        volatile String lastError;
        volatile Instant lastErrorAt;
        private FileChannel channel;
        /** A write of ours failed since the last that succeeded (it may have cut a line short). */
        private boolean writeFailed;
        /** The writer thread's (a queue has one at a time). */
        private final LogWriter json = new LogWriter();

        private final List<Path> guarded;

        PathWriter(String path, List<Path> guarded) {
            this.guarded = guarded;
            this.path = Path.of(path);
            this.directory = path.endsWith("/");
            this.queue = new BatchQueue<>(
                    "file-log " + path,
                    QUEUE,
                    BatchQueue.Coalescing.WAITING,
                    this::append,
                    ContainerThreads.factory("gateway-file-log"),
                    new BatchQueue.Counts());
        }

        /** Runs on the writer thread only. */
        private boolean append(List<LogEntry> lines) throws IOException {
            boolean opening = false;
            try {
                if (reopens(lines)) {
                    closeChannel();
                }
                if (channel == null) {
                    opening = true;
                    if (directory) {
                        throw new FileSystemException(path + "/", null, "Is a directory");
                    }
                    if (guarded != null && inside(path, guarded)) {
                        throw new FileSystemException(
                                path.toString(), null, "the configuration and its backups are not file-log's to write");
                    }
                    String refused = FileLogSchema.refusedAtOpen(path.toString());
                    if (refused != null) {
                        // As Kong's nginx, not root, fails on /etc/shadow: never written, said why.
                        throw new FileSystemException(path.toString(), null, "Permission denied (" + refused + ")");
                    }
                    channel = open(path);
                    opening = false;
                    if (writeFailed && endsMidLine(path)) {
                        // A failed write (a full disk) may have left a line cut short: the next
                        // record starts on a line of its own, not glued to it (attacker reviews
                        // 171, 176: only after a write of ours failed, never failing itself).
                        ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
                        while (newline.hasRemaining()) {
                            channel.write(newline);
                        }
                    }
                }
                FileChannel to = channel;
                json.lines(lines, (array, length) -> {
                    ByteBuffer buffer = ByteBuffer.wrap(array, 0, length);
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                });
                writeFailed = false;
                if (lastError != null) {
                    LOG.info(() -> "file-log: writing to " + path + " again");
                    lastError = null;
                    lastErrorAt = null;
                }
                return true;
            } catch (IOException e) {
                closeChannel();
                writeFailed |= !opening;
                String error = (opening ? "failed to open the file: " : "failed to write the file: ") + reason(e);
                if (lastError == null) {
                    // Kong's line, as nginx ends it ("... while logging request"), then the path.
                    LOG.warning(() -> "[file-log] " + error + " while logging request (" + path
                            + "); its lines are lost until it can be written");
                }
                lastError = error;
                lastErrorAt = Instant.now();
                throw new IOException(lastError, e);
            }
        }

        private static boolean reopens(List<LogEntry> lines) {
            for (LogEntry line : lines) {
                if (line instanceof Reopening) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether the file's last byte is not a line's end (read once: a rotation may cut it
         * meanwhile); false when it cannot be read (a file the gateway may only append to).
         */
        private static boolean endsMidLine(Path path) {
            try (FileChannel f = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = f.size();
                ByteBuffer last = ByteBuffer.allocate(1);
                return size > 0 && f.read(last, size - 1) == 1 && last.get(0) != '\n';
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** The system's words for why, as Kong's log line gives them ({@code strerror}). */
        private static String reason(IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                return "No such file or directory";
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                return "Permission denied";
            }
            if (e instanceof FileSystemException fs && fs.getReason() != null) {
                return fs.getReason();
            }
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }

        /**
         * Appends, creating the file readable by its owner and group only (0640 where POSIX
         * permissions exist: the records hold request headers and paths).
         */
        private static FileChannel open(Path path) throws IOException {
            java.util.Set<StandardOpenOption> options = java.util.EnumSet.of(
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return FileChannel.open(
                        path,
                        options,
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----")));
            }
            return FileChannel.open(path, options);
        }

        void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Closing a file we no longer write: nothing more to lose.
                }
                channel = null;
            }
        }
    }
}
