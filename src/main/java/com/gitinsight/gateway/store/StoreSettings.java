package com.gitinsight.gateway.store;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gateway.config.store} ({@code GATEWAY_CONFIG_STORE}): {@code file} (the default: the
 * declarative file at {@code gateway.config}, watched), a PostgreSQL JDBC URL
 * ({@code jdbc:postgresql://host:5432/db?user=gateway&password={vault://env/GATEWAY_DB_PASSWORD}};
 * a {@code {vault://env/NAME}} anywhere in it is the environment variable, as in the Kong file), or
 * {@code jndi:<name>}, the server's own data source ({@code jndi:jdbc/gateway}).
 */
public record StoreSettings(Kind kind, String url, String jndiName) {

    public enum Kind {
        FILE,
        JDBC,
        JNDI
    }

    private static final Pattern VAULT = Pattern.compile("\\{vault://env/([A-Za-z0-9_-]+)}");

    public static StoreSettings file() {
        return new StoreSettings(Kind.FILE, null, null);
    }

    /** Reads the setting; {@code env} looks up a vault reference's variable. */
    public static StoreSettings parse(String value, UnaryOperator<String> env) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty() || v.equals("file")) {
            return file();
        }
        if (v.startsWith("jndi:")) {
            String name = v.substring("jndi:".length());
            if (name.isBlank()) {
                throw new IllegalArgumentException(
                        "gateway.config.store: jndi: needs a data source name (jndi:jdbc/gateway)");
            }
            return new StoreSettings(Kind.JNDI, null, name);
        }
        if (v.startsWith("jdbc:postgresql:")) {
            Matcher m = VAULT.matcher(v);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String variable = m.group(1).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
                String resolved = env.apply(variable);
                if (resolved == null) {
                    throw new IllegalArgumentException("gateway.config.store: environment variable " + variable
                            + " is not set (referenced as " + m.group() + ")");
                }
                m.appendReplacement(
                        out,
                        Matcher.quoteReplacement(
                                java.net.URLEncoder.encode(resolved, java.nio.charset.StandardCharsets.UTF_8)));
            }
            m.appendTail(out);
            return new StoreSettings(Kind.JDBC, out.toString(), null);
        }
        throw new IllegalArgumentException(
                "gateway.config.store: expected file, a jdbc:postgresql: URL or jndi:<name>; got "
                        + ConnectionSource.redacted(v));
    }

    /** Where connections come from (not for {@code file}). */
    public ConnectionSource connections() {
        return switch (kind) {
            case JDBC -> ConnectionSource.url(url);
            case JNDI -> {
                try {
                    javax.sql.DataSource ds = (javax.sql.DataSource) new javax.naming.InitialContext().lookup(jndiName);
                    yield ConnectionSource.dataSource(jndiName, ds);
                } catch (javax.naming.NamingException e) {
                    throw new IllegalArgumentException(
                            "gateway.config.store: no data source named " + jndiName + ": " + e.getMessage(), e);
                }
            }
            case FILE -> throw new IllegalStateException("a file store has no connections");
        };
    }

    /** No password, for logs. */
    @Override
    public String toString() {
        return switch (kind) {
            case FILE -> "file";
            case JDBC -> ConnectionSource.redacted(url);
            case JNDI -> "jndi:" + jndiName;
        };
    }
}
