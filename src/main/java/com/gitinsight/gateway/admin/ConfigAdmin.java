package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.store.PostgresStore;
import com.gitinsight.gateway.store.Unavailable;
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
 * configuration lock, is written by {@link ConfigWriter} (If-Match against the file on disk, the
 * new text built from it, secrets put back, validated, audited, written crash-safely with a numbered
 * backup) and then installed as the running configuration.
 */
@ApplicationScoped
public class ConfigAdmin {

    @Inject
    GatewayRuntime runtime;

    @Inject
    AdminSettings settings;

    private ConfigFile file;
    private AuditLog audit;
    private ConfigWriter writer;
    private Redaction redaction;

    /** What a change did: the configuration running afterwards and whether it differs. */
    record Outcome(GatewayConfig config, boolean changed, Integer backup) {}

    @PostConstruct
    void start() {
        file = new ConfigFile(runtime.configPath(), settings.backupsKept());
        audit = new AuditLog(file.backupDirectory().resolve("audit.log"));
        // In a fleet every node must turn a token back into the same secret: the key is the store's.
        RedactionKey key = runtime.storeConfigured() ? new RedactionKey(() -> storeKey()) : new RedactionKey(file);
        redaction = new Redaction(runtime.parser(), this::documentName, key);
        writer = new ConfigWriter(
                file,
                audit,
                new ConfigWriter.Rules() {
                    @Override
                    public String restore(String text, String base) throws AdminException {
                        return redaction.restore(text, base);
                    }

                    @Override
                    public GatewayConfig parse(String text) throws AdminException {
                        return ConfigAdmin.this.parse(text);
                    }
                },
                () -> running().text());
    }

    /** The running configuration; {@link NotRunning} (503) when none runs on this node yet. */
    GatewayConfig running() {
        GatewayConfig running = runningOrNull();
        if (running == null) {
            throw new NotRunning();
        }
        return running;
    }

    /**
     * The running configuration, or null: a fleet node whose store holds no version it can run
     * (or that has not reached the store) runs none, and its admin API must still take the fix.
     */
    GatewayConfig runningOrNull() {
        com.gitinsight.gateway.runtime.GatewaySnapshot snapshot = runtime.snapshot();
        return snapshot == null ? null : snapshot.config();
    }

    /** What runs on this node; {@link NotRunning} (503) when nothing does. */
    static com.gitinsight.gateway.runtime.GatewaySnapshot running(GatewayRuntime runtime) {
        com.gitinsight.gateway.runtime.GatewaySnapshot snapshot = runtime.snapshot();
        if (snapshot == null) {
            throw new NotRunning();
        }
        return snapshot;
    }

    /** No configuration runs on this node: answered 503 by {@link NotRunningMapper}. */
    static final class NotRunning extends RuntimeException {
        NotRunning() {
            super(
                    "No configuration runs on this node yet (the store holds none it can run, or it has not"
                            + " been reached): POST /config installs one",
                    null,
                    false,
                    false);
        }
    }

    /** {@code config}'s text with its secrets redacted (a read that tags its answer with the same version). */
    String redactedText(GatewayConfig config) throws AdminException {
        return redaction.text(config.text());
    }

    /** The running configuration as a tree with its secrets redacted: what reads of entities show. */
    DeclarativeDocument document() throws AdminException {
        return document(running());
    }

    /**
     * {@code config} as a tree with its secrets redacted. A read takes the running configuration
     * once and answers from it with its hash as the ETag: read twice, a version installed between
     * the two (another node's write) tagged the older body with the newer hash, and a console that
     * saved that body with it as If-Match undid the other write (attacker review 177).
     */
    DeclarativeDocument document(GatewayConfig config) throws AdminException {
        return DeclarativeDocument.of(redaction.tree(config.text()));
    }

    /** Validates without applying; the parsed configuration or a 400. */
    GatewayConfig check(String text) throws AdminException {
        return parse(restoreAgainstRunning(text));
    }

    /** {@code text} with its redacted values put back from what runs (none may be left when nothing runs). */
    private String restoreAgainstRunning(String text) throws AdminException {
        GatewayConfig running = runningOrNull();
        if (running != null) {
            return redaction.restore(text, running.text());
        }
        if (Secrets.hasTokens(text)) {
            throw new AdminException(
                    400,
                    "No configuration runs on this node to put the redacted values back from;"
                            + " send the configuration with its secrets");
        }
        return text;
    }

    Outcome replace(String text, String ifMatch, AdminIdentity who, String action) throws AdminException {
        return commit(ifMatch, who, action, base -> text);
    }

    /**
     * Applies an entity edit to the running file's tree. {@code edit} returns where the edited entity
     * now sits (see {@link DeclarativeDocument#pathOf}), or null: errors about it are then named
     * relative to it ({@code paths[0]}, as Kong names them), the rest by their place in the file.
     */
    Outcome edit(String ifMatch, AdminIdentity who, String action, DocumentEdit edit) throws AdminException {
        String[] entity = new String[1];
        try {
            return commit(ifMatch, who, action, base -> {
                DeclarativeDocument doc = DeclarativeDocument.parse(base);
                entity[0] = edit.apply(doc);
                // The document keeps its own format: the file's, or in a store the stored one's.
                boolean json = runtime.storeConfigured()
                        ? GatewayRuntime.formatOf(base).equals("json")
                        : file.path()
                                .toString()
                                .toLowerCase(java.util.Locale.ROOT)
                                .endsWith(".json");
                return json ? doc.toJson() : doc.toYaml();
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
        if (runtime.storeConfigured()) {
            // Read before the store's row is locked: a version's text never changes, and reading it
            // inside the write took a second connection while holding the first (a small pool ran
            // out under concurrent rollbacks; helper review 195).
            String text = backupText(backup).orElseThrow(() -> new AdminException(404, "No backup " + backup));
            return commit(ifMatch, who, "rollback to version " + backup, base -> text);
        }
        // Read under the write lock: another gateway sharing the file may prune it meanwhile.
        return commit(
                ifMatch,
                who,
                "rollback to backup " + backup,
                base -> backupText(backup).orElseThrow(() -> new AdminException(404, "No backup " + backup)));
    }

    /**
     * Writes, then installs what the file now holds. The file on disk may be ahead of this gateway
     * (another one sharing it wrote it, and this one has not polled yet): what is installed and
     * reported as changed is then compared with what runs here, not with the file.
     */
    private Outcome commit(String ifMatch, AdminIdentity who, String action, ConfigWriter.Edit edit)
            throws AdminException {
        if (runtime.storeConfigured()) {
            return commitToStore(ifMatch, who, action, edit);
        }
        Outcome[] outcome = new Outcome[1];
        runtime.change(() -> {
            GatewayConfig running = running();
            ConfigWriter.Written written = writer.write(ifMatch, who, action, edit);
            boolean changed = !written.config().hash().equals(running.hash());
            outcome[0] = new Outcome(changed ? written.config() : running, changed, written.backup());
            return changed ? written.config() : null;
        });
        return outcome[0];
    }

    /**
     * A change in a fleet: one transaction on the store's row (If-Match checked against it, the new
     * document built from it, validated, written with its history entry and notification), then
     * installed here at once; the other nodes install it on the notification.
     */
    private Outcome commitToStore(String ifMatch, AdminIdentity who, String action, ConfigWriter.Edit edit)
            throws AdminException {
        PostgresStore store = store();
        GatewayConfig running = runningOrNull(); // none: this write is how a node with nothing to run is fixed
        GatewayConfig[] parsed = new GatewayConfig[1];
        try {
            PostgresStore.Stored stored = store.write(ifMatch, who.toString(), action, base -> {
                GatewayConfig next = parse(redaction.restore(edit.apply(base.text()), base.text()));
                parsed[0] = next;
                return new PostgresStore.Next(next.text(), next.hash(), GatewayRuntime.formatOf(next.text()));
            });
            if (parsed[0] != null && stored.hash().equals(parsed[0].hash())) {
                runtime.installStored(stored.version(), parsed[0]);
            }
            GatewayConfig now = runningOrNull();
            if (now == null) {
                // The store took it; this node could not run it (it was refused here: see health).
                throw new AdminException(
                        503,
                        "The store holds version " + stored.version() + ", which this node does not run: see health");
            }
            boolean changed = running == null || !now.hash().equals(running.hash());
            if (changed) {
                // The store's history is the durable record; this node's audit trail and log show it too.
                audit.note(
                        who,
                        action,
                        AdminReplies.JSON
                                .createObjectNode()
                                .put("from", running == null ? null : running.hash())
                                .put("to", stored.hash())
                                .put("version", stored.version()));
            }
            // What this write stored (another node's newer version may already run here: its hash
            // would tag this answer with a version the writer never saw).
            GatewayConfig written = parsed[0] != null && stored.hash().equals(parsed[0].hash()) ? parsed[0] : now;
            return new Outcome(written, changed, changed ? (int) stored.version() : null);
        } catch (PostgresStore.Conflict e) {
            throw new AdminException(
                    412,
                    "The configuration changed since you read it (the store now holds \"" + e.current()
                            + "\"); read it again and retry");
        } catch (Unavailable e) {
            throw storeDown(e);
        }
    }

    /** The store, or a 503 while this node has not reached it. */
    private PostgresStore store() throws AdminException {
        PostgresStore store = runtime.store();
        if (store == null) {
            throw new AdminException(
                    503,
                    "The configuration store is unreachable; nothing was read or changed."
                            + " Retry when it is back (the gateway keeps serving its last configuration)");
        }
        return store;
    }

    private static AdminException storeDown(Unavailable e) {
        if (e.getMessage() != null && e.getMessage().startsWith("the configuration store refused")) {
            // It answered and rolled the change back (a row held too long, a missing row).
            return new AdminException(
                    503, "The configuration store refused the change (" + e.getMessage() + "); nothing was changed");
        }
        return new AdminException(
                503,
                "The configuration store is unreachable (" + e.getMessage()
                        + "); the change is not confirmed. Once it is back, read the configuration before retrying"
                        + " (the gateway keeps serving its last configuration)");
    }

    private byte[] storeKey() throws java.io.IOException {
        PostgresStore store = runtime.store();
        if (store == null) {
            throw new java.io.IOException("the configuration store is unreachable");
        }
        byte[] fresh = new byte[RedactionKey.KEY_BYTES];
        new java.security.SecureRandom().nextBytes(fresh);
        try {
            return store.key("redaction", fresh);
        } catch (Unavailable e) {
            throw new java.io.IOException(e.getMessage(), e);
        }
    }

    /** The stored versions, newest first (a fleet's history), or null when the gateway runs from its file. */
    List<PostgresStore.HistoryEntry> storeHistory(int limit) throws AdminException {
        if (!runtime.storeConfigured()) {
            return null;
        }
        try {
            return store().history(limit);
        } catch (Unavailable e) {
            throw storeDown(e);
        }
    }

    /** Records an operation made outside the admin API (JMX), as the API's own are recorded. */
    void onOperatorAction(@jakarta.enterprise.event.Observes com.gitinsight.gateway.runtime.OperatorAction action) {
        ObjectNode details = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        new java.util.TreeMap<>(action.details()).forEach(details::put);
        audit.note(new AdminIdentity(action.via(), action.via(), "local"), action.action(), details);
    }

    /** Records an operation that is not a configuration change (purge, breaker reset, target health). */
    void operation(AdminIdentity who, String action, ObjectNode details) {
        audit.note(who, action, details);
    }

    List<ConfigFile.Backup> backups() throws IOException {
        return file.backups();
    }

    Optional<String> backupText(int number) throws AdminException {
        if (runtime.storeConfigured()) {
            try {
                return store().version(number).map(PostgresStore.Stored::text);
            } catch (Unavailable e) {
                throw storeDown(e);
            }
        }
        try {
            return file.backup(number);
        } catch (IOException e) {
            throw new AdminException(500, "Cannot read backup " + number + ": " + e.getMessage());
        }
    }

    List<JsonNode> auditTrail(int limit) {
        return audit.read(limit);
    }

    /** A kept version, redacted by its own secret fields: a secret rotated since is not shown either. */
    Optional<String> redactedBackup(int number) throws AdminException {
        Optional<String> text = backupText(number);
        if (text.isEmpty()) {
            return text;
        }
        try {
            return Optional.of(redaction.text(text.get()));
        } catch (AdminException e) {
            if (e.status != 400) {
                throw e;
            }
            throw new AdminException(
                    409,
                    "Backup " + number + " is not YAML or JSON; it is not shown, since its"
                            + " secrets cannot be told apart (" + e.getMessage() + ")");
        }
    }

    static String etag(GatewayConfig config) {
        return "\"" + config.hash() + "\"";
    }

    /**
     * The name {@code text} is parsed under (its ending selects JSON): the file's; in a store, the
     * document's own format (a JSON body is JSON whatever this node's file is), for reads too.
     */
    private String documentName(String text) {
        return documentName(runtime.storeConfigured(), runtime.configPath().toString(), text);
    }

    static String documentName(boolean store, String file, String text) {
        return store ? "config store." + (GatewayRuntime.formatOf(text).equals("json") ? "json" : "yml") : file;
    }

    private GatewayConfig parse(String text) throws AdminException {
        try {
            return runtime.parser().parse(documentName(text), text);
        } catch (ConfigException e) {
            throw AdminException.invalid(e);
        }
    }
}
