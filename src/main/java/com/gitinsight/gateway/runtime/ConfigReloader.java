package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches the configuration file and swaps in each valid new version. Polling (rather than a
 * WatchService) also sees files replaced through symlinks, as Kubernetes ConfigMaps are. An
 * invalid version is logged once and the running configuration stays.
 */
public final class ConfigReloader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigReloader.class.getName());

    private final Path file;
    private final KongConfigParser parser;
    private final Consumer<GatewayConfig> onValid;
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final ScheduledExecutorService timer;
    private FileTime seenModified;
    private long seenSize = -1;
    /**
     * A change seen and not yet installed: a later look installs it once the file has kept this
     * time and size for {@link #SETTLE_MILLIS}. A file written in place (cp, cat >, an editor
     * writing in chunks) can be read half-written; a half that ends at a line may parse, and drop
     * the plugins listed last.
     */
    private FileTime pendingModified;

    private long pendingSize = -1;
    /** When the pending state was first seen ({@link #nanoClock}). */
    private long pendingSince;

    private final LongSupplier nanoClock;
    private final TextReader reader;

    /** Reads the file's text. */
    @FunctionalInterface
    interface TextReader {
        String read(Path file) throws IOException;
    }
    /** How long a changed file must stand still before it is read. */
    private static final long SETTLE_MILLIS = 250;

    private volatile boolean started;
    private String seenHash;

    public ConfigReloader(Path file, KongConfigParser parser, GatewayConfig initial, Consumer<GatewayConfig> onValid) {
        this(file, parser, initial, onValid, System::nanoTime, f -> Files.readString(f, StandardCharsets.UTF_8));
    }

    /** {@code nanoClock} and {@code reader} are the tests' seams (time passing, a write during a read). */
    ConfigReloader(
            Path file,
            KongConfigParser parser,
            GatewayConfig initial,
            Consumer<GatewayConfig> onValid,
            LongSupplier nanoClock,
            TextReader reader) {
        this.nanoClock = nanoClock;
        this.reader = reader;
        this.file = file;
        this.parser = parser;
        this.onValid = onValid;
        this.seenHash = initial.hash();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-config-reloader");
            t.setDaemon(true);
            return t;
        });
        remember();
    }

    public void start(long intervalMillis) {
        started = true;
        timer.scheduleWithFixedDelay(this::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Configurations installed since start (the first load not counted). */
    public long reloads() {
        return reloads.get();
    }

    /** Versions rejected (invalid or unreadable) since start. */
    public long failures() {
        return failures.get();
    }

    /** The error of the last rejected version, or null when the file on disk is the one running. */
    public String lastError() {
        return lastError.get();
    }

    /** Looks at the file now (an operator's reload), as the next poll would. */
    public synchronized void checkNow() {
        seenModified = null;
        check(false);
    }

    /** Runs {@code work} with polling held off, so a writer's read-validate-write-install is one step. */
    public synchronized <T, E extends Exception> T exclusively(Work<T, E> work) throws E {
        return work.run();
    }

    /** Installs a version just written to the file by the gateway itself (the admin API). */
    public synchronized void installWritten(GatewayConfig written) {
        remember();
        if (!fileHolds(written)) {
            // Another gateway sharing the file wrote after this one's lock was released: what was
            // just remembered is its file, not this version. Forget it, so the next poll reads it.
            seenModified = null;
        }
        lastError.set(null);
        if (written.hash().equals(seenHash)) {
            return;
        }
        onValid.accept(written);
        reloads.incrementAndGet();
        seenHash = written.hash();
    }

    /** Work done under the reloader's lock. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    synchronized void check() {
        check(true);
    }

    /**
     * {@code settle}: install a change only once the file has stood still for {@link
     * #SETTLE_MILLIS}. Two looks alone are not enough: the poll and a settle look can fall due
     * together and see a truncated file twice within a millisecond (CI read the empty middle of a
     * rewrite that way).
     */
    private void check(boolean settle) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (modified.equals(seenModified) && size == seenSize) {
                return;
            }
            long now = nanoClock.getAsLong();
            if (settle) {
                if (!(modified.equals(pendingModified) && size == pendingSize)) {
                    pendingModified = modified;
                    pendingSize = size;
                    pendingSince = now;
                    lookAgainIn(SETTLE_MILLIS);
                    return;
                }
                long stillFor = TimeUnit.NANOSECONDS.toMillis(now - pendingSince);
                if (stillFor < SETTLE_MILLIS) {
                    lookAgainIn(SETTLE_MILLIS - stillFor);
                    return;
                }
            }
            String text = reader.read(file);
            FileTime modifiedAfter = Files.getLastModifiedTime(file);
            long sizeAfter = Files.size(file);
            if (!(modified.equals(modifiedAfter) && size == sizeAfter)) {
                // Written again while being read: what was read may be neither version.
                pendingModified = modifiedAfter;
                pendingSize = sizeAfter;
                pendingSince = now;
                lookAgainIn(SETTLE_MILLIS);
                return;
            }
            pendingModified = null;
            pendingSize = -1;
            seenModified = modified;
            seenSize = size;
            reload(text);
        } catch (IOException e) {
            rejected("cannot read " + file + ": " + e);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "configuration reload failed unexpectedly; keeping the running configuration", e);
        }
    }

    /** Looks at the file again shortly, not a whole poll later. */
    private void lookAgainIn(long millis) {
        if (started && !timer.isShutdown()) {
            try {
                timer.schedule((Runnable) this::check, millis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile: nothing to install
            }
        }
    }

    private void reload(String text) {
        try {
            GatewayConfig next = parser.parse(file.toString(), text);
            if (next.hash().equals(seenHash)) {
                lastError.set(null);
                return;
            }
            onValid.accept(next);
            reloads.incrementAndGet();
            seenHash = next.hash();
            lastError.set(null);
            LOG.info(() -> "configuration reloaded from " + file + " (hash " + next.hash() + ")");
        } catch (ConfigException e) {
            rejected("rejected new configuration, keeping hash " + seenHash + ":\n" + e.getMessage());
        }
    }

    private void rejected(String message) {
        failures.incrementAndGet();
        if (!Objects.equals(lastError.getAndSet(message), message)) {
            LOG.warning(message);
        }
    }

    /** Whether the file (read after {@link #remember}) still holds {@code written}. */
    private boolean fileHolds(GatewayConfig written) {
        try {
            return KongConfigParser.hash(Files.readString(file)).equals(written.hash());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void remember() {
        try {
            seenModified = Files.getLastModifiedTime(file);
            seenSize = Files.size(file);
        } catch (IOException e) {
            seenModified = null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
