package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.QuietFile;
import com.gitinsight.gateway.routing.Router;
import com.gitinsight.gateway.store.ConnectionSource;
import com.gitinsight.gateway.store.PostgresStore;
import com.gitinsight.gateway.store.StoreSettings;
import com.gitinsight.gateway.store.Unavailable;
import com.gitinsight.gateway.upstream.ServiceGuards;
import com.gitinsight.gateway.upstream.TargetRegistry;
import com.gitinsight.gateway.upstream.UpstreamServices;
import com.gitinsight.gateway.upstream.Upstreams;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Owns the running configuration: loads it when the application starts (an invalid file fails the
 * deployment), then keeps the newest valid version of the file in one atomic reference. Owns what
 * outlives configurations too: target health, service guards, and the background threads.
 */
@ApplicationScoped
public class GatewayRuntime implements Unproxied<GatewayRuntime> {

    private static final Logger LOG = Logger.getLogger(GatewayRuntime.class.getName());

    private final AtomicReference<GatewaySnapshot> current = new AtomicReference<>();
    private ConfigReloader reloader;
    private UpstreamServices upstreamServices;
    private ServiceGuards guards;
    private KongConfigParser parser;

    @Inject
    @ConfigProperty(name = "gateway.config", defaultValue = "server-config/gateway.yml")
    String configFile;

    @Inject
    @ConfigProperty(name = "gateway.config.poll-interval-ms", defaultValue = "1000")
    long pollIntervalMillis;

    /** Kong's {@code router_flavor}: {@code traditional_compatible} (its default) or {@code traditional}. */
    @Inject
    @ConfigProperty(name = "gateway.router.flavor", defaultValue = "traditional_compatible")
    String routerFlavor;

    /** {@link #routerFlavor}, read once at start (a bad value stops the start, naming the setting). */
    private Router.Flavor flavor;

    /** {@code file}, a PostgreSQL JDBC URL or {@code jndi:<name>} (see {@code store.StoreSettings}). */
    @Inject
    @ConfigProperty(name = "gateway.config.store", defaultValue = "file")
    String storeSetting;

    /** How often a store's node checks the stored version besides its notifications (a lost one is caught). */
    @Inject
    @ConfigProperty(name = "gateway.config.store.check-interval-ms", defaultValue = "5000")
    long storeCheckMillis;

    private volatile PostgresStore store;
    private volatile String storeDescription;
    /** The newest stored version this node has dealt with (installed, or refused as invalid; 0: none). */
    private volatile long appliedVersion;
    /** The stored version running here (0: none). */
    private volatile long runningVersion;

    private volatile Thread storeConnector;
    /** Why the stored version is not the one running (it is invalid), or null. */
    private volatile String storeRejected;
    /**
     * The hash of the stored version this node refused last (null: none since one installed): an
     * explicit reload parses that one again (a vault variable it lacked may be there now), whatever
     * its number (a store put back, a document edited by hand under its number).
     */
    private String refusedHash;

    private final java.util.concurrent.atomic.AtomicLong storeReloads = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean stopping;

    /** The container's HTTP request threads; a service's default bulkhead is three quarters of them. */
    @Inject
    @ConfigProperty(name = "gateway.request-threads", defaultValue = "200")
    int requestThreads;

    /** Comma-separated {@code host[:port]}; unset: the system's resolvers. (Optional<List> trips Payara.) */
    @Inject
    @ConfigProperty(name = "gateway.dns.servers")
    Optional<String> dnsServers;

    @Inject
    @ConfigProperty(name = "gateway.dns.timeout-ms", defaultValue = "2000")
    long dnsTimeoutMillis;

    @Inject
    @ConfigProperty(name = "gateway.dns.min-ttl-seconds", defaultValue = "1")
    long dnsMinTtl;

    @Inject
    @ConfigProperty(name = "gateway.dns.max-ttl-seconds", defaultValue = "300")
    long dnsMaxTtl;

    @Inject
    @ConfigProperty(name = "gateway.dns.error-retry-seconds", defaultValue = "10")
    long dnsErrorRetry;

    @Inject
    @ConfigProperty(name = "gateway.healthchecks.threads", defaultValue = "8")
    int probeThreads;

    /** Told of every snapshot installed, so services that live across reloads (event listeners) follow the config. */
    @Inject
    Event<GatewaySnapshot> installed;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) throws ConfigException {
        try {
            flavor = Router.Flavor.of(routerFlavor);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gateway.router.flavor: " + e.getMessage(), e);
        }
        Path file = Path.of(configFile).toAbsolutePath();
        // {vault://env/NAME} is looked up through MicroProfile Config: environment variables and system
        // properties as before, and also what admins set in the app server (asadmin set-config-property,
        // WildFly system properties), so a secret can live where the server's other settings do.
        Config mpConfig = ConfigProvider.getConfig();
        parser = new KongConfigParser(
                PluginRegistry.builtIn(),
                name -> mpConfig.getOptionalValue(name, String.class).orElse(null),
                KongConfigParser.referencedVariables(storeSetting));
        upstreamServices = new UpstreamServices(
                new UpstreamServices.Settings(
                        dnsServers(),
                        Duration.ofMillis(dnsTimeoutMillis),
                        dnsMinTtl,
                        dnsMaxTtl,
                        dnsErrorRetry,
                        probeThreads),
                new TargetRegistry());
        guards = new ServiceGuards(Math.max(1, requestThreads * 3 / 4));
        StoreSettings settings = StoreSettings.parse(
                storeSetting,
                name -> mpConfig.getOptionalValue(name, String.class).orElse(null));
        if (settings.kind() != StoreSettings.Kind.FILE) {
            startFromStore(settings, file);
            return;
        }
        GatewayConfig config = loadWhenStill(file);
        current.set(build(config, null));
        installed.fire(current.get());
        LOG.info(() -> "GitInsight Gateway loaded " + file + " (hash " + config.hash() + ", " + config.counts() + ")");
        reloader = new ConfigReloader(file, parser, config, this::swap);
        reloader.start(pollIntervalMillis);
    }

    /**
     * A fleet's configuration from PostgreSQL: connect, make the tables, import the file once when
     * the store holds nothing, install the stored version, then watch for the next. A node that
     * cannot reach the store keeps trying in the background and serves nothing until it has a
     * configuration (not ready: 503), rather than an empty one.
     */
    private void startFromStore(StoreSettings settings, Path file) {
        storeDescription = settings.toString();
        ConnectionSource connections = settings.connections();
        // Never on the deployment thread: a store that hangs must leave the node "not ready", not
        // stuck deploying (its health answers meanwhile).
        Thread connector = ContainerThreads.factory("gateway-config-store-connect")
                .newThread(() -> {
                    long backoff = 500;
                    while (!stopping && store == null && !connectStore(connections, file)) {
                        try {
                            Thread.sleep(backoff);
                        } catch (InterruptedException e) {
                            return;
                        }
                        backoff = Math.min(5_000, backoff * 2);
                    }
                });
        storeConnector = connector;
        connector.start();
    }

    private boolean connectStore(ConnectionSource connections, Path file) {
        PostgresStore opened = null;
        try {
            opened = PostgresStore.open(connections, ContainerThreads.factory("gateway-config-store"));
            PostgresStore.Stored stored = opened.read().orElse(null);
            if (stored == null) {
                GatewayConfig imported = parser.load(file);
                stored = opened.importIfEmpty(
                        new PostgresStore.Next(imported.text(), imported.hash(), importedFormat(file)),
                        "import of " + file);
                LOG.info(() -> "configuration store " + connections.describe() + ": imported " + file);
            }
            if (!applyStored(stored, false)) {
                fallBack(opened, stored);
            }
            synchronized (this) {
                if (stopping) {
                    opened.close();
                    return true;
                }
                store = opened;
            }
            opened.watch(stored, storeCheckMillis, this::applyStored);
            long running = runningVersion;
            LOG.info(() -> "GitInsight Gateway runs version " + running + " of " + connections.describe());
            return true;
        } catch (Unavailable e) {
            LOG.warning(() -> e.getMessage() + "; not ready until it is reachable (retrying)");
            storeRejected = e.getMessage();
        } catch (ConfigException e) {
            // The file to import is invalid: nothing to serve; said, and tried again with the store.
            LOG.severe(() -> "configuration store: cannot import " + file + ": " + e.getMessage());
            storeRejected = e.getMessage();
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.SEVERE, "configuration store: cannot start from it; retrying", e);
            storeRejected = String.valueOf(e.getMessage());
        }
        if (opened != null) {
            opened.close();
        }
        return false;
    }

    /**
     * The newest stored version is invalid here (a vault variable only its writer had, a stricter
     * validation after an upgrade): a node with nothing to serve runs the newest valid version of
     * the history instead, and says so, rather than refusing traffic until someone edits the table.
     */
    private void fallBack(PostgresStore opened, PostgresStore.Stored newest) throws Unavailable {
        if (current.get() != null) {
            return;
        }
        for (PostgresStore.HistoryEntry h : opened.history(50)) {
            if (h.version() >= newest.version()) {
                continue;
            }
            PostgresStore.Stored older = opened.version(h.version()).orElse(null);
            if (older == null) {
                continue;
            }
            try {
                GatewayConfig config = parser.parse(storedName(older), older.text());
                String rejected = storeRejected;
                synchronized (this) {
                    appliedVersion = 0; // the invalid newest was "dealt with"; the older one must still install
                    installStored(older.version(), config);
                    appliedVersion = newest.version();
                }
                storeRejected = "version " + newest.version() + " is invalid (" + rejected + "); running version "
                        + older.version() + " instead";
                LOG.warning(storeRejected);
                return;
            } catch (ConfigException e) {
                // Older and invalid too: look further back.
            }
        }
    }

    private static String storedName(PostgresStore.Stored stored) {
        return "config store version " + stored.version() + ("json".equals(stored.format()) ? ".json" : ".yml");
    }

    /**
     * The format an imported file is stored in: the one it was read in (by its name), which every
     * node then reads it in. By its text, a .yml file in YAML's flow style ({@code {...}} with
     * comments) was stored as JSON and refused by every node (attacker review 310).
     */
    static String importedFormat(Path file) {
        return file.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? "json" : "yaml";
    }

    /** {@code json} when the document is JSON, else {@code yaml} (YAML reads JSON too). */
    public static String formatOf(String text) {
        return text.stripLeading().startsWith("{") ? "json" : "yaml";
    }

    /**
     * Installs a stored version newer than the one running (a notification, the periodic check, or
     * this node's own write), or any version when the store went back ({@code reset}); an invalid one
     * is refused and the running configuration kept. Whether it was dealt with.
     */
    private synchronized boolean applyStored(PostgresStore.Stored stored, boolean reset) {
        return applyStored(stored, reset, false);
    }

    /**
     * As {@link #applyStored(PostgresStore.Stored, boolean)}; {@code again}: a version this node
     * refused is parsed again (an explicit reload: what it lacked, a vault reference's variable
     * through MicroProfile Config, may be there now; helper review 195: the node stayed on the
     * older version until the next change or a restart).
     */
    private synchronized boolean applyStored(PostgresStore.Stored stored, boolean reset, boolean again) {
        boolean refusedHere = again && stored.hash().equals(refusedHash);
        if (!reset && !refusedHere && stored.version() <= appliedVersion) {
            return true;
        }
        GatewayConfig config;
        try {
            config = parser.parse(storedName(stored), stored.text());
        } catch (ConfigException e) {
            storeRejected = e.getMessage();
            refusedHash = stored.hash();
            LOG.severe(() -> "configuration store: version " + stored.version() + " is invalid; keeping the running"
                    + " configuration: " + e.getMessage());
            appliedVersion = stored.version();
            return current.get() != null;
        }
        if (reset) {
            appliedVersion = 0;
        } else if (refusedHere) {
            appliedVersion = beforeRetry(runningVersion, stored.version());
        }
        installStored(stored.version(), config);
        return true;
    }

    /**
     * The version to count as applied before installing a refused one again: below it, whether it
     * is newer than the running one or not (a store put back to an older version; helper review
     * 200: counting the running one as applied kept an older refused version from ever installing).
     */
    static long beforeRetry(long running, long refused) {
        return Math.min(running, refused - 1);
    }

    /** Installs {@code config}, stored as {@code version}, unless a newer version already runs. */
    public synchronized void installStored(long version, GatewayConfig config) {
        if (version <= appliedVersion) {
            return;
        }
        GatewaySnapshot old = current.get();
        if (old == null) {
            current.set(build(config, null));
            installed.fire(current.get());
        } else if (!old.config().hash().equals(config.hash())) {
            swap(config);
            storeReloads.incrementAndGet();
        }
        // Recorded once it runs: a build that failed is offered again.
        appliedVersion = version;
        runningVersion = version;
        storeRejected = null;
        refusedHash = null;
        LOG.info(() -> "configuration store: version " + version + " installed (hash " + config.hash() + ")");
    }

    /** The configuration store, or null when the gateway runs from its file (or has not reached the store yet). */
    public PostgresStore store() {
        return store;
    }

    /** Whether the gateway runs from a configuration store (not a file). */
    public boolean storeConfigured() {
        return storeDescription != null;
    }

    /** The store, as health shows it (no password), or null. */
    public String storeDescription() {
        return storeDescription;
    }

    /** The stored version running here (0: none). */
    public long runningVersion() {
        return runningVersion;
    }

    /** The newest stored version this node has seen (it may be invalid and not run). */
    public long newestVersion() {
        return appliedVersion;
    }

    private List<InetSocketAddress> dnsServers() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : dnsServers.orElse("").split(",")) {
            s = s.trim();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            boolean hasPort = colon > 0 && s.indexOf(']') < colon && (s.startsWith("[") || s.indexOf(':') == colon);
            String host = hasPort ? s.substring(0, colon) : s;
            int port = hasPort ? Integer.parseInt(s.substring(colon + 1)) : 53;
            out.add(new InetSocketAddress(host.replace("[", "").replace("]", ""), port));
        }
        return out;
    }

    private GatewaySnapshot build(GatewayConfig config, GatewaySnapshot previous) {
        Upstreams upstreams =
                Upstreams.build(config, upstreamServices.registry(), previous == null ? null : previous.upstreams());
        upstreams.start(upstreamServices);
        return new GatewaySnapshot(
                config,
                Router.build(config, flavor),
                upstreams,
                guards.build(config),
                PluginIndex.build(config),
                Instant.now());
    }

    /** Installs a new valid configuration; the old one's background tasks stop. */
    private void swap(GatewayConfig next) {
        GatewaySnapshot old = current.get();
        current.set(build(next, old));
        old.upstreams().close();
        installed.fire(current.get());
    }

    /**
     * The file once it stands still (a copy still being written as the gateway starts is not
     * loaded half: helper review 233), parsed from the text read then; a file that cannot be read
     * is reported by the parser's load, naming it.
     */
    private GatewayConfig loadWhenStill(Path file) throws ConfigException {
        try {
            QuietFile.Read read = QuietFile.readWhenStill(file, null, QuietFile.Sleeper.SYSTEM);
            if (read != null) {
                return parser.parse(file.toString(), read.text());
            }
        } catch (IOException e) {
            // the load below says why
        }
        return parser.load(file);
    }

    /** The snapshot to use for one whole request. */
    public GatewaySnapshot snapshot() {
        return current.get();
    }

    /** Reads the configuration file now instead of at the next poll. */
    public void reloadNow() {
        if (reloader != null) {
            reloader.checkNow();
        }
        PostgresStore s = store;
        if (s != null) {
            try {
                s.read().ifPresent(stored -> applyStored(stored, false, true));
            } catch (Unavailable e) {
                LOG.warning(e::getMessage);
            }
        }
    }

    /**
     * A configuration change made by the gateway itself (the admin API): {@code work} reads the
     * running configuration, writes the file and returns the validated new version, or null to
     * change nothing. The file watcher is held off meanwhile, so the two never interleave.
     */
    public <E extends Exception> GatewayConfig change(ConfigReloader.Work<GatewayConfig, E> work) throws E {
        if (reloader == null) {
            throw new IllegalStateException("the gateway runs from a configuration store: changes go through it");
        }
        return reloader.exclusively(() -> {
            GatewayConfig next = work.run();
            if (next != null) {
                reloader.installWritten(next);
            }
            return next;
        });
    }

    /** The parser every version goes through (validation before a write). */
    public KongConfigParser parser() {
        return parser;
    }

    /** The declarative file this gateway runs from. */
    public Path configPath() {
        return Path.of(configFile).toAbsolutePath();
    }

    public long reloads() {
        return reloader == null ? storeReloads.get() : reloader.reloads();
    }

    public long reloadFailures() {
        return reloader == null ? 0 : reloader.failures();
    }

    /** Why the file on disk is not the configuration running, or null. */
    public String pendingError() {
        return reloader == null ? storeRejected : reloader.lastError();
    }

    @PreDestroy
    void stop() {
        synchronized (this) {
            stopping = true;
        }
        Thread connector = storeConnector;
        if (connector != null) {
            connector.interrupt();
            try {
                connector.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reloader != null) {
            reloader.close();
        }
        if (store != null) {
            store.close();
        }
        GatewaySnapshot last = current.get();
        if (last != null) {
            last.upstreams().close();
        }
        if (upstreamServices != null) {
            upstreamServices.close();
        }
    }

    @Override
    public void passInstance(Consumer<? super GatewayRuntime> receiver) {
        receiver.accept(this);
    }
}
