package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.QuietFile;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One admin change of the declarative file, from reading it to replacing it, all under the file's
 * exclusive lock ({@link ConfigFile#lock}: this JVM's threads and every gateway sharing the file):
 * the file on disk is read, {@code If-Match} is checked against its hash (412), the new text is built
 * from it, the secrets its redaction tokens stand for are put back, it is validated (400, nothing
 * written), its audit line is written and only then is the file replaced. An audit line that cannot
 * be written abandons the write (500): no change without its line, and the file stays as it was.
 * Installing the result in the running gateway is the caller's part.
 */
final class ConfigWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Builds the new text from the text on disk. */
    @FunctionalInterface
    interface Edit {
        String apply(String base) throws AdminException;
    }

    /** How the running gateway reads a version. */
    interface Rules {
        /** {@code text} with each redaction token replaced by the secret it stands for in {@code base}. */
        String restore(String text, String base) throws AdminException;

        /** Validates {@code text} as a load of the file would (400 with every field at fault). */
        GatewayConfig parse(String text) throws AdminException;
    }

    /** What a write did: the configuration now in the file, whether it replaced the file, the backup made. */
    record Written(GatewayConfig config, boolean replaced, Integer backup) {}

    private final ConfigFile file;
    private final AuditLog audit;
    private final Rules rules;
    private final Supplier<String> whenMissing;

    /** {@code whenMissing} is the base of an edit when there is no file (the running configuration's text). */
    ConfigWriter(ConfigFile file, AuditLog audit, Rules rules, Supplier<String> whenMissing) {
        this.file = file;
        this.audit = audit;
        this.rules = rules;
        this.whenMissing = whenMissing;
    }

    Written write(String ifMatch, AdminIdentity who, String action, Edit edit) throws AdminException {
        try (ConfigFile.Lock lock = file.lock()) {
            // Once it stands still: an edit made on a half another program is still writing would
            // be installed and saved, lacking what came after the cut (helper review 230).
            String base = file.readWhenStill().orElseGet(whenMissing);
            String baseHash = KongConfigParser.hash(base);
            if (ifMatch != null && !matches(ifMatch, baseHash)) {
                throw new AdminException(
                        412,
                        "The configuration changed since you read it (the file is now \"" + baseHash
                                + "\"); read it again and retry");
            }
            GatewayConfig next = rules.parse(rules.restore(edit.apply(base), base));
            if (next.hash().equals(baseHash)) {
                return new Written(next, false, null);
            }
            ObjectNode details = JSON.createObjectNode().put("from", baseHash).put("to", next.hash());
            Optional<ConfigFile.Backup> backup = file.write(next.text(), made -> {
                made.ifPresent(b -> details.put("backup", b.number()));
                record(who, action, details);
            });
            return new Written(next, true, backup.map(ConfigFile.Backup::number).orElse(null));
        } catch (QuietFile.Busy e) {
            throw new AdminException(
                    409, "The configuration file is being written by another program; retry once it is done");
        } catch (AuditFailure e) {
            throw new AdminException(
                    500,
                    "Cannot record the change in the audit log (" + e.getCause().getMessage()
                            + "); nothing was written or applied");
        } catch (IOException e) {
            throw new AdminException(
                    500, "Cannot write " + file.path() + " (" + e.getMessage() + "); nothing was applied");
        }
    }

    private void record(AdminIdentity who, String action, ObjectNode details) throws AuditFailure {
        try {
            audit.record(who, action, details);
        } catch (IOException e) {
            throw new AuditFailure(e);
        }
    }

    /** Whether {@code ifMatch} (a list of entity tags, or {@code *}) names {@code hash}. */
    static boolean matches(String ifMatch, String hash) {
        for (String tag : ifMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.replace("W/", "").replace("\"", "").equals(hash)) {
                return true;
            }
        }
        return false;
    }

    /** The audit line could not be written: told apart from a failure to write the file itself. */
    private static final class AuditFailure extends IOException {
        private static final long serialVersionUID = 1L;

        AuditFailure(IOException cause) {
            super(cause);
        }
    }
}
