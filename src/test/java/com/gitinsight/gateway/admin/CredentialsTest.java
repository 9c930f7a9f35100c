package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.ConsumerSpec;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AdminIdentity ALICE = new AdminIdentity("alice", "token", "127.0.0.1");
    private static final Pattern TOKEN = Pattern.compile("\\{redacted:[0-9a-f]{32}}");
    private static final String KEY_ID = "6f1c0000-0000-4000-8000-000000000001";
    /** erin's credentials nested in her, frank's top-level naming him. */
    private static final String FILE = """
            _format_version: "3.0"
            consumers:
              - username: erin
                jwt_secrets: [{key: erin-jwt, secret: erin-jwt-secret-value}]
                keyauth_credentials: [{id: 6f1c0000-0000-4000-8000-000000000001, key: erin-api-key-value}]
                basicauth_credentials: [{username: erin, password: erin-password-value}]
                hmacauth_credentials: [{username: erin-hmac, secret: erin-hmac-secret-value}]
                acls: [{group: ops}]
              - username: frank
                id: 7a2d0000-0000-4000-8000-000000000002
              - username: gina
            keyauth_credentials:
              - {key: frank-api-key-value, consumer: frank}
            basicauth_credentials:
              - {username: frank, password: frank-password-value, consumer: {username: frank}}
            hmacauth_credentials:
              - {username: frank-hmac, secret: frank-hmac-secret-value, consumer: frank}
            acls:
              - {group: dev, consumer: 7a2d0000-0000-4000-8000-000000000002}
            jwt_secrets:
              - {key: frank-jwt, secret: frank-jwt-secret-value, consumer: frank}
            """;

    private static final List<String> SECRETS = List.of(
            "erin-jwt-secret-value",
            "erin-api-key-value",
            "erin-password-value",
            "erin-hmac-secret-value",
            "frank-api-key-value",
            "frank-hmac-secret-value",
            "frank-password-value",
            "frank-jwt-secret-value");

    private final KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void file() throws Exception {
        file = dir.resolve("gateway.yml");
        Files.writeString(file, FILE);
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Credentials of(String text) throws AdminException {
        return new Credentials(DeclarativeDocument.parse(text));
    }

    /** A credential edit as ConfigAdmin.edit makes it: on the file's text, validated as a load, written. */
    private GatewayConfig edit(ConfigAdmin.DocumentEdit edit) throws AdminException {
        return Writers.of(file, 5)
                .write(null, ALICE, "test", base -> {
                    DeclarativeDocument doc = DeclarativeDocument.parse(base);
                    edit.apply(doc);
                    return doc.toYaml();
                })
                .config();
    }

    /** The document reads show: the running file redacted. */
    private Credentials redacted() throws Exception {
        return new Credentials(DeclarativeDocument.of(Writers.redaction(file).tree(Files.readString(file))));
    }

    private List<ObjectNode> views(Credentials c, Credentials.Kind kind, String consumer) throws AdminException {
        return c.list(kind, consumer).stream()
                .map(x -> {
                    try {
                        return c.view(kind, consumer, x);
                    } catch (AdminException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private ConsumerSpec consumer(GatewayConfig config, String username) {
        return config.consumers().stream()
                .filter(c -> username.equals(c.username()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void nestedAndTopLevelCredentialsAreBothFound() throws Exception {
        Credentials c = of(FILE);
        for (Credentials.Kind kind : Credentials.Kind.values()) {
            assertEquals(1, c.list(kind, "erin").size(), kind + " of erin");
            assertFalse(c.list(kind, "erin").get(0).topLevel());
            assertEquals(1, c.list(kind, "frank").size(), kind + " of frank");
            assertTrue(c.list(kind, "frank").get(0).topLevel());
            assertEquals(List.of(), c.list(kind, "gina"));
        }
        // frank by his id as well as his username; a top-level acl naming him by id is his.
        assertEquals(
                1,
                c.list(Credentials.Kind.ACLS, "7a2d0000-0000-4000-8000-000000000002")
                        .size());
        assertEquals(0, c.indexOf(Credentials.Kind.KEY_AUTH, "erin", KEY_ID));
        assertEquals(0, c.indexOf(Credentials.Kind.KEY_AUTH, "erin", "erin-api-key-value"));
        assertEquals(0, c.indexOf(Credentials.Kind.BASIC_AUTH, "frank", "frank"));
        assertEquals(0, c.indexOf(Credentials.Kind.ACLS, "frank", "dev"));
        assertEquals(0, c.indexOf(Credentials.Kind.JWT, "frank", "frank-jwt"));
    }

    @Test
    void anUnknownConsumerOrCredentialIs404() throws Exception {
        Credentials c = of(FILE);
        assertEquals(404, assertThrows(AdminException.class, () -> c.list(Credentials.Kind.ACLS, "nobody")).status);
        assertEquals(
                404,
                assertThrows(AdminException.class, () -> c.indexOf(Credentials.Kind.ACLS, "erin", "dev")).status,
                "frank's group is not erin's");
        assertEquals(
                404,
                assertThrows(
                                AdminException.class,
                                () -> edit(doc -> new Credentials(doc)
                                        .add(Credentials.Kind.ACLS, "nobody", json("{\"group\":\"x\"}"))
                                        .path()))
                        .status);
        assertEquals(
                404,
                assertThrows(
                                AdminException.class,
                                () -> edit(doc -> {
                                    new Credentials(doc).delete(Credentials.Kind.JWT, "erin", "frank-jwt");
                                    return null;
                                }))
                        .status);
        assertEquals(FILE, Files.readString(file), "nothing written");
    }

    @Test
    void noSecretIsEverInAView() throws Exception {
        Credentials c = redacted();
        for (Credentials.Kind kind : Credentials.Kind.values()) {
            for (String consumer : List.of("erin", "frank")) {
                String shown = views(c, kind, consumer).toString();
                for (String secret : SECRETS) {
                    assertFalse(shown.contains(secret), secret + " shows in " + shown);
                }
            }
        }
        ObjectNode key = views(c, Credentials.Kind.KEY_AUTH, "erin").get(0);
        assertTrue(TOKEN.matcher(key.path("key").asText()).matches(), key.toString());
        assertEquals(KEY_ID, key.path("id").asText());
        assertEquals("erin", key.path("consumer").path("username").asText());
        ObjectNode basic = views(c, Credentials.Kind.BASIC_AUTH, "frank").get(0);
        assertTrue(TOKEN.matcher(basic.path("password").asText()).matches(), basic.toString());
        assertEquals(
                "7a2d0000-0000-4000-8000-000000000002",
                basic.path("consumer").path("id").asText());
        ObjectNode jwt = views(c, Credentials.Kind.JWT, "frank").get(0);
        assertTrue(TOKEN.matcher(jwt.path("secret").asText()).matches(), jwt.toString());
        assertEquals("frank-jwt", jwt.path("key").asText());
    }

    @Test
    void eachKindIsAddedListedAndDeleted() throws Exception {
        record Case(Credentials.Kind kind, String body, String name) {}
        List<Case> cases = List.of(
                new Case(
                        Credentials.Kind.KEY_AUTH,
                        "{\"key\":\"gina-api-key-value\",\"ttl\":60,\"tags\":[\"t\"]}",
                        null),
                new Case(Credentials.Kind.BASIC_AUTH, "{\"username\":\"gina\",\"password\":\"gina-pw-value\"}", "gina"),
                new Case(Credentials.Kind.ACLS, "{\"group\":\"ops\"}", "ops"),
                new Case(
                        Credentials.Kind.JWT,
                        "{\"key\":\"gina-jwt\",\"algorithm\":\"HS256\",\"secret\":\"gina-jwt-secret-value\"}",
                        "gina-jwt"));
        for (Case k : cases) {
            String[] id = new String[1];
            edit(doc -> {
                Credentials.Added added = new Credentials(doc).add(k.kind(), "gina", json(k.body()));
                id[0] = added.id();
                return added.path();
            });
            Credentials c = redacted();
            List<ObjectNode> shown = views(c, k.kind(), "gina");
            assertEquals(1, shown.size(), k.kind().toString());
            assertEquals(id[0], shown.get(0).path("id").asText(), "an id is given");
            assertFalse(shown.toString().contains("-value"), shown.toString());
            String name = k.name() != null ? k.name() : id[0];
            assertEquals(0, c.indexOf(k.kind(), "gina", name));
            assertTrue(
                    c.list(k.kind(), "gina").get(0).topLevel(), "gina has none nested, the file keeps them top-level");
            edit(doc -> {
                new Credentials(doc).delete(k.kind(), "gina", name);
                return null;
            });
            assertEquals(List.of(), of(Files.readString(file)).list(k.kind(), "gina"));
        }
    }

    @Test
    void anAddedCredentialWorksInTheLoadedConfiguration() throws Exception {
        GatewayConfig config = edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.KEY_AUTH, "gina", json("{\"key\":\"gina-api-key-value\"}"))
                .path());
        assertEquals(
                "gina-api-key-value", consumer(config, "gina").keyAuths().get(0).key());
        config = edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.ACLS, "gina", json("{\"group\":\"readers\"}"))
                .path());
        assertEquals(List.of("readers"), consumer(config, "gina").groups());
    }

    // Kong's admin API takes a key-auth ttl as seconds from now; the file holds when it expires,
    // as DB-less Kong reads a declarative ttl (helper review 203).
    @Test
    void anAddedKeysTtlIsWrittenAsWhenItExpires() throws Exception {
        long before = System.currentTimeMillis();
        GatewayConfig config = edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.KEY_AUTH, "gina", json("{\"key\":\"gina-ttl-key\",\"ttl\":3600}"))
                .path());
        long expires = consumer(config, "gina").keyAuths().get(0).expiresAtMillis();
        assertTrue(
                expires >= before / 1000 * 1000 + 3_600_000 && expires <= System.currentTimeMillis() + 3_600_000,
                "" + expires);
        // Shown as Kong's admin API shows it: the seconds left, not the epoch.
        long shown = views(redacted(), Credentials.Kind.KEY_AUTH, "gina")
                .get(0)
                .path("ttl")
                .asLong();
        assertTrue(shown > 3590 && shown <= 3600, "" + shown);
        // 0 is no expiry, as Kong's DAO reads it; what Kong's DAO refuses is refused.
        GatewayConfig none = edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.KEY_AUTH, "gina", json("{\"key\":\"gina-ttl-0\",\"ttl\":0}"))
                .path());
        assertTrue(consumer(none, "gina").keyAuths().stream()
                .anyMatch(k -> k.key().equals("gina-ttl-0") && k.expiresAtMillis() == Long.MAX_VALUE));
        for (String bad : List.of("-5", "3600.5", "100000001", "\"3600\"")) {
            AdminException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    AdminException.class,
                    () -> edit(doc -> new Credentials(doc)
                            .add(
                                    Credentials.Kind.KEY_AUTH,
                                    "gina",
                                    json("{\"key\":\"k-" + bad.hashCode() + "\",\"ttl\":" + bad + "}"))
                            .path()),
                    bad);
            assertTrue(refused.getMessage().contains("between 0 and 100000000"), refused.getMessage());
        }
    }

    @Test
    void aKeyAuthCredentialWithoutAKeyGetsOneWrittenInTheFile() throws Exception {
        GatewayConfig config = edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.KEY_AUTH, "gina", json("{}"))
                .path());
        String key = consumer(config, "gina").keyAuths().get(0).key();
        assertEquals(32, key.length());
        assertTrue(Files.readString(file).contains(key), "written, so it stays the same across loads");
        assertEquals(
                key,
                consumer(parser.parse("x.yml", Files.readString(file)), "gina")
                        .keyAuths()
                        .get(0)
                        .key());
    }

    @Test
    void aNewCredentialIsStampedAndAJwtCredentialWithoutAKeyGetsOne() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        GatewayConfig config = edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.JWT, "gina", json("{\"secret\":\"gina-jwt-secret-value\"}"))
                .path());
        String key = consumer(config, "gina").jwtSecrets().get(0).key();
        assertEquals(32, key.length());
        ObjectNode shown = views(redacted(), Credentials.Kind.JWT, "gina").get(0);
        assertEquals(key, shown.path("key").asText(), "written: the same across loads");
        assertTrue(shown.path("created_at").asLong() >= before, shown.toString());
    }

    @Test
    void aCredentialIsAddedWhereTheFileKeepsThatKind() throws Exception {
        // frank's are top-level: a new one for him goes nested (he has none nested), unless the file keeps the kind
        // top-level.
        edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.ACLS, "frank", json("{\"group\":\"qa\"}"))
                .path());
        Credentials c = of(Files.readString(file));
        assertEquals(2, c.list(Credentials.Kind.ACLS, "frank").size());
        assertTrue(c.list(Credentials.Kind.ACLS, "frank").get(1).topLevel(), "the file keeps acls top-level");
        edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.ACLS, "erin", json("{\"group\":\"qa\"}"))
                .path());
        c = of(Files.readString(file));
        assertFalse(c.list(Credentials.Kind.ACLS, "erin").get(1).topLevel(), "erin's are nested");
    }

    @Test
    void duplicatesAreRefusedWith409AndAKeyIsNeverNamed() throws Exception {
        AdminException key = assertThrows(
                AdminException.class,
                () -> edit(doc -> new Credentials(doc)
                        .add(Credentials.Kind.KEY_AUTH, "gina", json("{\"key\":\"frank-api-key-value\"}"))
                        .path()));
        assertEquals(409, key.status);
        assertFalse(key.getMessage().contains("frank-api-key-value"), key.getMessage());
        assertEquals(
                409,
                assertThrows(
                                AdminException.class,
                                () -> edit(doc -> new Credentials(doc)
                                        .add(
                                                Credentials.Kind.BASIC_AUTH,
                                                "gina",
                                                json("{\"username\":\"erin\",\"password\":\"p\"}"))
                                        .path()))
                        .status);
        assertEquals(
                409,
                assertThrows(
                                AdminException.class,
                                () -> edit(doc -> new Credentials(doc)
                                        .add(
                                                Credentials.Kind.JWT,
                                                "gina",
                                                json("{\"key\":\"erin-jwt\",\"secret\":\"s\"}"))
                                        .path()))
                        .status);
        assertEquals(
                409,
                assertThrows(
                                AdminException.class,
                                () -> edit(doc -> new Credentials(doc)
                                        .add(Credentials.Kind.ACLS, "frank", json("{\"group\":\"dev\"}"))
                                        .path()))
                        .status);
        assertEquals(
                409,
                assertThrows(
                                AdminException.class,
                                () -> edit(doc -> new Credentials(doc)
                                        .add(Credentials.Kind.KEY_AUTH, "gina", json("{\"id\":\"" + KEY_ID + "\"}"))
                                        .path()))
                        .status);
        // A group is unique per consumer: gina may have erin's.
        edit(doc -> new Credentials(doc)
                .add(Credentials.Kind.ACLS, "gina", json("{\"group\":\"ops\"}"))
                .path());
        assertEquals(
                1,
                of(Files.readString(file)).list(Credentials.Kind.ACLS, "gina").size());
    }

    @Test
    void invalidInputIsTheLoadsError() throws Exception {
        AdminException e = assertThrows(
                AdminException.class,
                () -> edit(doc -> new Credentials(doc)
                        .add(Credentials.Kind.JWT, "gina", json("{\"key\":\"k\",\"algorithm\":\"XX1\"}"))
                        .path()));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("algorithm"), e.getMessage());
        e = assertThrows(
                AdminException.class,
                () -> edit(doc -> new Credentials(doc)
                        .add(Credentials.Kind.ACLS, "gina", json("{\"group\":\"a,b\"}"))
                        .path()));
        assertEquals(400, e.status);
        e = assertThrows(
                AdminException.class,
                () -> edit(doc -> new Credentials(doc)
                        .add(Credentials.Kind.BASIC_AUTH, "gina", json("{\"username\":\"gina\"}"))
                        .path()));
        assertEquals(400, e.status, "a password is required");
        assertEquals(FILE, Files.readString(file));
    }

    @Test
    void deletingAKeyAuthCredentialByItsKeyKeepsTheOthers() throws Exception {
        edit(doc -> {
            new Credentials(doc).delete(Credentials.Kind.KEY_AUTH, "frank", "frank-api-key-value");
            return null;
        });
        Credentials c = of(Files.readString(file));
        assertEquals(List.of(), c.list(Credentials.Kind.KEY_AUTH, "frank"));
        assertEquals(1, c.list(Credentials.Kind.KEY_AUTH, "erin").size());
        assertNotEquals(FILE, Files.readString(file));
    }
}
