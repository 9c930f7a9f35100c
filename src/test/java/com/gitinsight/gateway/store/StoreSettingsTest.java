package com.gitinsight.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {

    @Test
    void fileByDefault() {
        assertEquals(
                StoreSettings.Kind.FILE, StoreSettings.parse(null, n -> null).kind());
        assertEquals(
                StoreSettings.Kind.FILE, StoreSettings.parse("file", n -> null).kind());
    }

    @Test
    void aJdbcUrlWithItsSecretFromTheEnvironment() {
        StoreSettings s = StoreSettings.parse(
                "jdbc:postgresql://db:5432/gw?user=gw&password={vault://env/gateway-db-password}",
                Map.of("GATEWAY_DB_PASSWORD", "p@ss&word")::get);
        assertEquals("jdbc:postgresql://db:5432/gw?user=gw&password=p%40ss%26word", s.url());
        assertTrue(!s.toString().contains("p%40ss"), s.toString());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> StoreSettings.parse("jdbc:postgresql://db/gw?password={vault://env/MISSING}", n -> null))
                .getMessage()
                .contains("MISSING"));
    }

    @Test
    void jndiAndNonsense() {
        assertEquals(
                "jdbc/gateway",
                StoreSettings.parse("jndi:jdbc/gateway", n -> null).jndiName());
        assertThrows(IllegalArgumentException.class, () -> StoreSettings.parse("mysql://x", n -> null));
    }
}
