package com.gitinsight.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.QuietFile;
import com.gitinsight.gateway.config.Reads;
import com.gitinsight.gateway.config.StepClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloaderTest {

    private static final String V1 = """
            _format_version: "3.0"
            services: [{name: a, url: "http://a:1", routes: [{name: r1, paths: [/one]}]}]
            """;
    private static final String V2 = V1.replace("r1", "r2").replace("/one", "/two");

    @Test
    void validChangesAreSwappedInAndInvalidOnesKeepTheRunningConfig(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        Path file = w.file();
        GatewayConfig initial = w.initial();
        AtomicReference<GatewayConfig> running = w.running();
        try (ConfigReloader reloader = w.reloader()) {
            reloader.check();
            assertEquals(initial, running.get(), "unchanged file: nothing to do");

            write(file, V2, 1);
            reloader.check();
            assertEquals(initial, running.get(), "one poll saw the change: the writer may not be done");
            w.later(SETTLED);
            reloader.check();
            assertEquals("r2", running.get().routes().get(0).name(), "the next saw it stand still");
            assertNull(reloader.lastError());

            write(file, V2.replace("url: \"http://a:1\"", "url: \"http://a:1\", read_timeout: -1"), 2);
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals("r2", running.get().routes().get(0).name(), "an invalid file keeps the running config");
            assertTrue(reloader.lastError().contains("read_timeout"), reloader.lastError());
            assertTrue(reloader.lastError().contains("gateway.yml:2:"), reloader.lastError());

            write(file, V1, 3);
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals("r1", running.get().routes().get(0).name());
            assertNull(reloader.lastError(), "fixing the file clears the error");
        }
    }

    // A file written in place is read only once it stands still for a poll (helper review 111): a
    // half written between two polls, cut at a line, parses and would drop the plugins listed last.
    @Test
    void aFileStillBeingWrittenIsNotInstalled(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        Path file = w.file();
        GatewayConfig initial = w.initial();
        AtomicReference<GatewayConfig> running = w.running();
        try (ConfigReloader reloader = w.reloader()) {
            String whole = V2 + "plugins: [{name: key-auth}]\n";
            write(file, V2, 1); // the first half: valid on its own, without the global key-auth
            reloader.check();
            w.later(SETTLED);
            write(file, whole, 2); // the writer goes on before the next poll
            reloader.check();
            assertEquals(initial, running.get(), "never the half");
            w.later(SETTLED);
            reloader.check();
            assertEquals(1, running.get().plugins().size(), "the whole file, once it stood still");
            write(file, V1, 3);
            reloader.checkNow();
            assertEquals("r1", running.get().routes().get(0).name(), "an operator's reload reads it at once");
        }
    }

    // Two gateways share the file (helper review 121): B wrote between A's lock release and A
    // installing its own version; A remembered B's file as seen and never loaded it.
    @Test
    void aVersionAnotherWriterReplacedMeanwhileIsReadAtTheNextPoll(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());
        try (ConfigReloader reloader = w.reloader()) {
            String mine = V1.replace("/one", "/mine");
            write(w.file(), V2, 1); // B's version, written after A's
            reloader.installWritten(parser.parse("gateway.yml", mine));
            assertEquals(
                    "/mine", w.running().get().routes().get(0).paths().get(0).raw());
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals("r2", w.running().get().routes().get(0).name(), "B's version, which the file holds");
        }
    }

    // CI (stop 55) read the empty middle of a rewrite: the poll and a settle look fell due
    // together and saw the truncated file twice within a millisecond, which passed for "stood still".
    @Test
    void twoLooksInARowAreNotAFileStandingStill(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        try (ConfigReloader reloader = w.reloader()) {
            write(w.file(), "", 1); // truncated, the new text not yet written
            reloader.check();
            w.later(Duration.ofMillis(249));
            reloader.check();
            assertEquals(w.initial(), w.running().get());
            assertNull(reloader.lastError(), "the empty middle of a rewrite was never read");
            write(w.file(), V2, 1); // same time, new size
            w.later(SETTLED);
            reloader.check();
            assertEquals(w.initial(), w.running().get(), "a new size starts the wait again");
            w.later(SETTLED);
            reloader.check();
            assertEquals("r2", w.running().get().routes().get(0).name());
        }
    }

    // The file stood still, then was rewritten between the look and the read: what was read may
    // be the empty middle of the rewrite, and is neither installed nor reported.
    @Test
    void aFileWrittenWhileBeingReadIsReadAgainOnceItStandsStill(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        QuietFile.Reader rewrittenDuringTheFirstRead = Reads.at(0, f -> write(f, WITH_KEY_AUTH, 5));
        try (ConfigReloader reloader = w.reloader(QuietFile.Sleeper.SYSTEM, rewrittenDuringTheFirstRead)) {
            write(w.file(), V2, 1);
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals(w.initial(), w.running().get(), "the text read is not installed");
            assertNull(reloader.lastError(), "nor reported: it is not a version anyone wrote");
            w.later(SETTLED);
            reloader.check();
            assertEquals(1, w.running().get().plugins().size(), "the rewrite, once it stood still");
        }
    }

    // Helper review 230: an operator's reload read the file at once, a half still being written
    // in place included. It now waits until the file has stood still.
    @Test
    void anOperatorsReloadWaitsForAFileStillBeingWritten(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        StepClock clock = new StepClock(System.currentTimeMillis());
        clock.during = () -> {
            if (clock.naps.get() == 1) { // the writer finishes while the reload waits
                StepClock.stamp(w.file(), WITH_KEY_AUTH, clock.now.get());
            }
        };
        try (ConfigReloader reloader = w.reloader(clock, Files::readString)) {
            // The first half: valid on its own, without the global key-auth.
            StepClock.stamp(w.file(), V2, clock.now.get() - 10);
            reloader.checkNow();
            assertEquals(1, w.installed().size(), "one version: " + w.installed());
            assertEquals(1, w.installed().get(0).plugins().size(), "the whole file, never the half");
            assertTrue(clock.naps.get() >= 2, "it waited again after the file changed");
        }
    }

    // Helper review 230: the state seen after a slow read was timed from before the read, so a look
    // just after it took the read's time for time the file had stood still.
    @Test
    void aSlowReadIsNoTimeTheFileStoodStill(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        QuietFile.Reader slow = Reads.at(0, f -> {
            write(f, V2, 5); // a first chunk lands during a 300 ms read
            w.later(Duration.ofMillis(300));
        });
        try (ConfigReloader reloader = w.reloader(QuietFile.Sleeper.SYSTEM, slow)) {
            write(w.file(), V1.replace("/one", "/first"), 1);
            reloader.check();
            w.later(SETTLED);
            reloader.check(); // reads, slowly; the file changed meanwhile
            w.later(Duration.ofMillis(10));
            reloader.check();
            assertEquals(w.initial(), w.running().get(), "10 ms after the read: not yet still");
            w.later(SETTLED);
            reloader.check();
            assertEquals("r2", w.running().get().routes().get(0).name());
        }
    }

    // Helper review 230: an Error (a huge file's OutOfMemoryError) ended the timer's polling for
    // good, unreported; it is reported, and the next version is read.
    @Test
    void anErrorWhileReadingIsReportedAndPollingGoesOn(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        QuietFile.Reader failingOnce = Reads.at(0, f -> {
            throw new OutOfMemoryError("Java heap space");
        });
        try (ConfigReloader reloader = w.reloader(QuietFile.Sleeper.SYSTEM, failingOnce)) {
            write(w.file(), V2, 1);
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertTrue(reloader.lastError().contains("OutOfMemoryError"), reloader.lastError());
            assertEquals(1, reloader.failures());
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals("r2", w.running().get().routes().get(0).name(), "read again");
            assertNull(reloader.lastError());
        }
    }

    // Helper review 230: a version the gateway could not install was marked as read and health
    // said the file was running; it is reported and read again.
    @Test
    void aVersionThatCouldNotBeInstalledIsReportedAndReadAgain(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        w.failingInstalls().set(1);
        try (ConfigReloader reloader = w.reloader()) {
            write(w.file(), V2, 1);
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertTrue(reloader.lastError().contains("an observer failed"), reloader.lastError());
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals("r2", w.running().get().routes().get(0).name());
            assertNull(reloader.lastError());
        }
    }

    // Helper review 230: a file gone for a moment (an editor's save) was reported at once; one
    // moved away and back unchanged kept its error for good.
    @Test
    void aFileGoneForAMomentIsWaitedForAndOneBackUnchangedClearsItsError(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        try (ConfigReloader reloader = w.reloader()) {
            Path aside = dir.resolve("aside.yml");
            Files.move(w.file(), aside);
            reloader.check();
            assertNull(reloader.lastError(), "gone for a moment: not yet an error");
            w.later(SETTLED);
            reloader.check();
            assertTrue(reloader.lastError().contains("no such file"), reloader.lastError());
            Files.move(aside, w.file()); // back, the same time and size
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertNull(reloader.lastError(), "the file running is back");
            assertEquals(w.initial(), w.running().get());
        }
    }

    // Helper review 230: on a file system of whole seconds, a same-size rewrite in the second of
    // the read kept the time and size: what was read passed for the whole file and the rewrite was
    // never read. A whole-second time is read only once it has been watched for 2 s.
    @Test
    void aSameSizeRewriteInTheSameWholeSecondIsNotMissed(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        long second = 1_800_000_000_000L;
        StepClock clock = new StepClock(second + 300);
        try (ConfigReloader reloader = w.reloader(clock, Files::readString)) {
            StepClock.stamp(w.file(), V2, second);
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals(
                    w.initial(),
                    w.running().get(),
                    "watched 250 ms: a rewrite in its second could still keep its time");
            String same = V2.replace("/two", "/tw2");
            assertEquals(V2.length(), same.length());
            StepClock.stamp(w.file(), same, second);
            w.later(Duration.ofMillis(2_000));
            reloader.check();
            assertEquals(
                    "/tw2",
                    w.running().get().routes().get(0).paths().get(0).raw(),
                    "the rewrite, read once watched 2 s");
        }
    }

    // Helper review 233: the reloader remembered the file's state when it was made, after the
    // load: a copy finished in between passed for the version loaded and was never read.
    @Test
    void aVersionFinishedAfterTheLoadIsRead(@TempDir Path dir) throws Exception {
        Setup w = setup(dir); // loaded V1
        write(w.file(), WITH_KEY_AUTH, 1); // the copy running at start finishes
        try (ConfigReloader reloader = w.reloader()) {
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals(1, w.running().get().plugins().size());
        }
    }

    // Helper review 233: an operator's reload that could not read the version running (a chmod
    // keeps its time and size) left its error for good: the poll never read that state again.
    @Test
    void anUnreadableVersionAtAnOperatorsReloadIsReadAgainByThePoll(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        QuietFile.Reader deniedOnce = Reads.at(1, f -> {
            throw new java.nio.file.AccessDeniedException(f.toString());
        });
        try (ConfigReloader reloader = w.reloader(new StepClock(0), deniedOnce)) {
            reloader.check();
            w.later(SETTLED);
            reloader.check(); // the poll has read the version running
            reloader.checkNow();
            assertTrue(reloader.lastError().contains("AccessDenied"), reloader.lastError());
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertNull(reloader.lastError(), "readable again: the error is gone");
        }
    }

    // Helper review 233: a file moved away between the poll's look and its read (an editor's save)
    // was reported as unreadable; it is a change, watched like any other.
    @Test
    void aFileMovedAwayAsThePollReadsItIsNoError(@TempDir Path dir) throws Exception {
        Setup w = setup(dir);
        QuietFile.Reader movedAway = Reads.at(0, f -> Files.move(f, dir.resolve("gateway.yml~")));
        try (ConfigReloader reloader = w.reloader(QuietFile.Sleeper.SYSTEM, movedAway)) {
            write(w.file(), V2, 1);
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertNull(reloader.lastError(), "gone for a moment: no error yet");
            write(w.file(), V2, 2); // the editor writes the new version
            reloader.check();
            w.later(SETTLED);
            reloader.check();
            assertEquals("r2", w.running().get().routes().get(0).name());
            assertNull(reloader.lastError());
        }
    }

    private static final Duration SETTLED = Duration.ofMillis(250);
    private static final String WITH_KEY_AUTH = V2 + "plugins: [{name: key-auth}]\n";

    /**
     * A watched file holding V1, the configuration running, every version installed, how many
     * installs are to fail (an observer of the swap throwing), and the reloader's clock.
     */
    private record Setup(
            Path file,
            KongConfigParser parser,
            GatewayConfig initial,
            AtomicReference<GatewayConfig> running,
            List<GatewayConfig> installed,
            AtomicInteger failingInstalls,
            AtomicLong nanos) {
        void later(Duration d) {
            nanos.addAndGet(d.toNanos());
        }

        ConfigReloader reloader() {
            return reloader(QuietFile.Sleeper.SYSTEM, Files::readString);
        }

        ConfigReloader reloader(QuietFile.Sleeper clock, QuietFile.Reader reader) {
            return new ConfigReloader(file, parser, initial, this::install, nanos::get, clock, reader);
        }

        private void install(GatewayConfig config) {
            if (failingInstalls.getAndDecrement() > 0) {
                throw new IllegalStateException("an observer failed");
            }
            installed.add(config);
            running.set(config);
        }
    }

    private static Setup setup(Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        Files.writeString(file, V1);
        KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());
        GatewayConfig initial = parser.load(file);
        return new Setup(
                file,
                parser,
                initial,
                new AtomicReference<>(initial),
                new ArrayList<>(),
                new AtomicInteger(),
                new AtomicLong());
    }

    /** Writes and moves the mtime forward, as a later edit would. */
    private static void write(Path file, String text, int secondsLater) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsLater)));
    }
}
