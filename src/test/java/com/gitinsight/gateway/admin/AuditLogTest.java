package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history reads the end of the audit log only, however large the log grew. */
class AuditLogTest {

    // Helper review 189: the whole log was read for the last 500 lines (290 MB: OutOfMemoryError).
    @Test
    void theLastLinesAreReadFromTheEndWithinABound(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.log");
        String filler = "{\"action\":\"" + "x".repeat(1000) + "\"}\n";
        byte[] block = filler.repeat(1024).getBytes(StandardCharsets.UTF_8); // ~1 MB
        for (int i = 0; i < 6; i++) { // past the 4 MiB read
            Files.write(file, block, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        AuditLog log = new AuditLog(file);
        for (int i = 0; i < 3; i++) {
            log.record(null, "step " + i, null);
        }
        List<JsonNode> last = log.read(2);
        assertEquals(
                List.of("step 1", "step 2"),
                last.stream().map(l -> l.get("action").asText()).toList());
        List<JsonNode> many = log.read(100_000);
        // Only what the bound holds, each line whole (the one it cut into is dropped).
        assertEquals(true, many.size() < (4 << 20) / filler.length() + 4, "at most 4 MiB read: " + many.size());
        assertEquals("step 2", many.get(many.size() - 1).get("action").asText());
        for (JsonNode line : many) {
            assertEquals(true, line.has("action"));
        }
    }
}
