package com.gitinsight.gateway.config;

import java.nio.file.Path;

/**
 * {@code java ... ConfigCheck FILE}: validates a configuration without starting a server. Exit 0
 * and a summary when valid; exit 1 and every error (file:line:column: field: message) on stderr.
 * scripts/run.sh runs it first, so an invalid file stops the gateway from starting.
 */
public final class ConfigCheck {

    private ConfigCheck() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ConfigCheck <gateway.yml>");
            System.exit(2);
        }
        try {
            GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn()).load(Path.of(args[0]));
            System.out.println(args[0] + ": valid (hash " + config.hash() + ", " + config.counts() + ")");
        } catch (ConfigException e) {
            System.err.println("invalid gateway configuration:");
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
