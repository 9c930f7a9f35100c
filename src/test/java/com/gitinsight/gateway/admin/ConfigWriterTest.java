package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.StepClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ConfigWriterTest {

    private static final String V0 = """
            _format_version: "3.0"
            services: [{name: a, url: "http://a:1", routes: [{name: r, paths: [/v0]}]}]
            """;
    private static final AdminIdentity ALICE = new AdminIdentity("alice", "token", "127.0.0.1");

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void file() throws Exception {
        file = dir.resolve("gateway.yml");
        Files.writeString(file, V0);
    }

    private static String version(int n) {
        return V0.replace("/v0", "/v" + n);
    }

    @Test
    void aWriteIsBackedUpAndAuditedWithItsHashesAndBackupNumber() throws Exception {
        AuditLog audit = new AuditLog(dir.resolve("gateway.yml.backups/audit.log"));
        ConfigWriter.Written written = Writers.of(file, 5, audit).write(null, ALICE, "edited", base -> version(1));
        assertTrue(written.replaced());
        assertEquals(1, written.backup());
        assertEquals(version(1), Files.readString(file));
        JsonNode line = audit.read(10).get(0);
        assertEquals("alice", line.path("who").asText());
        assertEquals(KongConfigParser.hash(V0), line.path("from").asText());
        assertEquals(KongConfigParser.hash(version(1)), line.path("to").asText());
        assertEquals(1, line.path("backup").asInt());
    }

    @Test
    void anAuditLineThatCannotBeWrittenFailsTheWriteAndLeavesTheFileAsItWas() throws Exception {
        Path unwritable = dir.resolve("gateway.yml.backups/audit.log");
        Files.createDirectories(unwritable); // a directory where the log should be: every append fails, even as root
        ConfigWriter writer = Writers.of(file, 5, new AuditLog(unwritable));
        AdminException e =
                assertThrows(AdminException.class, () -> writer.write(null, ALICE, "edited", base -> version(1)));
        assertEquals(500, e.status);
        assertTrue(e.getMessage().startsWith("Cannot record the change in the audit log"), e.getMessage());
        assertEquals(V0, Files.readString(file), "the file is unchanged");
        assertEquals(List.of(), new ConfigFile(file, 5).backups(), "no backup of a change that did not happen");
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aWriteWithoutAnIdentityIsRecordedAsAnonymous() throws Exception {
        AuditLog audit = new AuditLog(dir.resolve("gateway.yml.backups/audit.log"));
        Writers.of(file, 5, audit).write(null, null, "edited", base -> version(1));
        audit.note(new AdminIdentity(null, null, null), "purged the cache", null);
        List<JsonNode> lines = audit.read(10);
        assertEquals(
                List.of("anonymous", "anonymous"),
                lines.stream().map(l -> l.path("who").asText()).toList());
        assertTrue(lines.get(0).path("via").isNull());
    }

    @Test
    void ifMatchIsCheckedAgainstTheFileOnDiskAndTheEditStartsFromIt() throws Exception {
        String read = "\"" + KongConfigParser.hash(V0) + "\"";
        // Another gateway sharing the file replaces it after this client read it.
        Writers.of(file, 5).write(null, ALICE, "elsewhere", base -> version(2));
        AdminException stale = assertThrows(
                AdminException.class, () -> Writers.of(file, 5).write(read, ALICE, "stale", base -> version(3)));
        assertEquals(412, stale.status);
        assertEquals(version(2), Files.readString(file));

        String[] seen = new String[1];
        ConfigWriter.Written written = Writers.of(file, 5)
                .write("W/\"" + KongConfigParser.hash(version(2)) + "\"", ALICE, "fresh", base -> {
                    seen[0] = base;
                    return version(3);
                });
        assertEquals(version(2), seen[0], "the edit is made to the file on disk");
        assertEquals(2, written.backup());
    }

    @Test
    void anInvalidVersionIsA400AndNothingIsWrittenOrAudited() throws Exception {
        AuditLog audit = new AuditLog(dir.resolve("gateway.yml.backups/audit.log"));
        AdminException e = assertThrows(
                AdminException.class,
                () -> Writers.of(file, 5, audit).write(null, ALICE, "broke it", base -> V0.replace("/v0", "v0")));
        assertEquals(400, e.status);
        assertTrue(e.fields.containsKey("services[0].routes[0].paths[0]"), e.fields.toString());
        assertEquals(V0, Files.readString(file));
        assertTrue(audit.read(10).isEmpty());
    }

    @Test
    void theSameTextAgainWritesNothing() throws Exception {
        ConfigWriter.Written written = Writers.of(file, 5).write(null, ALICE, "same", base -> base);
        assertFalse(written.replaced());
        assertNull(written.backup());
        assertEquals(List.of(), new ConfigFile(file, 5).backups());
    }

    @Test
    @Timeout(30)
    void theRedactionKeyIsMadeUnderTheWriteLockWithoutWaitingOnItself() throws Exception {
        String secret = V0 + "consumers: [{username: c, jwt_secrets: [{key: k, secret: s3cret}]}]\n";
        Files.writeString(file, secret);
        ConfigWriter writer = Writers.of(file, 5);
        AdminException e = assertThrows(
                AdminException.class,
                () -> writer.write(
                        null,
                        ALICE,
                        "forged",
                        base -> base.replace("s3cret", "\"{redacted:0123456789abcdef0123456789abcdef}\"")));
        assertEquals(400, e.status, "no such secret; and the key, made during the write, did not deadlock it");
        assertTrue(Files.exists(dir.resolve("gateway.yml.backups/redaction.key")));
        assertEquals(secret, Files.readString(file));
    }

    // Helper review 230: an admin edit of a file another program keeps writing is refused (409),
    // never made on a half.
    @Test
    void anEditOfAFileAnotherProgramKeepsWritingIs409AndWritesNothing() throws Exception {
        StepClock busy = new StepClock(System.currentTimeMillis());
        busy.during = () -> StepClock.stamp(file, V0 + "# " + busy.naps.get() + "\n", busy.now.get());
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(busy.now.get()));
        ConfigWriter writer = Writers.of(file, 5, new AuditLog(dir.resolve("audit.log")), busy);
        AdminException e =
                assertThrows(AdminException.class, () -> writer.write(null, ALICE, "edited", base -> version(1)));
        assertEquals(409, e.status);
        assertTrue(e.getMessage().contains("being written by another program"), e.getMessage());
        assertFalse(Files.readString(file).contains("/v1"), "nothing written");
    }
}
