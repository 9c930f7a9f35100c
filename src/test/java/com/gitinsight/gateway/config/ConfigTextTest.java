package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Helper review 230: the watched file was read whole, unbounded; a huge one took the heap (and its
// OutOfMemoryError ended the polling), a FIFO or device blocked the reader for good.
class ConfigTextTest {

    @Test
    void aRegularUtf8FileIsReadWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        Files.writeString(file, "_format_version: \"3.0\" # é\n");
        assertEquals("_format_version: \"3.0\" # é\n", ConfigText.read(file));
    }

    @Test
    void aFileOverTheBoundIsRefusedUnread(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(ConfigText.MAX_BYTES + 1); // sparse: no disk used
        }
        IOException e = assertThrows(IOException.class, () -> ConfigText.read(file));
        assertTrue(e.getMessage().contains("larger than 64 MiB"), e.getMessage());
    }

    @Test
    void somethingOtherThanARegularFileIsRefused(@TempDir Path dir) throws Exception {
        IOException e = assertThrows(IOException.class, () -> ConfigText.read(dir));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        Path fifo = dir.resolve("fifo.yml");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            // Opened, a FIFO blocks until a writer comes: refused before that.
            IOException f = assertThrows(IOException.class, () -> ConfigText.read(fifo));
            assertTrue(f.getMessage().contains("not a regular file"), f.getMessage());
        }
    }

    @Test
    void textThatIsNotUtf8IsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
        IOException e = assertThrows(IOException.class, () -> ConfigText.read(file));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }
}
