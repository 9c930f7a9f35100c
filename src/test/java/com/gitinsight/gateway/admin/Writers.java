package com.gitinsight.gateway.admin;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.nio.file.Path;

/** A {@link ConfigWriter} as ConfigAdmin makes one, without a running gateway (for tests and their child JVMs). */
final class Writers {

    private Writers() {
    }

    static ConfigWriter of(Path file, int keep, AuditLog audit) {
        KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn(), name -> null);
        return new ConfigWriter(new ConfigFile(file, keep), audit, new ConfigWriter.Rules() {
            @Override
            public String restore(String text, String base) {
                return text;
            }

            @Override
            public GatewayConfig parse(String text) throws AdminException {
                try {
                    return parser.parse(file.toString(), text);
                } catch (ConfigException e) {
                    throw AdminException.invalid(e);
                }
            }
        }, () -> {
            throw new IllegalStateException("the tests always start from a file");
        });
    }

    static ConfigWriter of(Path file, int keep) {
        return of(file, keep, new AuditLog(new ConfigFile(file, keep).backupDirectory().resolve("audit.log")));
    }
}
