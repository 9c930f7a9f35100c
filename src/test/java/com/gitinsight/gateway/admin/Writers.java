package com.gitinsight.gateway.admin;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.QuietFile;
import java.nio.file.Path;

/** A {@link ConfigWriter} as ConfigAdmin makes one, without a running gateway (for tests and their child JVMs). */
final class Writers {

    private Writers() {}

    static ConfigWriter of(Path file, int keep, AuditLog audit) {
        return of(file, keep, audit, QuietFile.Sleeper.SYSTEM);
    }

    static ConfigWriter of(Path file, int keep, AuditLog audit, QuietFile.Sleeper sleeper) {
        KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn(), name -> "value-of-" + name);
        ConfigFile config = new ConfigFile(file, keep, step -> {}, sleeper);
        // One ConfigFile for the writer and the key, as ConfigAdmin has: the key may be made under the write lock.
        Redaction redaction = redaction(config);
        return new ConfigWriter(
                config,
                audit,
                new ConfigWriter.Rules() {
                    @Override
                    public String restore(String text, String base) throws AdminException {
                        return redaction.restore(text, base);
                    }

                    @Override
                    public GatewayConfig parse(String text) throws AdminException {
                        try {
                            return parser.parse(file.toString(), text);
                        } catch (ConfigException e) {
                            throw AdminException.invalid(e);
                        }
                    }
                },
                () -> {
                    throw new IllegalStateException("the tests always start from a file");
                });
    }

    /** Redaction as ConfigAdmin makes it for {@code file}. */
    static Redaction redaction(Path file) {
        return redaction(new ConfigFile(file, 10));
    }

    private static Redaction redaction(ConfigFile file) {
        return new Redaction(
                new KongConfigParser(PluginRegistry.builtIn()), file.path().toString(), new RedactionKey(file));
    }

    static ConfigWriter of(Path file, int keep) {
        return of(
                file,
                keep,
                new AuditLog(new ConfigFile(file, keep).backupDirectory().resolve("audit.log")));
    }
}
