package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How POST /config reads its body: every shape Kong's DB-less endpoint takes (helper review 123). */
class ConfigResourceTest {

    private static final String FILE = "_format_version: \"3.0\"\nservices: [{name: é, url: \"http://a:1\"}]\n";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theFileItselfOrItsTextAsTheConfigFieldOfJsonAFormOrAMultipartBody() throws Exception {
        assertEquals(FILE, ConfigResource.declarative(bytes(FILE), "application/yaml"));
        assertEquals(
                FILE,
                ConfigResource.declarative(
                        bytes(new com.fasterxml.jackson.databind.ObjectMapper()
                                .createObjectNode()
                                .put("config", FILE)
                                .put("type", "yaml")
                                .toString()),
                        "application/json"));
        String json = "{\"_format_version\": \"3.0\", \"config\": \"a field of the file\"}";
        assertEquals(json, ConfigResource.declarative(bytes(json), "application/json"), "a JSON file is itself");
        assertEquals(
                FILE,
                ConfigResource.declarative(
                        bytes("other=1&config=" + java.net.URLEncoder.encode(FILE, StandardCharsets.UTF_8)),
                        "application/x-www-form-urlencoded"));
        String multipart = "--b\r\nContent-Disposition: form-data; name=\"config\"; filename=\"kong.yml\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + FILE + "\r\n--b--\r\n";
        assertEquals(FILE, ConfigResource.declarative(bytes(multipart), "multipart/form-data; boundary=b"));
    }

    @Test
    void noConfigurationIsKongsMessage() {
        for (String[] body : new String[][] {
            {"", "application/yaml"},
            {"x=1", "application/x-www-form-urlencoded"},
            {"config=%zz", "application/x-www-form-urlencoded"}
        }) {
            AdminException e =
                    assertThrows(AdminException.class, () -> ConfigResource.declarative(bytes(body[0]), body[1]));
            assertEquals(400, e.status);
            assertEquals("expected a declarative configuration", e.getMessage());
        }
    }

    // Attacker review 148: the hash of a text whose secrets were put back let a caller test guesses
    // of a redacted password offline, with nothing audited.
    @Test
    void aDryRunOfATextWithRedactedTokensAnswersNoHash() throws Exception {
        com.gitinsight.gateway.config.GatewayConfig checked = new com.gitinsight.gateway.config.KongConfigParser(
                        com.gitinsight.gateway.config.PluginRegistry.builtIn())
                .parse("t.yml", FILE);
        assertEquals(
                checked.hash(),
                ConfigResource.dryRunAnswer(FILE, checked).path("hash").asText());
        String redacted = FILE + "# password: \"{redacted:0123456789abcdef}\"\n";
        org.junit.jupiter.api.Assertions.assertTrue(
                ConfigResource.dryRunAnswer(redacted, checked).path("hash").isMissingNode());
        org.junit.jupiter.api.Assertions.assertTrue(
                ConfigResource.dryRunAnswer(redacted, checked).path("valid").asBoolean());
        // Nor with withheld comments, given back before the check (attacker review 149).
        org.junit.jupiter.api.Assertions.assertTrue(
                ConfigResource.dryRunAnswer(FILE + "# (comment withheld)\n", checked)
                        .path("hash")
                        .isMissingNode());
    }
}
