package com.gitinsight.gateway.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh PostgreSQL database for one test class: on the PostgreSQL at 127.0.0.1:5432 when one runs
 * there (this machine's and CI's), else on an embedded one (io.zonky's binaries, started for the
 * test), so the test command passes on a machine without PostgreSQL. Dropped at close.
 */
public final class TestDatabase implements AutoCloseable {

    private static final String LOCAL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private final String adminUrl;
    private final String name;
    private final EmbeddedPostgres embedded;

    private TestDatabase(String adminUrl, String name, EmbeddedPostgres embedded) {
        this.adminUrl = adminUrl;
        this.name = name;
        this.embedded = embedded;
    }

    public static TestDatabase create() throws SQLException, IOException {
        String name = "gw_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        EmbeddedPostgres embedded = null;
        String admin = LOCAL;
        // GATEWAY_TEST_PG_EMBEDDED=1 tries the fallback a machine without PostgreSQL takes.
        if ("1".equals(System.getenv("GATEWAY_TEST_PG_EMBEDDED")) || !reachable(LOCAL)) {
            embedded = EmbeddedPostgres.builder().start();
            admin = embedded.getJdbcUrl("postgres", "postgres");
        }
        try (Connection c = DriverManager.getConnection(admin, quick());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new TestDatabase(admin, name, embedded);
    }

    private static boolean reachable(String url) {
        try (Connection c = DriverManager.getConnection(url, quick())) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static Properties quick() {
        Properties p = new Properties();
        p.setProperty("connectTimeout", "2");
        return p;
    }

    /** The test database's JDBC URL (user in the query, as the gateway's setting takes it). */
    public String url() {
        int q = adminUrl.indexOf('?');
        String base = adminUrl.substring(0, adminUrl.lastIndexOf('/', q < 0 ? adminUrl.length() : q) + 1);
        return base + name + (q < 0 ? "" : adminUrl.substring(q));
    }

    /** Whether this is the embedded PostgreSQL (a machine without one). */
    public boolean embedded() {
        return embedded != null;
    }

    /** Runs {@code sql} as the administrator (to kill a connection, say). */
    public void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl, quick());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
