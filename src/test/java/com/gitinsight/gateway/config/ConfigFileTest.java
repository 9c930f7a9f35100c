package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConfigFileTest {

    /** Two versions of clearly different size, so a torn file cannot pass for either. */
    private static final String OLD = "_format_version: \"3.0\"\nservices: [{name: a, url: \"http://a:1\", routes: [{name: r, paths: [/old]}]}]\n";
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
        assertEquals(List.of(5, 4, 3), backups.stream().map(ConfigFile.Backup::number).toList(), "newest first, last 3 kept");
        assertEquals("v4", config.backup(5).orElseThrow());
        assertEquals("v2", config.backup(3).orElseThrow());
        assertTrue(config.backup(2).isEmpty());
        assertEquals(KongConfigParser.hash("v4"), backups.get(0).hash());
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
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
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("writing", out.readLine());
                Thread.sleep(ThreadLocalRandom.current().nextInt(5, 120));
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            String after = Files.readString(file);
            assertTrue(after.equals(OLD) || after.equals(NEW), "round " + round + ": a torn file of " + after.length() + " chars");
        }
    }

    private static Process child(Path file, Path dir, String step) throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Files.writeString(a, OLD);
        Files.writeString(b, NEW);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ConfigFileCrash.class.getName(),
                file.toString(), a.toString(), b.toString(), step).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
