package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuietFileTest {

    private static final long NOW = 1_800_000_000_000L;

    private static QuietFile.State at(Instant modified) {
        return new QuietFile.State(FileTime.from(modified), 10);
    }

    @Test
    void aFileStandsStill250MsAfterItsLastChange() {
        Instant fine = Instant.ofEpochMilli(NOW - 100).plusNanos(1);
        assertEquals(150, QuietFile.stillIn(at(fine), NOW));
        assertEquals(0, QuietFile.stillIn(at(Instant.ofEpochMilli(NOW - 251).plusNanos(1)), NOW));
        assertEquals(0, QuietFile.stillIn(null, NOW), "no file: nothing to wait for");
        // Another machine's clock (a network file system) ahead of ours: not waited for.
        assertEquals(0, QuietFile.stillIn(at(Instant.ofEpochMilli(NOW + 60_000).plusNanos(1)), NOW));
    }

    // Helper review 230: whole-second times (ext3, HFS+, FAT, some network file systems).
    @Test
    void aWholeSecondTimeIsTakenAsStillOnlyOnce2SOld() {
        Instant whole = Instant.ofEpochSecond(1_800_000_000L);
        long now = whole.toEpochMilli() + 300;
        assertEquals(1_700, QuietFile.racyFor(at(whole), now));
        assertEquals(1_700, QuietFile.stillIn(at(whole), now), "longer than the 250 ms");
        assertEquals(0, QuietFile.racyFor(at(whole), now + 1_700));
        assertEquals(0, QuietFile.racyFor(at(whole.plusNanos(1)), now), "a fraction of a second: a fine clock");
    }
}
