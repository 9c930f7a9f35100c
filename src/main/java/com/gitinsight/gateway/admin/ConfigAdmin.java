package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.ConfigError;
import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Changes to the declarative configuration made through the admin API. Each one, under the
 * configuration lock: checks {@code If-Match} against the running version (412), builds the new
 * text, puts redacted secrets back, validates it (400 with every field at fault, nothing applied),
 * writes the file crash-safely with a numbered backup, installs it, and records who did it.
 */
@ApplicationScoped
public class ConfigAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    GatewayRuntime runtime;

    @Inject
    AdminSettings settings;

    private ConfigFile file;
    private AuditLog audit;

    /** Builds the new text of the file from the running configuration's. */
    @FunctionalInterface
    interface Edit {
        String apply(GatewayConfig running) throws AdminException;
    }

    /** What a change did: the configuration running afterwards and whether it differs. */
    record Outcome(GatewayConfig config, boolean changed, Integer backup) {
    }

    @PostConstruct
    void start() {
        file = new ConfigFile(runtime.configPath(), settings.backupsKept());
        audit = new AuditLog(file.backupDirectory().resolve("audit.log"));
    }

    GatewayConfig running() {
        return runtime.snapshot().config();
    }

    /** The running file's text with its secrets redacted. */
    String redactedText() {
        GatewayConfig running = running();
        Secrets secrets = secrets(running.text());
        String redacted = secrets.redact(running.text());
        try {
            if (!secrets.leaks(DeclarativeDocument.YAML.readTree(redacted))) {
                return redacted;
            }
        } catch (JsonProcessingException e) {
            // Fall through to the tree: it cannot leak.
        }
        try {
            DeclarativeDocument doc = DeclarativeDocument.parse(running.text());
            secrets.redact(doc.root());
            return doc.toYaml();
        } catch (AdminException e) {
            throw new IllegalStateException("the running configuration always parses", e);
        }
    }

    /** The running configuration as a tree, secrets redacted (for reading entities). */
    DeclarativeDocument document() {
        try {
            return DeclarativeDocument.parse(running().text());
        } catch (AdminException e) {
            throw new IllegalStateException("the running configuration always parses", e);
        }
    }

    JsonNode redact(JsonNode tree) {
        return secrets(running().text()).redact(tree);
    }

    /** Validates without applying; the parsed configuration or a 400. */
    GatewayConfig check(String text) throws AdminException {
        return parse(restore(text, running()));
    }

    Outcome replace(String text, String ifMatch, AdminIdentity who, String action) throws AdminException {
        return commit(ifMatch, who, action, running -> text);
    }

    /**
     * Applies an entity edit to the running file's tree. {@code edit} returns where the edited entity
     * now sits (see {@link DeclarativeDocument#pathOf}), or null: errors about it are then named
     * relative to it ({@code paths[0]}, as Kong names them), the rest by their place in the file.
     */
    Outcome edit(String ifMatch, AdminIdentity who, String action, DocumentEdit edit) throws AdminException {
        String[] entity = new String[1];
        try {
            return commit(ifMatch, who, action, running -> {
                DeclarativeDocument doc = DeclarativeDocument.parse(running.text());
                entity[0] = edit.apply(doc);
                return running.source().toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? doc.toJson() : doc.toYaml();
            });
        } catch (AdminException e) {
            if (entity[0] == null || e.status != 400 || e.fields.isEmpty()) {
                throw e;
            }
            Map<String, String> relative = new LinkedHashMap<>();
            String prefix = entity[0] + ".";
            e.fields.forEach((f, m) -> relative.put(f.startsWith(prefix) ? f.substring(prefix.length()) : f, m));
            throw new AdminException(400, e.getMessage(), relative, e.details);
        }
    }

    @FunctionalInterface
    interface DocumentEdit {
        /** Edits the document; returns the edited entity's path, or null. */
        String apply(DeclarativeDocument doc) throws AdminException;
    }

    Outcome rollback(int backup, String ifMatch, AdminIdentity who) throws AdminException {
        String text = backupText(backup).orElseThrow(() -> new AdminException(404, "No backup " + backup));
        return commit(ifMatch, who, "rollback to backup " + backup, running -> text);
    }

    private Outcome commit(String ifMatch, AdminIdentity who, String action, Edit edit) throws AdminException {
        Outcome[] outcome = new Outcome[1];
        runtime.change(() -> {
            GatewayConfig running = running();
            if (ifMatch != null && !matches(ifMatch, running.hash())) {
                throw new AdminException(412, "The configuration changed since you read it (running "
                        + etag(running) + "); read it again and retry");
            }
            GatewayConfig next = parse(restore(edit.apply(running), running));
            if (next.hash().equals(running.hash())) {
                outcome[0] = new Outcome(running, false, null);
                return null;
            }
            Optional<ConfigFile.Backup> backup;
            try {
                backup = file.write(next.text());
            } catch (IOException e) {
                throw new AdminException(500, "Cannot write " + file.path() + " (" + e.getMessage()
                        + "); nothing was applied");
            }
            ObjectNode details = JSON.createObjectNode().put("from", running.hash()).put("to", next.hash());
            backup.ifPresent(b -> details.put("backup", b.number()));
            audit.record(who, action, details);
            outcome[0] = new Outcome(next, true, backup.map(ConfigFile.Backup::number).orElse(null));
            return next;
        });
        return outcome[0];
    }

    /** Records an operation that is not a configuration change (purge, breaker reset, target health). */
    void operation(AdminIdentity who, String action, ObjectNode details) {
        audit.record(who, action, details);
    }

    List<ConfigFile.Backup> backups() throws IOException {
        return file.backups();
    }

    Optional<String> backupText(int number) throws AdminException {
        try {
            return file.backup(number);
        } catch (IOException e) {
            throw new AdminException(500, "Cannot read backup " + number + ": " + e.getMessage());
        }
    }

    List<JsonNode> auditTrail(int limit) {
        return audit.read(limit);
    }

    String redact(String text) {
        return secrets(running().text()).redact(text);
    }

    static String etag(GatewayConfig config) {
        return "\"" + config.hash() + "\"";
    }

    private static boolean matches(String ifMatch, String hash) {
        for (String tag : ifMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.replace("W/", "").replace("\"", "").equals(hash)) {
                return true;
            }
        }
        return false;
    }

    private static String restore(String text, GatewayConfig running) throws AdminException {
        if (!Secrets.hasTokens(text)) {
            return text;
        }
        try {
            return secrets(running.text()).restore(text);
        } catch (Secrets.UnknownToken e) {
            throw new AdminException(400, e.getMessage());
        }
    }

    private GatewayConfig parse(String text) throws AdminException {
        try {
            return runtime.parser().parse(runtime.configPath().toString(), text);
        } catch (ConfigException e) {
            Map<String, String> fields = new LinkedHashMap<>();
            ArrayNode errors = JSON.createArrayNode();
            for (ConfigError err : e.errors()) {
                fields.putIfAbsent(err.field() == null ? "@entity" : err.field(), err.message());
                errors.addObject().put("field", err.field()).put("line", err.line()).put("column", err.column())
                        .put("message", err.message());
            }
            ConfigError first = e.errors().get(0);
            throw new AdminException(400, "declarative config is invalid: " + first, fields, errors);
        }
    }

    private static Secrets secrets(String text) {
        try {
            return Secrets.of(DeclarativeDocument.YAML.readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the running configuration always parses", e);
        }
    }
}
