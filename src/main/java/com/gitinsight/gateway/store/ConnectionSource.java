package com.gitinsight.gateway.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Where the store's connections come from: a JDBC URL (through the PostgreSQL driver in the WAR) or
 * the server's own data source. Connections are short-lived (an admin write, a read), but for the
 * one a node listens on; each waits at most a few seconds to connect, so an unreachable store is
 * reported, not waited for.
 */
public abstract class ConnectionSource {

    private static final int CONNECT_SECONDS = 3;
    static final int READ_SECONDS = 10;

    abstract Connection connect() throws SQLException;

    /** A connection for LISTEN: no read timeout (it waits for notifications). */
    abstract Connection connectForListening() throws SQLException;

    /** Where, for logs and health: never a password. */
    public abstract String describe();

    /** A JDBC URL such as {@code jdbc:postgresql://127.0.0.1:5432/gateway?user=gateway}. */
    public static ConnectionSource url(String url) {
        return new ConnectionSource() {
            @Override
            Connection connect() throws SQLException {
                return DriverManager.getConnection(url, timeouts(READ_SECONDS));
            }

            @Override
            Connection connectForListening() throws SQLException {
                // A read timeout here too: pgjdbc's notification poll sets its own, and a store that
                // hangs (a partition, a frozen VM) must fail the version check, not block it for good.
                return DriverManager.getConnection(url, timeouts(READ_SECONDS));
            }

            @Override
            public String describe() {
                return redacted(url);
            }

            @Override
            String url() {
                return url;
            }
        };
    }

    /** The server's data source (JNDI), as the server configures it. */
    public static ConnectionSource dataSource(String name, DataSource dataSource) {
        return new ConnectionSource() {
            @Override
            Connection connect() throws SQLException {
                Connection c = dataSource.getConnection();
                try {
                    c.setAutoCommit(true);
                } catch (SQLException | RuntimeException e) {
                    c.close(); // a dead pooled connection: not leaked (attacker review 310)
                    throw e;
                }
                return c;
            }

            @Override
            Connection connectForListening() throws SQLException {
                return connect(); // the watcher sets its read timeout, and puts the pool's back
            }

            @Override
            public String describe() {
                return "jndi:" + name;
            }

            @Override
            DataSource dataSource() {
                return dataSource;
            }
        };
    }

    /** The JDBC URL, or null for a data source. */
    String url() {
        return null;
    }

    /** The data source, or null for a URL. */
    DataSource dataSource() {
        return null;
    }

    /** The driver settings every connection of a URL gets (Flyway's too). */
    static java.util.Map<String, String> settings() {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        timeouts(READ_SECONDS).forEach((k, v) -> out.put(k.toString(), v.toString()));
        return out;
    }

    private static Properties timeouts(int readSeconds) {
        Properties p = new Properties();
        // Used unless the URL sets them; the driver's defaults wait much longer for an unreachable host.
        p.setProperty("connectTimeout", Integer.toString(CONNECT_SECONDS));
        p.setProperty("loginTimeout", Integer.toString(CONNECT_SECONDS));
        p.setProperty("socketTimeout", Integer.toString(readSeconds));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "gitinsight-gateway");
        return p;
    }

    /** The URL without its query's password and without user info. */
    static String redacted(String url) {
        String out = url.replaceAll("(?i)(password=)[^&]*", "$1***");
        return out.replaceAll("//[^/@]*@", "//");
    }
}
