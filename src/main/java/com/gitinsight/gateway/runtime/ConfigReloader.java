package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.ConfigText;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.QuietFile;
import java.io.IOException;
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
    /** The file as last read (installed or rejected); {@link #MISSING} when it was not there. */
    private QuietFile.State seen;
    /**
     * A change seen and not yet read: a later look reads it once the file has kept this state for
     * {@link QuietFile#SETTLE_MILLIS}. A file written in place (cp, cat >, an editor writing in
     * chunks) can be read half-written; a half that ends at a line may parse, and drop the plugins
     * listed last.
     */
    private QuietFile.State pending;
    /** When {@link #pending} was first seen ({@link #nanoClock}). */
    private long pendingSince;

    /** No file: a state of its own, so that a file gone for a moment (an editor's save) is waited for too. */
    private static final QuietFile.State MISSING = new QuietFile.State(FileTime.fromMillis(Long.MIN_VALUE), -1);

    private final LongSupplier nanoClock;
    private final QuietFile.Clock wallClock;
    private final TextReader reader;

    /** Reads the file's text. */
    @FunctionalInterface
    interface TextReader {
        String read(Path file) throws IOException;
    }

    private volatile boolean started;
    private String seenHash;

    public ConfigReloader(Path file, KongConfigParser parser, GatewayConfig initial, Consumer<GatewayConfig> onValid) {
        this(file, parser, initial, onValid, System::nanoTime, QuietFile.Clock.SYSTEM, ConfigText::read);
    }

    /** The tests' seams: time passing, the wall clock an operator's reload waits by, a write during a read. */
    ConfigReloader(
            Path file,
            KongConfigParser parser,
            GatewayConfig initial,
            Consumer<GatewayConfig> onValid,
            LongSupplier nanoClock,
            QuietFile.Clock wallClock,
            TextReader reader) {
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
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

    /**
     * Reads the file now (an operator's reload), once it stands still: an operator who reloads
     * right after an atomic move gets it at once; one whose tool is still writing the file in
     * place waits for it (helper review 230: the half was installed).
     */
    public synchronized void checkNow() {
        try {
            if (!QuietFile.await(file, wallClock)) {
                rejected(file + " is being written by another program: read once it stands still");
                return; // the poll reads it then
            }
        } catch (IOException e) {
            rejected("cannot read " + file + ": " + e);
            return;
        }
        seen = null;
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
            seen = null;
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
     * {@code settle}: read a change only once the file has stood still for {@link
     * QuietFile#SETTLE_MILLIS}. Two looks alone are not enough: the poll and a settle look can fall
     * due together and see a truncated file twice within a millisecond (CI read the empty middle
     * of a rewrite that way).
     */
    private void check(boolean settle) {
        try {
            QuietFile.State state = stateNow();
            if (state.equals(seen)) {
                return;
            }
            if (settle && !stoodStill(state, nanoClock.getAsLong())) {
                return;
            }
            if (state == MISSING) {
                seen = MISSING;
                pending = null;
                rejected("cannot read " + file + ": no such file");
                return;
            }
            String text = reader.read(file);
            QuietFile.State after = stateNow();
            if (!state.equals(after)) {
                // Written again while being read: what was read may be neither version. Timed from
                // now, not from before the read: a slow read is no time the file stood still.
                pending = after;
                pendingSince = nanoClock.getAsLong();
                lookAgainIn(QuietFile.SETTLE_MILLIS);
                return;
            }
            pending = null;
            seen = state;
            reload(text);
        } catch (IOException e) {
            rejected("cannot read " + file + ": " + e);
        } catch (RuntimeException | Error e) {
            // Caught whole: a throw here would end the timer's polling for good, unreported.
            seen = null;
            String message = "configuration reload failed unexpectedly, keeping the running configuration: " + e;
            failures.incrementAndGet();
            if (!Objects.equals(lastError.getAndSet(message), message)) {
                LOG.log(Level.SEVERE, message, e);
            }
        }
    }

    /** Whether {@code state} has been the file's for the settle time (else a look is due then). */
    private boolean stoodStill(QuietFile.State state, long now) {
        if (!state.equals(pending)) {
            pending = state;
            pendingSince = now;
            lookAgainIn(QuietFile.SETTLE_MILLIS);
            return false;
        }
        long stillFor = TimeUnit.NANOSECONDS.toMillis(now - pendingSince);
        if (stillFor < QuietFile.SETTLE_MILLIS) {
            lookAgainIn(QuietFile.SETTLE_MILLIS - stillFor);
            return false;
        }
        long racy = QuietFile.racyFor(state, wallClock.millis());
        if (racy > 0) {
            lookAgainIn(racy);
            return false;
        }
        return true;
    }

    private QuietFile.State stateNow() throws IOException {
        QuietFile.State state = QuietFile.State.of(file);
        return state == null ? MISSING : state;
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
            onValid.accept(next); // a throw is check's: the version is reported and read again
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
            return KongConfigParser.hash(ConfigText.read(file)).equals(written.hash());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void remember() {
        pending = null;
        try {
            seen = stateNow();
            if (QuietFile.racyFor(seen, wallClock.millis()) > 0) {
                // Whole seconds: an outside rewrite of the same size in this second would look
                // like this state; read again (by hash, nothing to do if unchanged) once it can't.
                seen = null;
            }
        } catch (IOException e) {
            seen = null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
