package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * backups (so it travels with them), and at INFO in the server log. A change of the file is recorded
 * before the file is replaced and fails with its line ({@link #record}); an operation already done
 * (a purge, a breaker reset) cannot be undone, so a failure to record it is only logged ({@link #note}).
 */
final class AuditLog {

    private static final Logger LOG = Logger.getLogger("com.gitinsight.gateway.admin.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Who a change is put down to when the request carried no identity (the access filter should prevent it). */
    static final String ANONYMOUS = "anonymous";

    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    /** Records one change durably (fsync); {@code details} are extra fields (hashes, backup number). */
    synchronized void record(AdminIdentity who, String action, ObjectNode details) throws IOException {
        ObjectNode line = line(who, action, details);
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        LOG.info(() -> "admin: " + line);
    }

    /** Records an operation that is already done; a line that cannot be written is logged instead. */
    synchronized void note(AdminIdentity who, String action, ObjectNode details) {
        try {
            record(who, action, details);
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot write the audit log " + file + "; only here: admin: " + line(who, action, details),
                    e);
        }
    }

    private static ObjectNode line(AdminIdentity who, String action, ObjectNode details) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("who", who == null || who.name() == null ? ANONYMOUS : who.name());
        line.put("via", who == null ? null : who.method());
        line.put("client", who == null ? null : who.client());
        line.put("action", action);
        if (details != null) {
            line.setAll(details);
        }
        return line;
    }

    /** The recorded lines, oldest first (at most the last {@code limit}). */
    synchronized List<JsonNode> read(int limit) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = tail(limit);
            for (String l : lines) {
                try {
                    if (!l.isBlank()) {
                        out.add(JSON.readTree(l));
                    }
                } catch (IOException e) {
                    LOG.warning(() ->
                            "skipping an unreadable line of the audit log " + file + " (a crash while writing it?)");
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the audit log " + file, e);
        }
        return out;
    }

    /** At most this much of the log's end is read for the history (a line is ~300 bytes). */
    static final int MAX_TAIL_BYTES = 4 << 20;

    /**
     * The last {@code limit} lines, read backwards from the end and never more than
     * {@link #MAX_TAIL_BYTES} (helper review 189: the whole log was read for 500 lines, and a log of
     * 290 MB answered the history with an OutOfMemoryError). A line cut by the bound is dropped.
     */
    private List<String> tail(int limit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int length = (int) Math.min(size, MAX_TAIL_BYTES);
            ByteBuffer end = ByteBuffer.allocate(length);
            long from = size - length;
            while (end.hasRemaining() && ch.read(end, from + end.position()) >= 0) {
                // read until the buffer is full
            }
            String text = new String(end.array(), 0, end.position(), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            if (from > 0 && !lines.isEmpty()) {
                lines.remove(0); // begun before the bound
            }
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1); // after the last line's end
            }
            return lines.subList(Math.max(0, lines.size() - limit), lines.size());
        }
    }
}
