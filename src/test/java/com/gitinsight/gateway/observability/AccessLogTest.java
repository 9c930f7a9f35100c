package com.gitinsight.gateway.observability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

    @TempDir
    Path dir;

    @Test
    void linesAreWrittenAndAWriterThatCannotWriteStopsTakingThem() throws Exception {
        Path file = dir.resolve("access.log");
        AccessLog log = new AccessLog(file.toString(), 16);
        assertTrue(log.enabled());
        log.offer("{\"a\":1}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(file) && Files.readString(file).contains("{\"a\":1}"));
        log.stop();
        // A path that is a directory: the writer fails at once and lines stop being queued.
        AccessLog broken = new AccessLog(dir.toString(), 16);
        await().atMost(Duration.ofSeconds(10)).until(() -> !broken.enabled());
        for (int i = 0; i < 100; i++) {
            broken.offer("x".repeat(60_000));
        }
        assertEquals(100, broken.dropped(), "dropped, not held");
        assertFalse(broken.enabled());
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
