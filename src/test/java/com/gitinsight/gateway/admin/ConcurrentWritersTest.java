package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways sharing one file (cluster mode): this JVM and a child JVM write it at once through
 * {@link ConfigWriter}, each write appending the writer's next marker with {@code If-Match} on what
 * it last read. Every version read must parse, and every write a writer was told succeeded must be
 * in the final file, in order: the markers, the backups and the audit log's hash chain show it.
 */
class ConcurrentWritersTest {

    private static final int ROUNDS = 150;
    private static final String START = """
            _format_version: "3.0"
            services:
              - name: s
                url: http://s:1
                routes: [{name: r, paths: [/r]}]
                tags:
                  - start
            """;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoProcessesWritingInALoopNeverTearTheFileNorLoseASuccess(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yml");
        Files.writeString(file, START);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        WriterLoop.class.getName(),
                        file.toString(),
                        "child",
                        String.valueOf(ROUNDS))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> childWrote = new ArrayList<>();
        List<List<String>> seen = new ArrayList<>();
        List<String> parentWrote;
        KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = child.getOutputStream()) {
            assertEquals("ready", out.readLine());
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            parentWrote = WriterLoop.run(file, "parent", ROUNDS, text -> {
                try {
                    parser.parse(file.toString(), text);
                    seen.add(WriterLoop.markers(text));
                } catch (Exception e) {
                    throw new AssertionError("read a torn or invalid version: " + e.getMessage(), e);
                }
            });
            for (String line = out.readLine(); !"done".equals(line); line = out.readLine()) {
                assertTrue(line != null, "the child JVM failed (see its stderr)");
                childWrote.add(line);
            }
        } finally {
            // The child exits on its own after "done"; killing it at once raced its exit (143).
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertEquals(0, child.exitValue());

        List<String> last = WriterLoop.markers(Files.readString(file));
        assertEquals(2 * ROUNDS + 1, last.size(), "every success is in the file");
        assertEquals(
                markers("parent"),
                last.stream().filter(m -> m.startsWith("parent-")).toList(),
                "in its order");
        assertEquals(
                markers("child"),
                last.stream().filter(m -> m.startsWith("child-")).toList(),
                "in its order");
        for (List<String> version : seen) {
            assertEquals(last.subList(0, version.size()), version, "every version read is one that was written");
        }

        // Each write replaced the one before it: backups numbered 1.. across both processes, each the version
        // before, and an audit chain whose every "to" is the next "from".
        ConfigFile config = new ConfigFile(file, 10_000);
        for (int n = 1; n <= 2 * ROUNDS; n++) {
            assertEquals(last.subList(0, n), WriterLoop.markers(config.backup(n).orElseThrow()), "backup " + n);
        }
        List<JsonNode> audit = new AuditLog(config.backupDirectory().resolve("audit.log")).read(10_000);
        assertEquals(2 * ROUNDS, audit.size());
        String hash = KongConfigParser.hash(START);
        List<String> chain = new ArrayList<>();
        for (int i = 0; i < audit.size(); i++) {
            assertEquals(hash, audit.get(i).path("from").asText(), "line " + i + " follows the one before");
            assertEquals(i + 1, audit.get(i).path("backup").asInt());
            hash = audit.get(i).path("to").asText();
            chain.add(hash);
        }
        assertEquals(KongConfigParser.hash(Files.readString(file)), hash);
        assertEquals(ROUNDS, parentWrote.size());
        assertEquals(ROUNDS, childWrote.size());
        assertEquals(
                parentWrote, chain.stream().filter(parentWrote::contains).toList(), "the parent's successes, in order");
        assertEquals(
                childWrote, chain.stream().filter(childWrote::contains).toList(), "the child's successes, in order");
        assertTrue(
                seen.stream()
                        .anyMatch(v -> v.stream().anyMatch(m -> m.startsWith("child-"))
                                && v.get(v.size() - 1).startsWith("parent-")),
                "the writers did interleave");
    }

    private static List<String> markers(String writer) {
        return IntStream.range(0, ROUNDS).mapToObj(i -> writer + "-" + i).toList();
    }
}
