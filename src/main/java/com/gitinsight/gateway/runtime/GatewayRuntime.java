package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Owns the running configuration: loads it when the application starts (an invalid file fails the
 * deployment), then keeps the newest valid version of the file in one atomic reference.
 */
@ApplicationScoped
public class GatewayRuntime {

    private static final Logger LOG = Logger.getLogger(GatewayRuntime.class.getName());

    private final AtomicReference<GatewaySnapshot> current = new AtomicReference<>();
    private ConfigReloader reloader;

    @Inject
    @ConfigProperty(name = "gateway.config", defaultValue = "server-config/gateway.yml")
    String configFile;

    @Inject
    @ConfigProperty(name = "gateway.config.poll-interval-ms", defaultValue = "1000")
    long pollIntervalMillis;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) throws ConfigException {
        Path file = Path.of(configFile).toAbsolutePath();
        KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());
        GatewayConfig config = parser.load(file);
        current.set(GatewaySnapshot.of(config));
        LOG.info(() -> "GitInsight Gateway loaded " + file + " (hash " + config.hash() + ", " + config.counts() + ")");
        reloader = new ConfigReloader(file, parser, config, next -> current.set(GatewaySnapshot.of(next)));
        reloader.start(pollIntervalMillis);
    }

    /** The snapshot to use for one whole request. */
    public GatewaySnapshot snapshot() {
        return current.get();
    }

    /** Why the file on disk is not the configuration running, or null. */
    public String pendingError() {
        return reloader == null ? null : reloader.lastError();
    }

    @PreDestroy
    void stop() {
        if (reloader != null) {
            reloader.close();
        }
    }
}
