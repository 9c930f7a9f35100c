package com.gitinsight.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * custom_fields_by_lua's literal returns, applied as Kong's kong.log.set_serialize_value applies
 * them (spec/03-plugins/04-file-log/01-log_spec.lua "logs custom values", "unsets existing log values").
 */
class CustomFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CustomFields fields(String map) throws Exception {
        FileLogSchema.Config c = (FileLogSchema.Config) new KongConfigParser(PluginRegistry.builtIn())
                .parse(
                        "kong.yml",
                        "_format_version: \"3.0\"\nplugins:\n  - name: file-log\n    config: {path: /tmp/x,"
                                + " custom_fields_by_lua: " + map + "}\n")
                .plugins()
                .get(0)
                .config();
        return c.customFields();
    }

    private static JsonNode written(CustomFields fields, String record) throws Exception {
        LogEntry entry = fields.applyTo(LogEntry.raw(record.getBytes(StandardCharsets.UTF_8)));
        return JSON.readTree(new LogWriter().one(entry).copy());
    }

    @Test
    void literalsAreKongsValues() {
        assertEquals(123, CustomFields.literal("return 123").asInt());
        assertTrue(CustomFields.literal("return 123").isIntegralNumber());
        assertEquals(-1.5, CustomFields.literal("  return -1.5;  ").asDouble());
        assertTrue(CustomFields.literal("return 2.0").isIntegralNumber(), "cjson writes 2.0 as 2");
        assertEquals("bar", CustomFields.literal("return 'bar'").asText());
        assertEquals("a b", CustomFields.literal("return \"a b\"").asText());
        assertTrue(CustomFields.literal("return true").asBoolean());
        assertFalse(CustomFields.literal("return false").asBoolean());
        assertNull(CustomFields.literal("return nil"));
        for (String code : new String[] {
            "return ngx.var.request_id", "return 'a' .. 'b'", "os.exit()", "return 'it\\'s'", "return", "return {}"
        }) {
            assertThrows(IllegalArgumentException.class, () -> CustomFields.literal(code), code);
        }
        // Read without backtracking: a pattern with lazy groups took minutes on this (admin input).
        assertThrows(
                IllegalArgumentException.class, () -> CustomFields.literal("return 1" + " ".repeat(20_000) + "+ 2"));
        assertThrows(
                IllegalArgumentException.class,
                () -> CustomFields.literal("return '" + "x".repeat(KongLogRecord.MAX_VALUE + 1) + "'"),
                "a returned text is bounded as a record's values are");
    }

    @Test
    void fieldsAreSetAddedAndRemovedInTheRecord() throws Exception {
        CustomFields fields = fields("{new_field: \"return 123\", route: \"return nil\", consumer.id: \"return nil\","
                + " request.tag: \"return 'x'\", a.b.c: \"return true\", gone.deeper: \"return nil\"}");
        JsonNode r = written(
                fields,
                "{\"request\":{\"id\":\"r1\"},\"route\":{\"name\":\"r\"},\"consumer\":{\"id\":\"c1\",\"username\":\"u\"},"
                        + "\"client_ip\":\"1.2.3.4\"}");
        assertEquals(123, r.get("new_field").asInt());
        assertNull(r.get("route"), "route = return nil unsets it");
        assertNull(r.get("consumer").get("id"));
        assertEquals("u", r.get("consumer").get("username").asText());
        assertEquals("x", r.get("request").get("tag").asText());
        assertEquals("r1", r.get("request").get("id").asText());
        assertTrue(r.get("a").get("b").get("c").asBoolean(), "objects made on the way");
        assertTrue(r.get("gone").isEmpty(), "Kong makes the objects on the way, also for a nil");
        assertEquals("1.2.3.4", r.get("client_ip").asText());
    }

    @Test
    void anEscapedDotIsPartOfTheFieldsName() throws Exception {
        // Kong 3.10: my_entry.log\.field is {"my_entry": {"log.field": ...}}.
        CustomFields fields = fields("{'my_entry.log\\.field': \"return 'x'\", 'a\\.b': \"return 1\"}");
        JsonNode r = written(fields, "{\"client_ip\":\"1.2.3.4\"}");
        assertEquals("x", r.get("my_entry").get("log.field").asText(), r.toString());
        assertEquals(1, r.get("a.b").asInt(), r.toString());
        assertEquals(java.util.List.of("a", "b.c", ""), java.util.List.of(CustomFields.path("a.b\\.c.")));
    }

    // Attacker review 99: a record the tree reader refused (a 50,000-character name) was shipped
    // without its edits, so a removal the operator configured was bypassed.
    @Test
    void aRecordThatCannotBeEditedIsShippedAsItsFieldsAlone() throws Exception {
        CustomFields fields = fields("{client_ip: \"return nil\", tag: \"return 'x'\"}");
        JsonNode r = written(fields, "{\"" + "n".repeat(60_000) + "\":1,\"client_ip\":\"1.2.3.4\"}");
        assertEquals("{\"tag\":\"x\"}", r.toString());
    }
}
