package com.gitinsight.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/run.sh refuses to start on an invalid configuration, naming file, line and field. */
class RunScriptIT {

    @Test
    void invalidConfigurationStopsTheGatewayBeforeTheServerStarts(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, """
                _format_version: "3.0"
                services:
                  - name: a
                    url: http://a:1
                    connect_timeout: -1
                routes:
                  - {name: r, service: missing, paths: [/x]}
                """);
        ProcessBuilder pb = new ProcessBuilder("bash", "scripts/run.sh");
        pb.environment().put("GATEWAY_CONFIG", bad.toString());
        pb.environment().put("GATEWAY_PORT", "0");
        pb.redirectErrorStream(false);
        Process process = pb.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "run.sh must stop by itself");
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, process.exitValue(), stderr);
        assertTrue(stderr.contains(bad + ":5:22: services[0].connect_timeout: value should be between 1 and"), stderr);
        assertTrue(
                stderr.contains(
                        bad
                                + ":7:24: routes[0].service: invalid reference 'service: missing' (no such entry in 'services')"),
                stderr);
    }
}
