package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.ConfigText;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.QuietFile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
    /**
     * The file's state when last read and installed or rejected ({@link QuietFile#MISSING} when it
     * was not there), or null when it is to be read again whatever its state.
     */
    private QuietFile.State seen;
    /**
     * A change seen and not yet read: a later look reads it once the file has kept this state for
     * its settle time ({@link QuietFile.State#settleMillis}). A file written in place (cp, cat >, an editor writing in
     * chunks) can be read half-written; a half that ends at a line may parse, and drop the plugins
     * listed last.
     */
    private QuietFile.State pending;
    /** When {@link #pending} was first seen ({@link #nanoClock}). */
    private long pendingSince;

    private final LongSupplier nanoClock;
    private final QuietFile.Sleeper sleeper;
    /** The one look due shortly (one at a time: a file that keeps changing grew a chain of them per poll). */
    private ScheduledFuture<?> lookAgain;

    private final QuietFile.Reader reader;

    private volatile boolean started;
    private String seenHash;

    public ConfigReloader(Path file, KongConfigParser parser, GatewayConfig initial, Consumer<GatewayConfig> onValid) {
        this(file, parser, initial, onValid, System::nanoTime, QuietFile.Sleeper.SYSTEM, ConfigText::read);
    }

    /** The tests' seams: time passing, an operator's reload waiting, a write during a read. */
    ConfigReloader(
            Path file,
            KongConfigParser parser,
            GatewayConfig initial,
            Consumer<GatewayConfig> onValid,
            LongSupplier nanoClock,
            QuietFile.Sleeper sleeper,
            QuietFile.Reader reader) {
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
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
        // Unseen: the poll reads it once watched still and compares by hash. Remembering its state
        // now would take a version finished after the load (a copy still running at start) for
        // the one loaded, and never read it (helper review 233).
        seen = null;
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
     * Reads the file now (an operator's reload), once it has stood still (250 ms watched; 2 s for
     * a time of whole seconds), and only if it kept its state through the read: one whose tool is
     * still writing it in place is waited for (helper reviews 230, 232: the half was installed).
     * A file still changing after a few seconds is reported and left to the poll.
     */
    public synchronized void checkNow() {
        try {
            QuietFile.Read read = QuietFile.readWhenStill(file, null, sleeper, reader);
            pending = null;
            if (read == null) {
                seen = QuietFile.MISSING;
                rejected("cannot read " + file + ": no such file");
                return;
            }
            seen = read.state();
            reload(read.text());
        } catch (QuietFile.Busy e) {
            rejected(e.getMessage() + "; it is read once it stands still");
        } catch (IOException e) {
            // Read again at the next poll, even in the state running (a chmod changes neither its
            // time nor its size): the error clears once it can be read (helper review 233).
            seen = null;
            unreadable("cannot read " + file + ": " + e);
        } catch (RuntimeException | Error e) {
            failedUnexpectedly(e);
        }
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

    /**
     * A poll: reads a change only once the file has stood still for its settle time, watched here
     * (250 ms; 2 s for a time of whole seconds). Two looks alone are not enough: the poll and a
     * settle look can fall due together and see a truncated file twice within a millisecond (CI
     * read the empty middle of a rewrite that way).
     */
    synchronized void check() {
        try {
            QuietFile.State state = QuietFile.State.orMissing(file);
            if (state.equals(seen) || !stoodStill(state, nanoClock.getAsLong())) {
                return;
            }
            if (state.equals(QuietFile.MISSING)) {
                seen = QuietFile.MISSING;
                pending = null;
                rejected("cannot read " + file + ": no such file");
                return;
            }
            String text;
            try {
                text = reader.read(file);
            } catch (NoSuchFileException gone) {
                // Moved away between the look and the read (an editor's save): a change, watched.
                pending = QuietFile.State.orMissing(file);
                pendingSince = nanoClock.getAsLong();
                lookAgainIn(pending.settleMillis());
                return;
            } catch (IOException e) {
                unreadable("cannot read " + file + ": " + e); // read again at each poll, counted once
                return;
            }
            QuietFile.State after = QuietFile.State.orMissing(file);
            if (!state.equals(after)) {
                // Written again while being read: what was read may be neither version. Timed from
                // now, not from before the read: a slow read is no time the file stood still.
                pending = after;
                pendingSince = nanoClock.getAsLong();
                lookAgainIn(after.settleMillis());
                return;
            }
            pending = null;
            seen = state;
            reload(text);
        } catch (IOException e) {
            unreadable("cannot read " + file + ": " + e);
        } catch (RuntimeException | Error e) {
            failedUnexpectedly(e);
        }
    }

    /** Whether {@code state} has been the file's for its settle time (else a look is due then). */
    private boolean stoodStill(QuietFile.State state, long now) {
        if (!state.equals(pending)) {
            pending = state;
            pendingSince = now;
            lookAgainIn(state.settleMillis());
            return false;
        }
        long stillFor = TimeUnit.NANOSECONDS.toMillis(now - pendingSince);
        if (stillFor < state.settleMillis()) {
            lookAgainIn(state.settleMillis() - stillFor);
            return false;
        }
        return true;
    }

    /** Caught whole: a throw out of a poll would end the timer's polling for good, unreported. */
    private void failedUnexpectedly(Throwable e) {
        seen = null; // read again at the next poll (an observer of the swap may have failed once)
        String message = "configuration reload failed unexpectedly, keeping the running configuration: " + e;
        if (!Objects.equals(lastError.getAndSet(message), message)) {
            failures.incrementAndGet();
            LOG.log(Level.SEVERE, message, e);
        }
    }

    /** A version that could not be read: reported and counted once, read again until it can be. */
    private void unreadable(String message) {
        if (!Objects.equals(lastError.getAndSet(message), message)) {
            failures.incrementAndGet();
            LOG.warning(message);
        }
    }

    /** Looks at the file again shortly, not a whole poll later. */
    private void lookAgainIn(long millis) {
        // A look already due is enough (this one, running, has no delay left).
        if (started && !timer.isShutdown() && (lookAgain == null || lookAgain.getDelay(TimeUnit.MILLISECONDS) <= 0)) {
            try {
                lookAgain = timer.schedule((Runnable) this::check, millis, TimeUnit.MILLISECONDS);
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
            seen = QuietFile.State.orMissing(file);
            if (seen.settleMillis() == QuietFile.COARSE_MILLIS) {
                // Whole seconds: an outside rewrite of the same size in this second would look
                // like this state; read again (by hash: nothing to do if unchanged) once watched.
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
