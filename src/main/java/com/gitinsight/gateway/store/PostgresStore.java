package com.gitinsight.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The configuration in PostgreSQL, for a fleet: one row holds the running declarative document and
 * its version; each change is one transaction that locks that row, checks {@code If-Match} against
 * its hash, writes the new document, appends it to the history (who, when, what) and sends
 * {@code NOTIFY gateway_config}. Every node {@linkplain #watch watches}: {@code LISTEN} for a change
 * within a second, and a periodic version check in case a notification was lost (a reconnect
 * catches up the same way). The tables are made by a versioned migration ({@link Migrations}).
 */
public final class PostgresStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PostgresStore.class.getName());
    static final String CHANNEL = "gateway_config";

    /** A stored version of the document. */
    public record Stored(long version, String hash, String text, String format, Instant at, String by) {}

    /** A version in the history: who made it, when, and what they did. */
    public record HistoryEntry(long version, String hash, Instant at, String by, String action) {}

    /**
     * The new document an edit makes from the stored one, with its hash (the ETag), made as the
     * database makes it ({@link #DOCUMENT_HASH}, the gateway's {@code KongConfigParser.hash}).
     */
    public record Next(String text, String hash, String format) {}

    /** Builds the new document from the stored one (validating it; a refusal is the caller's exception). */
    @FunctionalInterface
    public interface Edit<E extends Exception> {
        Next apply(Stored base) throws E;
    }

    /** {@code If-Match} did not match the stored version (the current hash says what it is now). */
    public static final class Conflict extends Exception {
        private static final long serialVersionUID = 1L;
        private final String current;

        Conflict(String current) {
            super("the stored configuration is now " + current);
            this.current = current;
        }

        public String current() {
            return current;
        }
    }

    private final ConnectionSource connections;
    private final ThreadFactory threads;
    private volatile boolean closed;
    private volatile boolean available;
    private volatile String lastError;
    private volatile Instant since = Instant.now();
    private Thread watcher;

    private PostgresStore(ConnectionSource connections, ThreadFactory threads) {
        this.connections = connections;
        this.threads = threads;
    }

    /** Connects and migrates the tables to this version's; {@link Unavailable} when the store cannot be reached. */
    public static PostgresStore open(ConnectionSource connections, ThreadFactory threads) throws Unavailable {
        PostgresStore store = new PostgresStore(connections, threads);
        try {
            store.warnIfOthersMayCreate(); // before Flyway's own statements run (attacker review 313)
            Migrations.migrate(connections);
            store.reachable();
        } catch (RuntimeException | SQLException e) {
            // The cause's words (a wrong password, a missing database, an edited migration): the
            // log and health said only "cannot reach" (attacker review 310).
            throw new Unavailable(
                    "cannot reach or prepare the configuration store " + connections.describe() + " ("
                            + ConnectionSource.redacted(
                                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                            + ")",
                    e);
        }
        return store;
    }

    /**
     * Says so when every role may create objects in a schema of the store's search path (before
     * PostgreSQL 15, {@code public}'s default): the store's own statements name their functions in
     * pg_catalog and type their arguments, but a planted closer match of a function or operator that
     * Flyway or the JDBC driver calls would run as the gateway's role (attacker review 310).
     */
    private void warnIfOthersMayCreate() {
        try (Connection c = connections.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT n.nspname FROM pg_catalog.pg_namespace n"
                        + " WHERE n.nspname OPERATOR(pg_catalog.=) ANY (pg_catalog.current_schemas(false))"
                        + " AND pg_catalog.has_schema_privilege('public', n.oid, 'CREATE')")) {
            while (r.next()) {
                String schema = r.getString(1);
                LOG.warning(() -> "configuration store " + connections.describe() + ": every role may create"
                        + " objects in schema " + schema + ", on the store's search path: REVOKE CREATE ON SCHEMA "
                        + schema + " FROM PUBLIC (PostgreSQL 15's default), or give the gateway a database of its own");
            }
        } catch (SQLException | RuntimeException e) {
            // Only advice: a store that cannot answer this is judged by its other statements.
        }
    }

    /** The stored document, or empty when the store holds none yet. */
    public Optional<Stored> read() throws Unavailable {
        try (Connection c = connections.connect()) {
            Optional<Stored> s = read(c, false);
            reachable();
            return s;
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /**
     * The document's hash as the gateway makes it ({@code KongConfigParser.hash}: the first 8 bytes
     * of its UTF-8 SHA-256, in hex), made by the database from the document itself: the stored
     * {@code hash} column is not trusted (helper review 195: a document edited by hand under an
     * unchanged hash was never noticed by running nodes, ran on those that restarted, and every
     * If-Match write through them was a 412 for good). Every function named in pg_catalog and every
     * argument typed as the built-in takes it: PostgreSQL picks a closer match in any schema of the
     * search path, so a role that may create functions in {@code public} (anyone, before
     * PostgreSQL 15) could have its {@code convert_to(text, text)} run as the gateway's role on
     * every check (CVE-2018-1058's pattern; attacker review 310).
     */
    static final String DOCUMENT_HASH = "pg_catalog.encode(pg_catalog.substring(pg_catalog.sha256("
            + "pg_catalog.convert_to(document, 'UTF8'::pg_catalog.name)), 1, 8), 'hex'::pg_catalog.text)";

    private static Optional<Stored> read(Connection c, boolean forUpdate) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT version, " + DOCUMENT_HASH
                        + ", document, format, updated_at, updated_by FROM gateway_config WHERE id = 1"
                        + (forUpdate ? " FOR UPDATE" : ""));
                ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                return Optional.empty();
            }
            return Optional.of(new Stored(
                    r.getLong(1),
                    r.getString(2),
                    r.getString(3),
                    r.getString(4),
                    r.getTimestamp(5).toInstant(),
                    r.getString(6)));
        }
    }

    /**
     * Stores {@code text} as version 1 when the store holds nothing yet (the first node to start
     * imports its file; a node that loses the race reads the winner's); returns what is stored.
     */
    public Stored importIfEmpty(Next document, String who) throws Unavailable {
        try (Connection c = connections.connect()) {
            try {
                return importIfEmpty(c, document, who);
            } finally {
                asItCame(c);
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    private Stored importIfEmpty(Connection c, Next document, String who) throws SQLException {
        c.setAutoCommit(false);
        // After the first version, numbering goes on from the history (a row deleted to re-import
        // does not reuse a version the history holds).
        long version;
        try (PreparedStatement s =
                        c.prepareStatement("SELECT coalesce(max(version), 0) + 1 FROM gateway_config_history");
                ResultSet r = s.executeQuery()) {
            r.next();
            version = r.getLong(1);
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO gateway_config (id, version, hash, document, format,"
                + " updated_by) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setLong(1, version);
            s.setString(2, document.hash());
            s.setString(3, document.text());
            s.setString(4, document.format());
            s.setString(5, who);
            if (s.executeUpdate() == 1) {
                history(c, version, document, who, "import", null);
                notify(c, version);
            }
        }
        c.commit();
        // Read outside the transaction: a pooled connection is not left idle in one (attacker review 310).
        c.setAutoCommit(true);
        Stored stored = read(c, false).orElseThrow(() -> new SQLException("the imported row is missing"));
        reachable();
        return stored;
    }

    /**
     * One change, one transaction: the row is locked, {@code ifMatch} (a hash, or null) checked
     * against it ({@link Conflict}: of two writers with one {@code If-Match}, exactly one wins),
     * {@code edit} makes the new document from it, and unless that is the same document the row,
     * the history and the notification are written together. Returns the version now stored.
     */
    public <E extends Exception> Stored write(String ifMatch, String who, String action, Edit<E> edit)
            throws E, Conflict, Unavailable {
        try (Connection c = connections.connect()) {
            c.setAutoCommit(false);
            try {
                try (Statement st = c.createStatement()) {
                    // Another session holding the row (a manual psql, a stuck writer): a clear answer, not a hang.
                    st.execute("SET LOCAL lock_timeout = '5s'");
                }
                // No row (deleted by hand): the store answered, so it is refused, not unreachable.
                Stored base =
                        read(c, true).orElseThrow(() -> new SQLException("the store holds no configuration", "P0002"));
                if (ifMatch != null && !Etags.matches(ifMatch, base.hash())) {
                    c.rollback();
                    throw new Conflict(base.hash());
                }
                Next next = edit.apply(base);
                if (next.text().equals(base.text())) {
                    c.rollback();
                    return base;
                }
                // After the history's newest too: a row put back to an older version (a restored
                // backup) must not reuse a number the history holds (its primary key).
                long version;
                try (PreparedStatement s =
                                c.prepareStatement("SELECT coalesce(max(version), 0) FROM gateway_config_history");
                        ResultSet r = s.executeQuery()) {
                    r.next();
                    version = Math.max(base.version(), r.getLong(1)) + 1;
                }
                try (PreparedStatement s = c.prepareStatement("UPDATE gateway_config SET version = ?, hash = ?,"
                        + " document = ?, format = ?, updated_at = now(), updated_by = ? WHERE id = 1")) {
                    s.setLong(1, version);
                    s.setString(2, next.hash());
                    s.setString(3, next.text());
                    s.setString(4, next.format());
                    s.setString(5, who);
                    s.executeUpdate();
                }
                history(c, version, next, who, action, base.hash());
                notify(c, version);
                c.commit();
                reachable();
                // What this transaction wrote (a re-read could see the next writer's row).
                return new Stored(version, next.hash(), next.text(), next.format(), Instant.now(), who);
            } catch (SQLException | RuntimeException e) {
                quietRollback(c);
                throw e;
            } catch (Exception e) {
                // The edit's own refusal (or a conflict): nothing was written.
                quietRollback(c);
                throw e;
            } finally {
                asItCame(c);
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    private static void quietRollback(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // The connection is closed next; PostgreSQL rolls back what was not committed.
        }
    }

    /**
     * A connection goes back to its pool (JNDI) in autocommit, nothing left open: a pool that does
     * not reset it would hand the next user a transaction (attacker reviews 310, 313). After a
     * commit the rollback is a no-op.
     */
    private static void asItCame(Connection c) {
        quietRollback(c);
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // a broken connection: its pool finds it so
        }
    }

    /**
     * Versions the history keeps (each a whole document, secrets included): older ones are deleted
     * as a write adds one (helper review 189: nothing was ever deleted, so repeated writes filled the
     * database and a revoked credential stayed there, ready to be restored).
     */
    static final int HISTORY_KEPT = 100;

    private static void history(Connection c, long version, Next next, String who, String action, String previous)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM gateway_config_history WHERE version <= ?")) {
            s.setLong(1, version - HISTORY_KEPT);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO gateway_config_history"
                + " (version, hash, document, format, created_by, action, previous) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, version);
            s.setString(2, next.hash());
            s.setString(3, next.text());
            s.setString(4, next.format());
            s.setString(5, who);
            s.setString(6, action);
            s.setString(7, previous);
            s.executeUpdate();
        }
    }

    private static void notify(Connection c, long version) throws SQLException {
        // Typed as the built-in (text, text): pgjdbc sends varchar, which another schema's
        // pg_notify(varchar, varchar) would match more closely (see DOCUMENT_HASH).
        try (PreparedStatement s =
                c.prepareStatement("SELECT pg_catalog.pg_notify(?::pg_catalog.text, ?::pg_catalog.text)")) {
            s.setString(1, CHANNEL);
            s.setString(2, Long.toString(version));
            s.execute();
        }
    }

    /**
     * The shared key {@code name}: made once ({@code fresh} bytes) by the first node that asks, read
     * by every other (so all nodes agree, as the gateways sharing a file share its key file).
     */
    public byte[] key(String name, byte[] fresh) throws Unavailable {
        try (Connection c = connections.connect()) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO gateway_keys (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                s.setString(1, name);
                s.setBytes(2, fresh);
                s.executeUpdate();
            }
            try (PreparedStatement s =
                    c.prepareStatement("SELECT value FROM gateway_keys WHERE name = ?::pg_catalog.text")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    reachable();
                    return r.getBytes(1);
                }
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /** The history, newest first, at most {@code limit} versions. */
    public List<HistoryEntry> history(int limit) throws Unavailable {
        try (Connection c = connections.connect();
                PreparedStatement s = c.prepareStatement("SELECT version, hash, created_at, created_by, action"
                        + " FROM gateway_config_history ORDER BY version DESC LIMIT ?")) {
            s.setInt(1, limit);
            List<HistoryEntry> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new HistoryEntry(
                            r.getLong(1),
                            r.getString(2),
                            r.getTimestamp(3).toInstant(),
                            r.getString(4),
                            r.getString(5)));
                }
            }
            reachable();
            return out;
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /** The document of version {@code version}, or empty. */
    public Optional<Stored> version(long version) throws Unavailable {
        try (Connection c = connections.connect();
                PreparedStatement s =
                        c.prepareStatement("SELECT version, hash, document, format, created_at, created_by"
                                + " FROM gateway_config_history WHERE version = ?")) {
            s.setLong(1, version);
            try (ResultSet r = s.executeQuery()) {
                reachable();
                if (!r.next()) {
                    return Optional.empty();
                }
                Timestamp at = r.getTimestamp(5);
                return Optional.of(new Stored(
                        r.getLong(1), r.getString(2), r.getString(3), r.getString(4), at.toInstant(), r.getString(6)));
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /**
     * Tells {@code onNewer} of every stored version newer than {@code applied}: on its notification,
     * and every {@code checkMillis} in case one was lost; after the store was unreachable, as soon
     * as it is back. One thread, until {@link #close}.
     */
    public synchronized void watch(Stored applied, long checkMillis, Listener onNewer) {
        if (watcher != null) {
            throw new IllegalStateException("already watching");
        }
        watcher = threads.newThread(new Watcher(applied, Math.max(100, checkMillis), onNewer));
        watcher.start();
    }

    /** Told of each stored version to install. */
    @FunctionalInterface
    public interface Listener {
        /**
         * {@code stored} is newer than the last one; {@code reset} when the store went back (restored
         * from a backup, re-imported, edited by hand): install it even though its number is not higher.
         * Returns whether it was installed (else it is offered again at the next check).
         */
        boolean changed(Stored stored, boolean reset);
    }

    /** The shortest time between two checks that notifications bring forward. */
    static final long MIN_CHECK_GAP_MILLIS = 100;

    private final class Watcher implements Runnable {
        private long applied;
        private String appliedHash;
        private final long checkMillis;
        private final Listener onNewer;

        Watcher(Stored applied, long checkMillis, Listener onNewer) {
            this.applied = applied == null ? 0 : applied.version();
            this.appliedHash = applied == null ? null : applied.hash();
            this.checkMillis = checkMillis;
            this.onNewer = onNewer;
        }

        /** The wait before the watcher connects again; back to its least once a check has passed. */
        private long backoff = 250;

        @Override
        public void run() {
            while (!closed) {
                try (Connection c = connections.connectForListening()) {
                    // A pooled (JNDI) connection goes back to its pool as it came: no LISTEN left on
                    // it (its notifications would pile up unread), its own network timeout again.
                    int timeout = c.getNetworkTimeout();
                    try {
                        c.setNetworkTimeout(Runnable::run, ConnectionSource.READ_SECONDS * 1000);
                        listen(c);
                    } finally {
                        release(c, timeout);
                    }
                } catch (SQLException | RuntimeException | Error e) {
                    if (closed) {
                        return;
                    }
                    if (e instanceof Error error) {
                        // An OutOfMemoryError on a huge document, a StackOverflowError: the watcher
                        // goes on (it ended silently, the node never taking another version).
                        LOG.log(Level.SEVERE, "configuration store: the version check failed", error);
                    }
                    watchFailed(e instanceof Exception x ? x : new SQLException(e.toString(), "08000"));
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    backoff = Math.min(5_000, backoff * 2);
                }
            }
        }

        private void listen(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            // A new connection may reach another database (restored, re-created: its xids start over,
            // so the same version and xmin may be another document): hashed once again (attacker review 313).
            checkedRow = null;
            catchUp(c); // what changed while this node was not listening
            PGConnection pg = c.unwrap(PGConnection.class);
            long nextCheck = System.nanoTime() + checkMillis * 1_000_000;
            long lastCheck = System.nanoTime();
            boolean notified = false;
            while (!closed) {
                long sinceLast = (System.nanoTime() - lastCheck) / 1_000_000;
                int wait = notified
                        ? (int) Math.max(1, MIN_CHECK_GAP_MILLIS - sinceLast)
                        : (int) Math.min(checkMillis, 500);
                PGNotification[] got = pg.getNotifications(wait);
                notified |= got != null && got.length > 0;
                long now = System.nanoTime();
                // Anyone who can connect may NOTIFY this channel: notifications bring a check
                // forward, at most one per MIN_CHECK_GAP_MILLIS, never a check per notification.
                boolean gapOver = (now - lastCheck) / 1_000_000 >= MIN_CHECK_GAP_MILLIS;
                if ((notified && gapOver) || now >= nextCheck) {
                    catchUp(c);
                    // The connection held a while: one outage does not slow every later reconnection
                    // (attacker reviews 310, 313: reset at connecting, a connection failing at once
                    // came back every 250 ms for good).
                    backoff = 250;
                    notified = false;
                    lastCheck = System.nanoTime();
                    nextCheck = lastCheck + checkMillis * 1_000_000;
                }
            }
        }

        private static void release(Connection c, int timeout) {
            try (Statement s = c.createStatement()) {
                s.execute("UNLISTEN *");
                c.setNetworkTimeout(Runnable::run, timeout);
            } catch (SQLException e) {
                // A broken connection: its pool finds it so (a URL connection is closed next anyway).
            }
        }

        /**
         * The row as last checked (its version and {@code xmin}, which every write of it changes,
         * by hand too): while it is the same, a check hashes nothing. Anyone who can connect may
         * NOTIFY the channel, and every check hashed the whole document in the database
         * (attacker review 310: a 4 MiB document, ten checks a second on every node).
         */
        private String checkedRow;

        private void catchUp(Connection c) throws SQLException {
            String row;
            try (PreparedStatement s = c.prepareStatement(
                            "SELECT version, xmin::pg_catalog.text FROM gateway_config WHERE id = 1");
                    ResultSet r = s.executeQuery()) {
                reachable();
                if (!r.next()) {
                    return;
                }
                row = r.getLong(1) + "/" + r.getString(2);
            }
            if (row.equals(checkedRow)) {
                return;
            }
            // The version and the document's hash (the database hashes it): the whole document is
            // read only when either changed.
            long version;
            String hash;
            try (PreparedStatement s = c.prepareStatement(
                            "SELECT version, " + DOCUMENT_HASH + " FROM gateway_config WHERE id = 1");
                    ResultSet r = s.executeQuery()) {
                reachable();
                if (!r.next()) {
                    return;
                }
                version = r.getLong(1);
                hash = r.getString(2);
            }
            if (version == applied && hash.equals(appliedHash)) {
                checkedRow = row;
                return;
            }
            Optional<Stored> read = read(c, false);
            if (read.isEmpty()) {
                return;
            }
            Stored now = read.get();
            boolean newer = now.version() > applied;
            // The row this watcher read before had a higher number, or the same with other content:
            // the store itself went back.
            boolean reset = now.version() < applied
                    || (now.version() == applied && !now.hash().equals(appliedHash));
            if (!newer && !reset) {
                return;
            }
            if (reset) {
                long was = applied;
                LOG.warning(() -> "configuration store: the stored version went back from " + was + " to "
                        + now.version() + " (restored, re-imported or edited by hand); installing it");
            }
            boolean installed;
            try {
                installed = onNewer.changed(now, reset);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "configuration store: version " + now.version() + " was not applied", e);
                installed = false;
            }
            if (installed) {
                applied = now.version();
                appliedHash = now.hash();
                checkedRow = row; // else checked again (a refused version's handling decides what then)
            }
        }
    }

    private void reachable() {
        if (!available) {
            if (lastError != null) {
                LOG.info(() -> "configuration store " + connections.describe() + " is reachable again");
            }
            available = true;
            since = Instant.now();
        }
    }

    /**
     * The watcher failed: whatever the cause, this node takes no new version until it works again,
     * so health says so (degraded) and the log says why, once per distinct reason. A cause the
     * store answered (a standby refusing LISTEN, a revoked grant, a statement timeout) was taken
     * for a refused operation, silently, the node showing UP while it applied nothing more
     * (attacker review 310).
     */
    private void watchFailed(Exception e) {
        unreachable(e);
        if (e instanceof SQLException sql && !connectionProblem(sql)) {
            String why = "the version check failed: "
                    + ConnectionSource.redacted(
                            e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            if (!why.equals(lastError)) {
                LOG.warning(() -> "configuration store " + connections.describe() + ": " + why + "; retrying");
            }
            if (available) {
                since = Instant.now();
            }
            available = false;
            lastError = why;
        }
    }

    private Unavailable unreachable(Exception e) {
        String why =
                ConnectionSource.redacted(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        if (e instanceof SQLException sql && !connectionProblem(sql)) {
            // The store answered (a lock held too long, a constraint): it is reachable; this use failed.
            return new Unavailable("the configuration store refused the operation (" + why + ")", e);
        }
        if (available || lastError == null) {
            LOG.warning(() -> "configuration store " + connections.describe() + " is unreachable: " + why);
            since = Instant.now();
        }
        available = false;
        lastError = why;
        return new Unavailable("the configuration store is unreachable (" + why + ")", e);
    }

    /** Whether {@code e} says the store could not be reached (SQLState class 08, a shutdown, an I/O failure). */
    private static boolean connectionProblem(SQLException e) {
        String state = e.getSQLState();
        return state == null
                || state.startsWith("08")
                || state.startsWith("57P")
                || e instanceof java.sql.SQLTransientConnectionException
                || e.getCause() instanceof java.io.IOException;
    }

    /** Whether the last use of the store reached it. */
    public boolean available() {
        return available;
    }

    /** Why the store was last unreachable, or null. */
    public String lastError() {
        return available ? null : lastError;
    }

    /** Since when the store has been {@linkplain #available() available} or not. */
    public Instant since() {
        return since;
    }

    /** Where the store is, for health and logs (no password). */
    public String describe() {
        return connections.describe();
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = watcher;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
