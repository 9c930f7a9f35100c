package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who changed what, when: one JSON line per admin change, in {@code audit.log} beside the config
 * backups (so it travels with them), and at INFO in the server log.
 */
final class AuditLog {

    private static final Logger LOG = Logger.getLogger("com.gitinsight.gateway.admin.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    /** Records one change; {@code details} are extra fields (hashes, backup number, target). */
    synchronized void record(AdminIdentity who, String action, ObjectNode details) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("who", who.name());
        line.put("via", who.method());
        line.put("client", who.client());
        line.put("action", action);
        if (details != null) {
            line.setAll(details);
        }
        LOG.info(() -> "admin: " + who + " " + action + (details == null ? "" : " " + details));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot write the audit log " + file + "; the change above is only in this log", e);
        }
    }

    /** The recorded lines, oldest first (at most the last {@code limit}). */
    synchronized List<JsonNode> read(int limit) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String l : lines.subList(Math.max(0, lines.size() - limit), lines.size())) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the audit log " + file, e);
        }
        return out;
    }
}
