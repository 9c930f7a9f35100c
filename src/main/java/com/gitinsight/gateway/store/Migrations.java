package com.gitinsight.gateway.store;

import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The store's tables, made and upgraded by Flyway from the versioned scripts in
 * {@code db/gateway/} ({@code V1__config_store.sql}, ...), recorded in its own history table
 * ({@code gateway_schema_history}) so the store may share a database with other applications.
 * Two nodes starting at once do not both migrate: Flyway locks the database while it works.
 */
final class Migrations {

    static final String LOCATION = "classpath:db/gateway";

    private Migrations() {}

    static void migrate(ConnectionSource connections) throws SQLException {
        FluentConfiguration config = Flyway.configure(Migrations.class.getClassLoader())
                .locations(LOCATION)
                .table("gateway_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .connectRetries(0)
                .failOnMissingLocations(true);
        config = connections.dataSource() != null
                ? config.dataSource(connections.dataSource())
                : config.dataSource(connections.url(), null, null).jdbcProperties(ConnectionSource.settings());
        try {
            Flyway flyway = config.load();
            flyway.migrate();
            // A WAR whose scripts were not found migrates nothing "successfully": say so instead.
            if (flyway.info().current() == null) {
                throw new SQLException("the store's migrations were not found in " + LOCATION);
            }
        } catch (FlywayException e) {
            throw new SQLException(
                    "migrating the store's tables failed: " + ConnectionSource.redacted(String.valueOf(e.getMessage())),
                    "08000");
        }
    }
}
