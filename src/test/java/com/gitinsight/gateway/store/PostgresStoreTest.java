package com.gitinsight.gateway.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL configuration store on a real PostgreSQL (127.0.0.1:5432, else an embedded one). */
class PostgresStoreTest {

    private static TestDatabase db;
    private final List<PostgresStore> opened = new ArrayList<>();

    @BeforeAll
    static void database() throws Exception {
        db = TestDatabase.create();
    }

    @AfterAll
    static void drop() throws Exception {
        db.close();
    }

    @BeforeEach
    void empty() throws Exception {
        // Each test starts from an empty store (the tables stay: the migration made them once).
        open();
        try (var c = java.sql.DriverManager.getConnection(db.url());
                var s = c.createStatement()) {
            s.execute("TRUNCATE gateway_config, gateway_config_history, gateway_keys");
        }
    }

    @AfterEach
    void close() {
        opened.forEach(PostgresStore::close);
    }

    private PostgresStore open() throws Unavailable {
        PostgresStore s = PostgresStore.open(ConnectionSource.url(db.url()), Thread::new);
        opened.add(s);
        return s;
    }

    private static PostgresStore.Next doc(String text) {
        return new PostgresStore.Next(text, hash(text), "yaml");
    }

    /** The gateway's hash of a document (KongConfigParser.hash), which the store's SQL makes too. */
    private static String hash(String text) throws IllegalStateException {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a pooled connection is checked for as it goes back (closed by the store). */
    private interface OnReturn {
        void check(java.sql.Connection real) throws java.sql.SQLException;
    }

    /** A data source as a server's pool hands connections out: {@code onReturn} sees each as it is given back. */
    private javax.sql.DataSource pool(OnReturn onReturn) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (p, m, args) -> {
                    if (!m.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    java.sql.Connection real = java.sql.DriverManager.getConnection(db.url());
                    return java.lang.reflect.Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {java.sql.Connection.class}, (q, cm, cargs) -> {
                                if (cm.getName().equals("close") && !real.isClosed()) {
                                    onReturn.check(real);
                                }
                                try {
                                    return cm.invoke(real, cargs);
                                } catch (java.lang.reflect.InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                });
    }

    @Test
    void theHashIsTheDocumentsNotTheColumns() throws Exception {
        PostgresStore a = open();
        PostgresStore.Stored first = a.importIfEmpty(doc("v: 1"), "import");
        assertEquals(com.gitinsight.gateway.config.KongConfigParser.hash("v: 1"), first.hash());
        PostgresStore watcher = open();
        List<PostgresStore.Stored> seen = new CopyOnWriteArrayList<>();
        List<Boolean> resets = new CopyOnWriteArrayList<>();
        watcher.watch(first, 200, (stored, reset) -> {
            seen.add(stored);
            resets.add(reset);
            return true;
        });
        // Edited by hand: the document only, its version and hash column as they were.
        try (var c = java.sql.DriverManager.getConnection(db.url());
                var s = c.createStatement()) {
            s.execute("UPDATE gateway_config SET document = 'v: by hand'");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
        assertEquals("v: by hand", seen.get(0).text());
        assertTrue(resets.get(0), "the same number with other content: the store went back");
        PostgresStore.Stored now = a.read().orElseThrow();
        assertEquals(hash("v: by hand"), now.hash(), "the ETag a node serves for what it runs");
        // A write with that ETag is taken (the column's stale hash made every If-Match a 412).
        PostgresStore.Stored written = a.write("\"" + now.hash() + "\"", "admin", "change", base -> doc("v: 2"));
        assertEquals("v: 2", written.text());
    }

    @Test
    void theWatcherOutlivesAnErrorAndLeavesNoListenOnItsConnection() throws Exception {
        PostgresStore writer = open();
        PostgresStore.Stored first = writer.importIfEmpty(doc("v: 1"), "import");
        List<Long> listening = new CopyOnWriteArrayList<>();
        // A pooled source: each connection, when given back, says how many channels it still listens to.
        javax.sql.DataSource pool = pool(real -> {
            try (var s = real.createStatement();
                    var r = s.executeQuery("SELECT count(*) FROM pg_listening_channels()")) {
                r.next();
                listening.add(r.getLong(1));
            }
        });
        PostgresStore watcher = PostgresStore.open(ConnectionSource.dataSource("jdbc/test", pool), Thread::new);
        opened.add(watcher);
        List<PostgresStore.Stored> seen = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        watcher.watch(first, 200, (stored, reset) -> {
            if (failed.compareAndSet(false, true)) {
                throw new StackOverflowError("a document nested too deep");
            }
            seen.add(stored);
            return true;
        });
        writer.write(null, "admin", "change", base -> doc("v: 2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        assertEquals(2, seen.get(0).version(), "the watcher went on after the error");
        assertTrue(!listening.isEmpty() && listening.stream().allMatch(n -> n == 0), listening.toString());
    }

    @Test
    void theFirstNodeImportsAndTheOthersReadItsVersion() throws Exception {
        PostgresStore a = open();
        PostgresStore b = open();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<PostgresStore.Stored> fromA = two.submit(() -> a.importIfEmpty(doc("from: a"), "node a"));
            Future<PostgresStore.Stored> fromB = two.submit(() -> b.importIfEmpty(doc("from: b"), "node b"));
            PostgresStore.Stored sa = fromA.get(10, TimeUnit.SECONDS);
            PostgresStore.Stored sb = fromB.get(10, TimeUnit.SECONDS);
            assertEquals(sa, sb, "both nodes run the one imported document");
            assertEquals(1, sa.version());
            assertEquals(1, a.history(10).size());
            assertEquals("import", a.history(10).get(0).action());
        } finally {
            two.shutdownNow();
        }
        assertEquals(1, open().importIfEmpty(doc("later"), "node c").version(), "a later node imports nothing");
    }

    @Test
    void theHistoryKeepsTheLastVersionsOnly() throws Exception {
        PostgresStore a = open();
        PostgresStore.Stored base = a.importIfEmpty(doc("v: 0"), "import");
        for (int i = 1; i <= PostgresStore.HISTORY_KEPT + 5; i++) {
            String text = "v: " + i;
            base = a.write("\"" + base.hash() + "\"", "admin", "replace", stored -> doc(text));
        }
        List<PostgresStore.HistoryEntry> kept = a.history(1000);
        assertEquals(PostgresStore.HISTORY_KEPT, kept.size());
        assertEquals(base.version(), kept.get(0).version(), "the newest first");
    }

    @Test
    void ofTwoWritersWithOneIfMatchExactlyOneWins() throws Exception {
        PostgresStore a = open();
        PostgresStore b = open();
        PostgresStore.Stored base = a.importIfEmpty(doc("v: 1"), "import");
        String etag = "\"" + base.hash() + "\"";
        CountDownLatch both = new CountDownLatch(2);
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<Object> results = new CopyOnWriteArrayList<>();
        try {
            for (PostgresStore node : List.of(a, b)) {
                String mine = node == a ? "v: a" : "v: b";
                two.submit(() -> {
                    both.countDown();
                    both.await();
                    try {
                        results.add(node.write(etag, "admin", "replace", stored -> doc(mine)));
                    } catch (PostgresStore.Conflict e) {
                        results.add(e);
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 2);
        } finally {
            two.shutdownNow();
        }
        long wins =
                results.stream().filter(r -> r instanceof PostgresStore.Stored).count();
        assertEquals(1, wins, results.toString());
        PostgresStore.Stored won = (PostgresStore.Stored) results.stream()
                .filter(r -> r instanceof PostgresStore.Stored)
                .findFirst()
                .orElseThrow();
        PostgresStore.Stored now = a.read().orElseThrow();
        assertEquals(won.text(), now.text(), "the document is the winner's, whole");
        assertEquals(2, now.version());
        PostgresStore.Conflict lost = (PostgresStore.Conflict) results.stream()
                .filter(r -> r instanceof PostgresStore.Conflict)
                .findFirst()
                .orElseThrow();
        assertEquals(now.hash(), lost.current());
    }

    @Test
    void aRefusedEditWritesNothing() throws Exception {
        PostgresStore a = open();
        a.importIfEmpty(doc("v: 1"), "import");
        assertThrows(
                IllegalStateException.class,
                () -> a.write(null, "admin", "bad", base -> {
                    throw new IllegalStateException("invalid document");
                }));
        assertEquals(1, a.read().orElseThrow().version());
        assertEquals(1, a.history(10).size());
        PostgresStore.Stored same = a.write(null, "admin", "no-op", base -> doc("v: 1"));
        assertEquals(1, same.version(), "the same document is no new version");
    }

    @Test
    void historyKeepsEveryVersionWithWhoAndWhat() throws Exception {
        PostgresStore a = open();
        a.importIfEmpty(doc("v: 1"), "import of gateway.yml");
        a.write(null, "token:ops", "PUT /services/x", base -> doc("v: 2"));
        a.write(null, "token:ops", "rollback to version 1", base -> doc("v: 1"));
        List<PostgresStore.HistoryEntry> h = a.history(10);
        assertEquals(
                List.of(3L, 2L, 1L),
                h.stream().map(PostgresStore.HistoryEntry::version).toList());
        assertEquals("token:ops", h.get(1).by());
        assertEquals("PUT /services/x", h.get(1).action());
        assertEquals("v: 2", a.version(2).orElseThrow().text());
        assertTrue(a.version(9).isEmpty());
    }

    @Test
    void aWatcherSeesACommitWithinASecond() throws Exception {
        PostgresStore writer = open();
        PostgresStore.Stored first = writer.importIfEmpty(doc("v: 1"), "import");
        PostgresStore watcher = open();
        List<PostgresStore.Stored> seen = new CopyOnWriteArrayList<>();
        // A long safety-net period: what arrives within a second arrived by notification.
        watcher.watch(first, 60_000, (stored, reset) -> seen.add(stored));
        Thread.sleep(300); // the watcher's LISTEN is in place (waiting is what is under test below)
        long start = System.nanoTime();
        writer.write(null, "admin", "change", base -> doc("v: 2"));
        await().atMost(Duration.ofSeconds(1)).until(() -> !seen.isEmpty());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
        assertEquals(2, seen.get(0).version());
    }

    @Test
    void aWatcherWhoseConnectionDiedCatchesUp() throws Exception {
        PostgresStore writer = open();
        PostgresStore.Stored first = writer.importIfEmpty(doc("v: 1"), "import");
        PostgresStore watcher = open();
        List<PostgresStore.Stored> seen = new CopyOnWriteArrayList<>();
        watcher.watch(first, 60_000, (stored, reset) -> seen.add(stored));
        Thread.sleep(300);
        // The store drops the watcher's connection (a restart, a failover); a change lands meanwhile.
        db.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
        writer.write(null, "admin", "while away", base -> doc("v: 2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        assertEquals(2, seen.get(seen.size() - 1).version());
    }

    @Test
    void aLostNotificationIsCaughtByThePeriodicCheck() throws Exception {
        PostgresStore writer = open();
        PostgresStore.Stored first = writer.importIfEmpty(doc("v: 1"), "import");
        // A change committed without a notification (as if it were lost).
        try (var c = java.sql.DriverManager.getConnection(db.url());
                var s = c.createStatement()) {
            s.execute("UPDATE gateway_config SET version = 2, hash = 'h2', document = 'v: 2'");
        }
        PostgresStore watcher = open();
        List<PostgresStore.Stored> seen = new CopyOnWriteArrayList<>();
        watcher.watch(first, 200, (stored, reset) -> seen.add(stored));
        await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
        assertEquals("v: 2", seen.get(0).text());
    }

    @Test
    void anUnreachableStoreIsSaidQuicklyAndCleanly() {
        long start = System.nanoTime();
        Unavailable e = assertThrows(
                Unavailable.class,
                () -> PostgresStore.open(
                        ConnectionSource.url("jdbc:postgresql://127.0.0.1:1/gateway?user=u&password=secret"),
                        Thread::new));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
        assertTrue(!e.getMessage().contains("secret"), e.getMessage());
    }

    // Attacker review 310: a role that may create in public (anyone before PostgreSQL 15) planted
    // closer matches of the functions and operators the store calls with untyped or varchar
    // arguments; PostgreSQL picks the closer match whatever its schema, so they ran as the gateway.
    @Test
    void functionsAndOperatorsPlantedInPublicAreNeverCalled() throws Exception {
        String[] plant = {
            "CREATE FUNCTION public.convert_to(text, text) RETURNS bytea LANGUAGE sql AS $$ SELECT 'x'::bytea $$",
            "CREATE FUNCTION public.pg_notify(varchar, varchar) RETURNS void LANGUAGE plpgsql"
                    + " AS $$ BEGIN RAISE EXCEPTION 'planted pg_notify ran'; END $$",
            "CREATE FUNCTION public.planted_eq(text, varchar) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$",
            "CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = varchar, FUNCTION = public.planted_eq)",
        };
        String[] remove = {
            "DROP OPERATOR IF EXISTS public.= (text, varchar)",
            "DROP FUNCTION IF EXISTS public.planted_eq(text, varchar)",
            "DROP FUNCTION IF EXISTS public.pg_notify(varchar, varchar)",
            "DROP FUNCTION IF EXISTS public.convert_to(text, text)",
        };
        PostgresStore a = open(); // before: Flyway's own queries are not the store's to type
        try (var c = java.sql.DriverManager.getConnection(db.url());
                var st = c.createStatement()) {
            for (String sql : plant) {
                st.execute(sql);
            }
            try {
                PostgresStore.Stored first = a.importIfEmpty(doc("v: 1"), "import"); // notifies
                assertEquals(hash("v: 1"), first.hash(), "hashed by the built-in convert_to");
                assertEquals(
                        hash("v: 2"),
                        a.write(null, "admin", "change", base -> doc("v: 2")).hash());
                byte[] one = a.key("one", new byte[] {1});
                byte[] two = a.key("two", new byte[] {2});
                assertArrayEquals(new byte[] {2}, two, "each key by its own name");
                assertArrayEquals(new byte[] {1}, one);
            } finally {
                for (String sql : remove) {
                    st.execute(sql);
                }
            }
        }
    }

    @Test
    void aSchemaEveryRoleMayCreateInIsWarnedOf() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(PostgresStore.class.getName());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(h);
        try (var c = java.sql.DriverManager.getConnection(db.url());
                var st = c.createStatement()) {
            st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            open();
            assertTrue(warnings.stream().noneMatch(w -> w.contains("every role may create")), warnings.toString());
            st.execute("GRANT CREATE ON SCHEMA public TO PUBLIC"); // PostgreSQL 14's default
            try {
                open();
            } finally {
                st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            }
            assertTrue(
                    warnings.stream().anyMatch(w -> w.contains("REVOKE CREATE ON SCHEMA public FROM PUBLIC")),
                    warnings.toString());
        } finally {
            log.removeHandler(h);
        }
    }

    // Attacker review 310: a version check the store refused (a standby refusing LISTEN, a revoked
    // grant) was taken for a refused operation: no log, health UP, the node applying nothing more.
    @Test
    void aVersionCheckTheStoreRefusesIsSaidInHealth() throws Exception {
        PostgresStore writer = open();
        PostgresStore.Stored first = writer.importIfEmpty(doc("v: 1"), "import");
        PostgresStore watcher = open();
        assertTrue(watcher.available());
        try (var c = java.sql.DriverManager.getConnection(db.url());
                var st = c.createStatement()) {
            st.execute("ALTER TABLE gateway_config RENAME TO gateway_config_moved");
            try {
                watcher.watch(first, 200, (stored, reset) -> true);
                await().atMost(Duration.ofSeconds(10)).until(() -> !watcher.available());
                assertTrue(watcher.lastError().contains("the version check failed"), watcher.lastError());
            } finally {
                st.execute("ALTER TABLE gateway_config_moved RENAME TO gateway_config");
            }
        }
        await().atMost(Duration.ofSeconds(15)).until(watcher::available);
    }

    @Test
    void aStoreThatCannotBeOpenedSaysWhy() {
        Unavailable e = assertThrows(
                Unavailable.class,
                () -> PostgresStore.open(
                        ConnectionSource.url(db.url().replaceFirst("/[^/?]+(\\?|$)", "/no_such_database_here$1")),
                        Thread::new));
        assertTrue(e.getMessage().contains("no_such_database_here\" does not exist"), e.getMessage());
    }

    // Attacker reviews 310, 313: a pooled connection went back to its pool with autocommit off (a
    // write, the import's read) for the next user, if the pool did not reset it.
    @Test
    void aPooledConnectionGoesBackInAutocommit() throws Exception {
        List<Boolean> autocommit = new CopyOnWriteArrayList<>();
        javax.sql.DataSource pool = pool(real -> autocommit.add(real.getAutoCommit()));
        PostgresStore store = PostgresStore.open(ConnectionSource.dataSource("jdbc/test", pool), Thread::new);
        opened.add(store);
        store.importIfEmpty(doc("v: 1"), "import");
        store.write(null, "admin", "change", base -> doc("v: 2"));
        assertThrows(
                PostgresStore.Conflict.class, () -> store.write("\"nope\"", "admin", "change", base -> doc("v: 3")));
        assertTrue(autocommit.size() >= 3 && !autocommit.contains(false), autocommit.toString());
    }

    @Test
    void everyNodeGetsTheOneKey() throws Exception {
        byte[] one = open().key("redaction", new byte[] {1, 2, 3});
        byte[] two = open().key("redaction", new byte[] {9, 9, 9});
        assertArrayEquals(new byte[] {1, 2, 3}, one);
        assertArrayEquals(one, two);
    }

    @Test
    void aStoreThatWentBackIsInstalledAsAReset() throws Exception {
        PostgresStore writer = open();
        writer.importIfEmpty(doc("v: 1"), "import");
        PostgresStore.Stored second = writer.write(null, "admin", "change", base -> doc("v: 2"));
        PostgresStore watcher = open();
        List<Boolean> resets = new CopyOnWriteArrayList<>();
        List<PostgresStore.Stored> seen = new CopyOnWriteArrayList<>();
        watcher.watch(second, 200, (stored, reset) -> {
            seen.add(stored);
            resets.add(reset);
            return true;
        });
        // Restored from an older backup: the row's number is lower than what the nodes run.
        try (var c = java.sql.DriverManager.getConnection(db.url());
                var s = c.createStatement()) {
            s.execute("UPDATE gateway_config SET version = 1, hash = 'restored', document = 'v: restored'");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
        assertEquals("v: restored", seen.get(0).text());
        assertTrue(resets.get(0));
        // The next change numbers on from the history (version 2 is taken there), and is written.
        PostgresStore.Stored after = writer.write(null, "admin", "change", base -> doc("v: 3"));
        assertEquals(3, after.version(), "after the history's newest");
        assertEquals("v: 3", writer.read().orElseThrow().text());
    }

    @Test
    void aWriteAnswersWithWhatItWroteAndARowHeldTooLongIsNotAnOutage() throws Exception {
        PostgresStore a = open();
        a.importIfEmpty(doc("v: 1"), "import");
        PostgresStore.Stored wrote = a.write(null, "admin", "change", base -> doc("v: 2"));
        assertEquals(2, wrote.version());
        assertEquals("v: 2", wrote.text());
        try (var held = java.sql.DriverManager.getConnection(db.url())) {
            held.setAutoCommit(false);
            try (var s = held.createStatement()) {
                s.execute("SELECT * FROM gateway_config FOR UPDATE");
            }
            Unavailable busy =
                    assertThrows(Unavailable.class, () -> a.write(null, "admin", "blocked", base -> doc("v: 3")));
            assertTrue(busy.getMessage().contains("refused"), busy.getMessage());
            assertTrue(a.available(), "a lock held elsewhere is not the store being down");
            held.rollback();
        }
    }

    @Test
    void aReImportAfterTheRowWasDeletedGoesOnNumbering() throws Exception {
        PostgresStore a = open();
        a.importIfEmpty(doc("v: 1"), "import");
        a.write(null, "admin", "change", base -> doc("v: 2"));
        try (var c = java.sql.DriverManager.getConnection(db.url());
                var s = c.createStatement()) {
            s.execute("DELETE FROM gateway_config");
        }
        assertEquals(3, a.importIfEmpty(doc("v: again"), "re-import").version());
    }
}
