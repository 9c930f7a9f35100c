package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the key-auth, basic-auth and acl credentials of a file become: nested and top-level ones
 * on their consumer, keys generated where none is given, ttl as an expiry, passwords only as
 * hashes (PBKDF2 for clear ones, Kong's own for a {@code _transform: false} export).
 */
class AuthCredentialsTest {

    private final KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());

    private GatewayConfig load(String name) throws Exception {
        return parser.load(Path.of(AuthCredentialsTest.class
                .getResource("/kong-files/loads/" + name)
                .toURI()));
    }

    private static ConsumerSpec consumer(GatewayConfig config, String reference) {
        return config.consumers().stream()
                .filter(c -> reference.equals(c.reference()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void nestedAndTopLevelCredentialsLandOnTheirConsumer() throws Exception {
        GatewayConfig config = load("auth-credentials.yml");
        ConsumerSpec alice = consumer(config, "alice");
        assertEquals(3, alice.keyAuths().size());
        assertEquals(
                "9a8b7c6d-0000-4000-8000-000000000001", alice.keyAuths().get(0).id());
        assertEquals(Long.MAX_VALUE, alice.keyAuths().get(0).expiresAtMillis());
        assertEquals(1_700_086_400L * 1000, alice.keyAuths().get(1).expiresAtMillis(), "ttl: when it expires");
        assertEquals(
                List.of("alice", "alice-admin"),
                alice.basicAuths().stream()
                        .map(ConsumerSpec.BasicAuth::username)
                        .toList());
        assertEquals(List.of("ops", "dev"), alice.groups());
        ConsumerSpec batch = consumer(config, "batch-job");
        assertEquals("batch-key", batch.keyAuths().get(0).key());
        assertEquals(List.of("ops"), batch.groups());
        assertEquals(List.of("guests", "visitors"), consumer(config, "guest").groups(), "named by id");
    }

    @Test
    void aCredentialWithoutKeyGetsARandom32CharacterKey() throws Exception {
        String first = consumer(load("auth-credentials.yml"), "alice")
                .keyAuths()
                .get(2)
                .key();
        String second = consumer(load("auth-credentials.yml"), "alice")
                .keyAuths()
                .get(2)
                .key();
        assertTrue(first.matches("[A-Za-z0-9]{32}"), first);
        assertNotEquals(first, second);
        for (int i = 0; i < 200; i++) {
            assertTrue(ConsumerParser.randomKey().matches("[A-Za-z0-9]{32}"));
        }
    }

    // Helper review 203: DB-less Kong reads a declarative ttl as the time the key expires (its
    // process_ttl_field: ttl - ngx.time() left, else not found), as kong config db_export writes it;
    // a Kong export's ttl was refused here (at most 100,000,000), and a small one read as seconds.
    @Test
    void aTtlIsWhenTheKeyExpires() throws Exception {
        long inAnHour = System.currentTimeMillis() / 1000 + 3600;
        GatewayConfig config = parser.parse("t.yml", """
                _format_version: "3.0"
                consumers: [{username: u, keyauth_credentials: [{key: k, ttl: %d}, {key: old, ttl: 60}, {key: z, ttl: 0}]}]
                """.formatted(inAnHour));
        List<ConsumerSpec.KeyAuth> keys = config.consumers().get(0).keyAuths();
        assertEquals(inAnHour * 1000, keys.get(0).expiresAtMillis());
        assertEquals(60_000, keys.get(1).expiresAtMillis(), "60 s after the epoch: expired, as on Kong");
        assertEquals(0, keys.get(2).expiresAtMillis(), "0 is expired too, as on Kong; no ttl is none");
        // A ttl earlier than its own created_at is the older relative form (this gateway's admin API
        // wrote it so): it counts from created_at, so an upgrade does not expire such keys.
        GatewayConfig relative = parser.parse("t.yml", """
                _format_version: "3.0"
                consumers: [{username: u, keyauth_credentials: [{key: k, ttl: 3600, created_at: 1700000000}]}]
                """);
        assertEquals(
                1_700_003_600_000L,
                relative.consumers().get(0).keyAuths().get(0).expiresAtMillis());
    }

    @Test
    void clearPasswordsAreKeptOnlyAsSaltedHashes() throws Exception {
        GatewayConfig config = load("auth-credentials.yml");
        ConsumerSpec.BasicAuth alice = consumer(config, "alice").basicAuths().get(0);
        ConsumerSpec.BasicAuth admin = consumer(config, "alice").basicAuths().get(1);
        assertTrue(alice.password().matches("correct horse battery staple"));
        assertFalse(alice.password().matches("correct horse battery staple "));
        assertTrue(admin.password().matches("s3cret: with colon"));
        String printed = config.consumers().toString();
        assertFalse(printed.contains("correct horse"), printed);
        assertFalse(printed.contains("alice-key-1"), "keys are never printed either: " + printed);
        PasswordHash again = PasswordHash.of("same");
        PasswordHash other = PasswordHash.of("same");
        assertTrue(again.matches("same") && other.matches("same"));
        assertEquals("PasswordHash[pbkdf2]", again.toString());
    }

    @Test
    void kongsOwnHashesAreCheckedWithTheConsumersId() throws Exception {
        ConsumerSpec bob = consumer(load("kong-hashed-basic-auth.yml"), "bob");
        PasswordHash hash = bob.basicAuths().get(0).password();
        assertTrue(hash.matches("kong"));
        assertFalse(hash.matches("kong2"));
        assertFalse(hash.matches("17a11c723ed2a13da72e6d20304272bec2db6bfd"), "the hash is no password");
        assertEquals("PasswordHash[kong-sha1]", hash.toString());
    }

    @Test
    void credentialSecretsAreSecretFields() throws Exception {
        var fields = parser.secretFields("t.yml", """
                _format_version: "3.0"
                consumers:
                  - username: u
                    keyauth_credentials: [{key: k1}]
                    basicauth_credentials: [{username: u, password: p1}]
                    acls: [{group: g}]
                keyauth_credentials: [{consumer: u, key: k2}]
                basicauth_credentials: [{consumer: u, username: v, password: p2}]
                """);
        assertTrue(
                fields.containsAll(List.of(
                        "consumers[0].keyauth_credentials[0].key",
                        "consumers[0].basicauth_credentials[0].password",
                        "keyauth_credentials[0].key",
                        "basicauth_credentials[0].password")),
                fields.toString());
        assertFalse(fields.stream().anyMatch(f -> f.contains("acls") || f.endsWith("username")), fields.toString());
    }

    @Test
    void aKeyMayComeFromAVaultReference() throws Exception {
        GatewayConfig config =
                new KongConfigParser(PluginRegistry.builtIn(), name -> "from-env-" + name).parse("t.yml", """
                        _format_version: "3.0"
                        consumers: [{username: u, keyauth_credentials: [{key: "{vault://env/api-key}"}]}]
                        """);
        assertEquals(
                "from-env-API_KEY", config.consumers().get(0).keyAuths().get(0).key());
        assertNull(config.consumers().get(0).keyAuths().get(0).id());
    }
}
