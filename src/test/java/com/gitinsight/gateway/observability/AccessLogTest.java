package com.gitinsight.gateway.observability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

    @TempDir
    Path dir;

    @Test
    void linesAreWrittenAndAFileThatCannotBeOpenedHoldsLinesWithinTheQueueOnly() throws Exception {
        Path file = dir.resolve("access.log");
        AccessLog log = new AccessLog(file.toString(), 16);
        assertTrue(log.enabled());
        log.offer("{\"a\":1}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(file) && Files.readString(file).contains("{\"a\":1}"));
        assertFalse(log.failing());
        log.stop();
        // A path that is a directory: the writer fails, says so, and lines wait in the bounded queue.
        AccessLog broken = new AccessLog(dir.toString(), 16);
        await().atMost(Duration.ofSeconds(10)).until(broken::failing);
        for (int i = 0; i < 100; i++) {
            broken.offer("x".repeat(60_000));
        }
        assertEquals(84, broken.dropped(), "beyond the queue's 16, dropped, not held");
        assertTrue(broken.enabled(), "still taking lines: the file may come back");
        broken.stop();
    }

    @Test
    void theQueuesRoomComesBackAsLinesAreWrittenAndConcurrentLinesAreWrittenOnce() throws Exception {
        // The bound is counted without a lock: each written line must give its room back (a queue
        // that only counted up would refuse every line after the first 16).
        Path file = dir.resolve("room.log");
        AccessLog log = new AccessLog(file.toString(), 16);
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 16; i++) {
                log.offer("{\"r\":" + round + ",\"i\":" + i + "}");
            }
            int expected = 16 * (round + 1);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(file) && Files.readAllLines(file).size() == expected);
        }
        assertEquals(0, log.dropped());
        // Four threads at once: every line is written once or counted as dropped, never both.
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    log.offer("{\"t\":" + id + ",\"i\":" + i + "}");
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readAllLines(file).size() - 80 + log.dropped() == 2000);
        List<String> lines = Files.readAllLines(file);
        assertEquals(lines.size(), new java.util.HashSet<>(lines).size(), "no line twice");
        log.stop();
    }

    /**
     * A line whose request found the log running and queued it after the writer had emptied the
     * queue and ended: counted as dropped, not left unwritten and uncounted.
     */
    @Test
    void aLineQueuedAfterTheWriterEndedIsCounted() throws Exception {
        Path file = dir.resolve("stopping.log");
        AccessLog log = new AccessLog(file.toString(), 16);
        log.offer("{\"before\":1}");
        log.stop();
        assertEquals(List.of("{\"before\":1}"), Files.readAllLines(file));
        log.enqueue("{\"late\":1}"); // its offer saw the log running, just before stop()
        assertEquals(1, log.dropped());
        log.offer("{\"after\":1}");
        assertEquals(2, log.dropped());
        assertEquals(List.of("{\"before\":1}"), Files.readAllLines(file));
    }

    /** Lines offered while the log stops: each is written or counted as dropped, never neither. */
    @Test
    void linesOfferedWhileItStopsAreWrittenOrCounted() throws Exception {
        for (int round = 0; round < 5; round++) {
            Path file = dir.resolve("stop-" + round + ".log");
            AccessLog log = new AccessLog(file.toString(), 100_000);
            int perThread = 2_000;
            Thread[] threads = new Thread[3];
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int t = 0; t < threads.length; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        log.offer("{\"t\":" + id + ",\"i\":" + i + "}");
                    }
                });
                threads[t].start();
            }
            go.countDown();
            log.stop(); // while the threads offer
            for (Thread t : threads) {
                t.join();
            }
            long written = Files.exists(file) ? Files.readAllLines(file).size() : 0;
            assertEquals(threads.length * perThread, written + log.dropped(), "round " + round);
        }
    }

    // Attacker review 99: one failed write (a disk a client filled) stopped the access log for good,
    // and only one line in the server log said so.
    @Test
    void aWriterThatFailedWritesAgainOnceTheFileCanBeOpened() throws Exception {
        Path file = dir.resolve("gone/access.log");
        AccessLog log = new AccessLog(file.toString(), 64);
        await().atMost(Duration.ofSeconds(10)).until(log::failing);
        assertTrue(log.lastError().contains("gone"), log.lastError());
        log.offer("{\"while\":\"down\"}");
        Files.createDirectories(file.getParent());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(file) && Files.readString(file).contains("{\"while\":\"down\"}"));
        assertFalse(log.failing());
        log.offer("{\"b\":2}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(file).contains("{\"b\":2}"));
        log.stop();
    }

    @Test
    void aFullDiskIsReportedAndCountedAndTheWriterKeepsTrying() throws Exception {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full));
        AccessLog log = new AccessLog(full.toString(), 64);
        log.offer("{\"a\":1}");
        await().atMost(Duration.ofSeconds(10)).until(log::failing);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.dropped() >= 1);
        assertTrue(log.enabled());
        long before = log.dropped();
        log.offer("{\"b\":2}");
        await().atMost(Duration.ofSeconds(10)).until(() -> log.dropped() > before);
        log.stop();
    }

    @Test
    void aLineAFailureCutShortIsEndedBeforeTheNextOne() throws Exception {
        Path file = dir.resolve("torn.log");
        Files.writeString(file, "{\"whole\":1}\n{\"cut");
        AccessLog log = new AccessLog(file.toString(), 16);
        log.offer("{\"next\":2}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(file).contains("{\"next\":2}"));
        assertEquals("{\"whole\":1}\n{\"cut\n{\"next\":2}\n", Files.readString(file));
        log.stop();
    }

    @Test
    void aClientGivenValueIsCut() {
        assertEquals("/short", ObserveFilter.cut("/short"));
        String cut = ObserveFilter.cut("/" + "a".repeat(60_000));
        assertEquals(ObserveFilter.MAX_VALUE + "...(truncated)".length(), cut.length());
    }

    // Attacker review 88: the admin API names a key-auth credential by its key; the access log
    // shows the path, so the key was logged.
    @Test
    void anAdminPathNamingAKeyAuthKeyIsLoggedWithoutIt() {
        assertEquals(
                "/_gateway/admin/consumers/bob/key-auth/REDACTED",
                ObserveFilter.logged("/_gateway/admin/consumers/bob/key-auth/the-secret-key"));
        assertEquals(
                "/_gateway/admin/consumers/bob/key-auth",
                ObserveFilter.logged("/_gateway/admin/consumers/bob/key-auth"));
        assertEquals("/api/key-auth/x", ObserveFilter.logged("/api/key-auth/x"), "a proxied path is the backend's");
    }
}
