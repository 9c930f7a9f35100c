package com.gitinsight.gateway.logging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** file-log's writers: lines appended off the caller's thread, rotation followed with reopen, failures counted. */
class FileLogWritersTest {

    /** The configuration the calls come from (no reload in these tests unless one says so). */
    private static final com.gitinsight.gateway.runtime.GatewaySnapshot LOADED =
            com.gitinsight.gateway.runtime.TestSnapshots.of("_format_version: \"3.0\"\n");

    @TempDir
    Path dir;

    private final FileLogWriters writers = new FileLogWriters();

    @AfterEach
    void stop() {
        writers.stop();
    }

    private static LogEntry line(String text) {
        return LogEntry.raw(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean holds(Path file, String text) throws Exception {
        return Files.exists(file) && Files.readString(file).contains(text);
    }

    @Test
    void withReopenARotatedFileIsFollowed() throws Exception {
        Path log = dir.resolve("requests.log");
        FileLogSchema.Config config = new FileLogSchema.Config(log.toString(), true);
        writers.write(config, line("{\"n\":1}"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(log, "{\"n\":1}\n"));
        Path rotated = dir.resolve("requests.log.1");
        Files.move(log, rotated, StandardCopyOption.ATOMIC_MOVE);
        writers.write(config, line("{\"n\":2}"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(log, "{\"n\":2}"));
        assertFalse(Files.readString(rotated).contains("\"n\":2"));
        assertEquals(2, writers.status().get(0).written());
    }

    @Test
    void withoutReopenTheOpenFileKeepsReceivingAsInKong() throws Exception {
        Path log = dir.resolve("kept.log");
        FileLogSchema.Config config = new FileLogSchema.Config(log.toString(), false);
        writers.write(config, line("one"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(log, "one"));
        Path moved = dir.resolve("kept.log.1");
        Files.move(log, moved, StandardCopyOption.ATOMIC_MOVE);
        writers.write(config, line("two"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(moved, "two"));
        assertFalse(Files.exists(log));
    }

    @Test
    void aDeletedFileIsNotCreatedAgainByAnInstanceWithoutReopenAsInKong() throws Exception {
        // Kong keeps one descriptor per path: a reopen instance's write leaves it open, and an
        // instance without reopen writes to it even once the file is gone (Kong's spec "logs are
        // lost if reopen = false and file doesn't exist"); the next reopen write creates the file.
        Path log = dir.resolve("shared.log");
        FileLogSchema.Config reopening = new FileLogSchema.Config(log.toString(), true);
        FileLogSchema.Config keeping = new FileLogSchema.Config(log.toString(), false);
        writers.write(reopening, line("first"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(log, "first"));
        Files.delete(log);
        writers.write(keeping, line("lost"), LOADED);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> writers.status().get(0).written() == 2);
        assertFalse(Files.exists(log));
        writers.write(reopening, line("third"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(log, "third"));
        assertFalse(Files.readString(log).contains("lost"));
    }

    @Test
    void customFieldsAreWrittenIntoTheLine() throws Exception {
        Path log = dir.resolve("custom.log");
        FileLogSchema.Config config = (FileLogSchema.Config) new com.gitinsight.gateway.config.KongConfigParser(
                        com.gitinsight.gateway.config.PluginRegistry.builtIn())
                .parse(
                        "kong.yml",
                        "_format_version: \"3.0\"\nplugins:\n  - name: file-log\n    config: {path: '" + log
                                + "', custom_fields_by_lua: {new_field: \"return 123\", route: \"return nil\"}}\n")
                .plugins()
                .get(0)
                .config();
        writers.write(
                config,
                config.customFields().applyTo(line("{\"route\":{\"name\":\"r\"},\"client_ip\":\"127.0.0.1\"}")),
                LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(log, "\n"));
        assertEquals("{\"client_ip\":\"127.0.0.1\",\"new_field\":123}\n", Files.readString(log));
    }

    @Test
    void aDirectoryAtThePathIsReportedInKongsWords() throws Exception {
        Path taken = Files.createDirectory(dir.resolve("a-directory"));
        writers.write(new FileLogSchema.Config(taken.toString(), true), line("lost"), LOADED);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> writers.status().get(0).lost() == 1);
        assertEquals(
                "failed to open the file: Is a directory",
                writers.status().get(0).lastError());
    }

    // Helper review 218: a path file-log never writes (a hidden file, a script name, a system
    // directory) loads, as Kong's spec's /etc/shadow does, and fails when opened, as Kong's nginx
    // fails on it: counted, said in Kong's words, nothing created; checked at each open.
    @Test
    void aPathFileLogNeverWritesFailsWhenOpenedInKongsWords() throws Exception {
        // (Not /etc/shadow itself: the tests may run as root, and a regression would write there.)
        for (Path refused : List.of(dir.resolve(".hidden/x.log"), dir.resolve("x.sh"), dir.resolve("a.php.log"))) {
            FileLogWriters own = new FileLogWriters();
            try {
                Files.createDirectories(dir.resolve(".hidden"));
                own.write(new FileLogSchema.Config(refused.toString(), true), line("lost"), LOADED);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> own.status().get(0).lost() == 1);
                String error = own.status().get(0).lastError();
                assertTrue(error.startsWith("failed to open the file: Permission denied ("), error);
                assertFalse(Files.exists(refused), "nothing is created");
            } finally {
                own.stop();
            }
        }
    }

    // Kong's 04-file-log spec, "the given path is not a file but a directory": a path ending in /
    // whose directory does not exist is refused by open(2) (EISDIR); Path dropped the slash and a
    // file was created in the directory's place.
    @Test
    void aPathEndingInASlashIsADirectoryEvenWhenNoneExists() throws Exception {
        Path named = dir.resolve("not-there");
        writers.write(new FileLogSchema.Config(named + "/", true), line("lost"), LOADED);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> writers.status().get(0).lost() == 1);
        assertEquals(
                "failed to open the file: Is a directory",
                writers.status().get(0).lastError());
        assertFalse(Files.exists(named), "nothing is created");
    }

    @Test
    void aMissingDirectoryIsCountedAndReportedThenWritingResumes() throws Exception {
        Path missing = dir.resolve("not-yet/requests.log");
        FileLogSchema.Config config = new FileLogSchema.Config(missing.toString(), false);
        long start = System.nanoTime();
        writers.write(config, line("lost"), LOADED);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "the caller never waits on the file");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> writers.status().get(0).lost() == 1);
        FileLogWriters.Status failing = writers.status().get(0);
        assertTrue(failing.failing());
        assertEquals("failed to open the file: No such file or directory", failing.lastError());
        Files.createDirectories(missing.getParent());
        writers.write(config, line("kept"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(missing, "kept"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !writers.status().get(0).failing());
        assertFalse(Files.readString(missing).contains("lost"));
    }

    // Attacker reviews 171 and 176: a write that failed (a full disk) may leave a line cut short;
    // the next record must not be glued to it (a log pipeline would lose both as invalid JSON).
    // A failure to open cuts nothing: a file another writer left mid-line is not touched then.
    @Test
    void afterAFailedWriteTheNextRecordStartsOnALineOfItsOwn() throws Exception {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "needs /dev/full");
        Path log = dir.resolve("requests.log");
        Files.createSymbolicLink(log, full); // every write fails: No space left on device
        FileLogSchema.Config config = new FileLogSchema.Config(log.toString(), false);
        // A prefix's rule is Kong's, by name: the link to a device is opened (without one it is refused).
        System.setProperty("gateway.file-log.path-prefix", dir.toString());
        try {
            writers.write(config, line("lost"), LOADED);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> writers.status().get(0).lost() == 1);
        } finally {
            System.clearProperty("gateway.file-log.path-prefix");
        }
        assertTrue(writers.status().get(0).lastError().startsWith("failed to write the file"));
        Files.delete(log);
        Files.writeString(log, "{\"cut\":\"sho");
        writers.write(config, line("{\"n\":1}"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(log, "{\"n\":1}"));
        assertEquals("{\"cut\":\"sho\n{\"n\":1}\n", Files.readString(log));

        Path other = dir.resolve("gone/other.log");
        FileLogSchema.Config second = new FileLogSchema.Config(other.toString(), false);
        writers.write(second, line("lost"), LOADED);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> writers.status().stream()
                        .anyMatch(st ->
                                st.lost() == 1 && st.failing() && st.lastError().startsWith("failed to open")));
        Files.createDirectories(other.getParent());
        Files.writeString(other, "{\"theirs\":");
        writers.write(second, line("{\"n\":2}"), LOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(other, "{\"n\":2}"));
        assertEquals("{\"theirs\":{\"n\":2}\n", Files.readString(other), "not ours to end");
    }

    @Test
    void manyWritersOneFileEveryLineWhole() throws Exception {
        Path log = dir.resolve("busy.log");
        FileLogSchema.Config config = new FileLogSchema.Config(log.toString(), true);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    writers.write(config, line("{\"t\":" + id + ",\"i\":" + i + "}"), LOADED);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(log) && Files.readAllLines(log).size() == 2000);
        for (String l : Files.readAllLines(log)) {
            assertTrue(l.matches("\\{\"t\":\\d,\"i\":\\d+}"), l);
        }
    }

    // Attacker review 99: a request that outlived its configuration brought a retired writer back for good.
    @Test
    void aWriterARequestOfAReplacedConfigurationBringsBackWritesItsLineAndIsRetired() throws Exception {
        Path log = dir.resolve("old.log");
        var old = com.gitinsight.gateway.runtime.TestSnapshots.of(
                "_format_version: \"3.0\"\nplugins:\n  - name: file-log\n    config: {path: " + log + "}\n");
        var next = com.gitinsight.gateway.runtime.TestSnapshots.of("_format_version: \"3.0\"\n");
        FileLogSchema.Config retired =
                (FileLogSchema.Config) old.config().plugins().get(0).config();
        writers.retire(next);
        writers.write(retired, line("{\"late\":1}"), old);
        assertEquals(0, writers.status().size(), "not kept");
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(log, "{\"late\":1}"));
    }

    // A ".." after a link climbs from where the link leads: a path through a link into the backups
    // directory and up out of its subdirectory reaches the audit log, whatever it reads as by name.
    @Test
    void aDotDotAfterALinkIntoTheBackupsIsGuarded() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path inner = Files.createDirectories(conf.resolve("gateway.yml.backups/2026"));
        Path pub = Files.createDirectories(dir.resolve("pub"));
        Files.createSymbolicLink(pub.resolve("evil"), inner);
        List<Path> guarded = FileLogWriters.guardedPaths(conf.resolve("gateway.yml"));
        assertTrue(FileLogWriters.inside(pub.resolve("evil/../audit.log"), guarded));
        assertFalse(FileLogWriters.inside(pub.resolve("requests.log"), guarded));
        // A ".." inside a link's target climbs from where the links before it lead (attacker
        // review 302): a -> the backups, access.log -> a/../gateway.yml.backups/audit.log.
        Files.createSymbolicLink(pub.resolve("a"), conf.resolve("gateway.yml.backups"));
        Path access =
                Files.createSymbolicLink(pub.resolve("access.log"), Path.of("a/../gateway.yml.backups/audit.log"));
        assertTrue(FileLogWriters.inside(access, guarded));
    }

    // Attacker review 148: a file-log path on the audit log forged its lines, one on the redaction
    // key made it unreadable: the configuration and its backups are not file-log's, whatever the
    // path's spelling or links; a log beside the configuration is fine.
    @Test
    void theConfigurationAndItsBackupsAreNeverWritten() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path backups = Files.createDirectories(conf.resolve("gateway.yml.backups"));
        Path audit = Files.writeString(backups.resolve("audit.log"), "real\n");
        Path link = Files.createSymbolicLink(dir.resolve("innocent.log"), audit);
        FileLogWriters guarded = new FileLogWriters().guarding(conf.resolve("gateway.yml"));
        try {
            // A dangling link into the directory: opening would create its target there.
            Path config = Files.writeString(conf.resolve("gateway.yml"), "_format_version: \"3.0\"\n");
            Path dangling = Files.createSymbolicLink(dir.resolve("dangling.log"), backups.resolve("created.log"));
            for (Path target : new Path[] {audit, link, dir.resolve("other/../conf/gateway.yml"), dangling}) {
                guarded.write(new FileLogSchema.Config(target.toString(), false), line("{\"who\":\"alice\"}"), LOADED);
            }
            Path fine = conf.resolve("requests.log");
            guarded.write(new FileLogSchema.Config(fine.toString(), false), line("{\"n\":1}"), LOADED);
            await().atMost(Duration.ofSeconds(5)).until(() -> holds(fine, "{\"n\":1}"));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> guarded.status().stream()
                                    .filter(FileLogWriters.Status::failing)
                                    .count()
                            == 4);
            assertEquals("real\n", Files.readString(audit));
            assertEquals("_format_version: \"3.0\"\n", Files.readString(config));
            assertFalse(Files.exists(backups.resolve("created.log")));
            guarded.status().stream()
                    .filter(FileLogWriters.Status::failing)
                    .forEach(st -> assertTrue(st.lastError().contains("not file-log's to write"), st.lastError()));
        } finally {
            guarded.stop();
        }
    }
}
