package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuietFileTest {

    private static QuietFile.State at(Instant modified) {
        return new QuietFile.State(FileTime.from(modified), 10);
    }

    // Helper review 230: whole-second times (ext3, HFS+, FAT, some network file systems).
    @Test
    void aWholeSecondTimeIsWatchedFor2SAFinerOneFor250Ms() {
        Instant whole = Instant.ofEpochSecond(1_800_000_000L);
        assertEquals(2_000, at(whole).settleMillis());
        assertEquals(250, at(whole.plusMillis(1)).settleMillis());
        assertEquals(250, QuietFile.MISSING.settleMillis());
    }

    // Helper review 232: judged from the file's time against this machine's clock, a file on a
    // server whose clock is behind looked old at once. It is watched.
    @Test
    void aFileIsReadOnceWatchedStillWhateverItsTime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        StepClock clock = new StepClock(0);
        StepClock.stamp(file, "a: 1\n", Instant.parse("2001-01-01T00:00:00.5Z").toEpochMilli()); // "old"
        assertEquals("a: 1\n", QuietFile.readWhenStill(file, null, clock).text());
        assertEquals(250, clock.now.get(), "watched 250 ms all the same");
        StepClock.stamp(file, "a: 2\n", Instant.parse("2001-01-01T00:00:01Z").toEpochMilli());
        assertEquals("a: 2\n", QuietFile.readWhenStill(file, null, clock).text());
        assertEquals(2_250, clock.now.get(), "a whole second's time: 2 s");
        QuietFile.State whole = QuietFile.State.of(file);
        assertEquals("a: 2\n", QuietFile.readWhenStill(file, whole, clock).text());
        assertEquals(2_250, clock.now.get(), "a state known whole: at once");
        Files.delete(file);
        assertNull(QuietFile.readWhenStill(file, null, clock));
        assertEquals(2_500, clock.now.get(), "no file, watched too");
    }

    // Helper review 232: a write between the wait and the read was read (the empty middle of a
    // rewrite became an admin edit's base). What is read must be the state watched.
    @Test
    void aFileWrittenWhileReadIsWatchedAgainAndReadWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        StepClock clock = new StepClock(0);
        StepClock.stamp(file, "a: 1\n", Instant.parse("2001-01-01T00:00:00.5Z").toEpochMilli());
        QuietFile.Reader truncatedMeanwhile = Reads.at(
                0,
                f -> StepClock.stamp(
                        f, "a: 2\n", Instant.parse("2001-01-01T00:00:02.5Z").toEpochMilli()));
        assertEquals(
                "a: 2\n",
                QuietFile.readWhenStill(file, null, clock, truncatedMeanwhile).text());
        assertEquals(500, clock.now.get(), "watched again after the read saw a change");
    }

    // Helper review 233: a file moved away between the look and the read (an editor's save) threw
    // out of the read: an admin edit answered 500. It is a change, watched like any other.
    @Test
    void aFileMovedAwayAsItIsReadIsWatchedAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        StepClock clock = new StepClock(0);
        StepClock.stamp(file, "a: 1\n", Instant.parse("2001-01-01T00:00:00.5Z").toEpochMilli());
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        clock.during = () -> {
            if (reads.get() == 1 && !Files.exists(file)) { // the editor writes the new version
                StepClock.stamp(
                        file, "a: 2\n", Instant.parse("2001-01-01T00:00:03.5Z").toEpochMilli());
            }
        };
        QuietFile.Reader movedAway = f -> {
            if (reads.getAndIncrement() == 0) {
                Files.move(f, dir.resolve("gateway.yml~"));
            }
            return Files.readString(f);
        };
        assertEquals(
                "a: 2\n", QuietFile.readWhenStill(file, null, clock, movedAway).text());
    }
}
