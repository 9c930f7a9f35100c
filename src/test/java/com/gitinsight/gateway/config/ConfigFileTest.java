package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConfigFileTest {

    /** Two versions of clearly different size, so a torn file cannot pass for either. */
    private static final String OLD =
            "_format_version: \"3.0\"\nservices: [{name: a, url: \"http://a:1\", routes: [{name: r, paths: [/old]}]}]\n";

    private static final String NEW = OLD.replace("/old", "/new") + "# " + "x".repeat(200_000) + "\n";

    @Test
    void keepsTheReplacedVersionsAsNumberedBackupsUpToTheLimit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        Files.writeString(file, "v0");
        ConfigFile config = new ConfigFile(file, 3);
        for (int i = 1; i <= 5; i++) {
            assertEquals(i, config.write("v" + i).orElseThrow().number());
        }
        assertEquals("v5", config.read());
        List<ConfigFile.Backup> backups = config.backups();
        assertEquals(
                List.of(5, 4, 3),
                backups.stream().map(ConfigFile.Backup::number).toList(),
                "newest first, last 3 kept");
        assertEquals("v4", config.backup(5).orElseThrow());
        assertEquals("v2", config.backup(3).orElseThrow());
        assertTrue(config.backup(2).isEmpty());
        assertEquals(KongConfigParser.hash("v4"), backups.get(0).hash());
        assertTrue(
                Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
    }

    // Helper review 189: a write replaced the link by a file; its target kept the old text, and
    // every later edit of the target was never read.
    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("real")).resolve("real.yml");
        Files.writeString(real, "v0");
        Path link = Files.createSymbolicLink(dir.resolve("gateway.yml"), real);
        ConfigFile config = new ConfigFile(link, 3);
        config.write("v1");
        assertTrue(Files.isSymbolicLink(link), "still a link");
        assertEquals("v1", Files.readString(real));
        assertEquals("v1", config.read());
        assertEquals("v0", config.backup(1).orElseThrow());
        assertTrue(
                Files.list(real.getParent())
                        .noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
                "no temporary file left");
        // Helper review 192: a crashed write's copy beside the target (every secret, 0600) is
        // removed by the next write, and a dangling link's target is created, as the file was.
        Path abandoned = Files.writeString(real.getParent().resolve(".real.yml.123.tmp"), "secrets");
        config.write("v2");
        assertTrue(Files.notExists(abandoned), "an abandoned copy removed");
        Path missing = dir.resolve("later").resolve("gone.yml");
        Files.createDirectories(missing.getParent());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.yml"), missing);
        new ConfigFile(dangling, 3).write("v1");
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("v1", Files.readString(missing));
    }

    @Test
    void aReplacedFileKeepsItsModeAndItsBackupsAreNoMoreReadableThanIt(@TempDir Path dir) throws Exception {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX file modes");
        Path file = dir.resolve("gateway.yml");
        Files.writeString(file, OLD);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        ConfigFile config = new ConfigFile(file, 3);
        ConfigFile.Backup first = config.write(NEW).orElseThrow();
        assertEquals("rw-------", mode(file), "the replaced file keeps 0600");
        assertEquals("rw-------", mode(first.path()), "so does its backup");
        assertEquals("rwx------", mode(config.backupDirectory()));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        ConfigFile.Backup second = config.write(OLD).orElseThrow();
        assertEquals("rw-r-----", mode(file));
        assertEquals("rw-r-----", mode(second.path()));
        assertEquals(OLD, config.read());
    }

    @Test
    void aReplacedFileKeepsItsOwnerWhenTheGatewayMayGiveIt(@TempDir Path dir) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root may give a file to another user");
        Path file = dir.resolve("gateway.yml");
        Files.writeString(file, OLD);
        UserPrincipal nobody =
                dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(file, nobody);
        ConfigFile config = new ConfigFile(file, 3);
        ConfigFile.Backup backup = config.write(NEW).orElseThrow();
        assertEquals(nobody, Files.getOwner(file));
        assertEquals(nobody, Files.getOwner(backup.path()));
    }

    @Test
    void aFailureJustBeforeTheReplaceLeavesTheFileAndTheBackupsAsTheyWere(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        Files.writeString(file, OLD);
        ConfigFile config = new ConfigFile(file, 3);
        config.write(OLD + "# 1\n");
        IOException e = assertThrows(
                IOException.class,
                () -> config.write(NEW, backup -> {
                    assertEquals(2, backup.orElseThrow().number(), "the backup exists while the hook runs");
                    throw new IOException("audit log unwritable");
                }));
        assertEquals("audit log unwritable", e.getMessage());
        assertEquals(OLD + "# 1\n", config.read(), "the file is unchanged");
        assertEquals(
                List.of(1),
                config.backups().stream().map(ConfigFile.Backup::number).toList(),
                "its backup is gone");
        assertEquals(2, config.write(NEW).orElseThrow().number(), "and its number is free again");
        assertTrue(
                Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @ParameterizedTest
    @EnumSource(ConfigFile.Step.class)
    void aCrashAfterAnyStepLeavesTheOldOrTheNewFileWhole(ConfigFile.Step step, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        Files.writeString(file, OLD);
        Process child = child(file, dir, step.name());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, child.exitValue(), "the child halted at " + step);
        String after = Files.readString(file);
        boolean renamed = step.compareTo(ConfigFile.Step.RENAMED) >= 0;
        assertEquals(renamed ? NEW : OLD, after, "after " + step);
        if (step != ConfigFile.Step.TEMP_WRITTEN) {
            assertEquals(OLD, new ConfigFile(file, 10).backup(1).orElseThrow(), "the backup is whole after " + step);
        }
        new KongConfigParser(PluginRegistry.builtIn()).load(file);
    }

    @Test
    void killedAtRandomMomentsWhileWritingTheFileIsAlwaysOneVersionWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        for (int round = 0; round < 8; round++) {
            Files.writeString(file, OLD);
            Process child = child(file, dir, "LOOP");
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("writing", out.readLine());
                Thread.sleep(ThreadLocalRandom.current().nextInt(5, 120));
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            String after = Files.readString(file);
            assertTrue(
                    after.equals(OLD) || after.equals(NEW),
                    "round " + round + ": a torn file of " + after.length() + " chars");
        }
    }

    private static Process child(Path file, Path dir, String step) throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Files.writeString(a, OLD);
        Files.writeString(b, NEW);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        ConfigFileCrash.class.getName(),
                        file.toString(),
                        a.toString(),
                        b.toString(),
                        step)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    // Helper review 230: an admin edit read the file another program was still writing in place,
    // and installed and saved the half with its change.
    @Test
    void aFileAnotherProgramIsWritingIsReadOnceItStandsStill(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        StepClock clock = new StepClock(1_700_000_000_000L);
        ConfigFile config = new ConfigFile(file, 3, step -> {}, clock);
        StepClock.stamp(file, "_format_version: \"3.0\"\n", clock.now.get() - 5); // the first chunk, just written
        clock.during = () -> {
            if (clock.naps.get() == 1) {
                StepClock.stamp(file, OLD, clock.now.get()); // the writer finishes while the edit waits
            }
        };
        assertEquals(OLD, config.readWhenStill().orElseThrow());
        assertTrue(clock.naps.get() >= 2, "it waited again once the file changed: " + clock.naps.get());
    }

    @Test
    void aFileRewrittenWithoutPauseIsBusy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        StepClock clock = new StepClock(1_700_000_000_000L);
        ConfigFile config = new ConfigFile(file, 3, step -> {}, clock);
        StepClock.stamp(file, OLD, clock.now.get());
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        clock.during = () -> StepClock.stamp(file, OLD + "# " + n.incrementAndGet() + "\n", clock.now.get());
        assertThrows(QuietFile.Busy.class, config::readWhenStill);
    }

    @Test
    void aFileAWriterHoldingTheLockLeftIsReadAtOnceAnotherAfterItStoodStill(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        StepClock clock = new StepClock(1_700_000_000_000L);
        StepClock.stamp(file, OLD, clock.now.get() - 60_001);
        ConfigFile config = new ConfigFile(file, 3, step -> {}, clock);
        assertEquals(OLD, config.readWhenStill().orElseThrow(), "a file not stamped is watched first");
        assertEquals(1, clock.naps.get(), "250 ms");
        config.write(NEW);
        assertEquals(
                NEW, new ConfigFile(file, 3, step -> {}, clock).readWhenStill().orElseThrow());
        assertEquals(1, clock.naps.get(), "another gateway's write under the lock is whole: not waited for");
        assertTrue(new ConfigFile(dir.resolve("none.yml"), 3, step -> {}, clock)
                .readWhenStill()
                .isEmpty());
    }
}
