package com.gitinsight.gateway.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.ConfigError;
import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two schemas against Kong's 01-schema_spec and 03-api_spec of request-transformer (S*, A*) and
 * response-transformer (A*), and the gateway's own refusals (Lua in templates, identity and
 * gateway-owned headers): every error names the file, line and field.
 */
class TransformerSchemasTest {

    private static final KongConfigParser PARSER = new KongConfigParser(PluginRegistry.builtIn());

    private static String file(String plugin, String config) {
        return """
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/]
                        plugins:
                          - name: %s
                            config: %s
                """.formatted(plugin, config);
    }

    private static void loads(String plugin, String config) throws ConfigException {
        PARSER.parse("t.yml", file(plugin, config));
    }

    /** The one error loading refuses the config with: on the plugin's config line, naming the field. */
    private static ConfigError refused(String plugin, String config) {
        ConfigException e = assertThrows(ConfigException.class, () -> loads(plugin, config), config);
        List<ConfigError> errors = e.errors();
        assertEquals(1, errors.size(), e.getMessage());
        ConfigError error = errors.get(0);
        assertEquals("t.yml", error.file());
        assertEquals(10, error.line(), e.getMessage());
        return error;
    }

    private static void refused(String plugin, String config, String field, String message) {
        ConfigError error = refused(plugin, config);
        assertTrue(error.field().endsWith(field), error.toString());
        assertEquals(message, error.message(), error.toString());
    }

    private static final String REQ = RequestTransformerSchema.NAME;
    private static final String RES = ResponseTransformerSchema.NAME;

    // S1, S2: http_method
    @Test
    void httpMethod() throws Exception {
        loads(REQ, "{http_method: GET}");
        refused(REQ, "{http_method: 'HELLO!'}", "config.http_method", "invalid value: HELLO!");
        assertTrue(refused(REQ, "{http_method: CONNECT}")
                .message()
                .startsWith("invalid value: CONNECT (Kong can set only"));
    }

    // S3, S3b, S4: header values and names
    @Test
    void headerEntries() throws Exception {
        for (String op : List.of("add", "append", "replace")) {
            loads(REQ, "{" + op + ": {headers: ['X-Test:a value with spaces; and punctuation!']}}");
            refused(
                    REQ,
                    "{" + op + ": {headers: [\"X-Test:invalid\\rvalue\"]}}",
                    "headers",
                    "'X-Test': a header value may not hold control characters");
        }
        refused(
                REQ,
                "{rename: {headers: ['X-Test:not a header name']}}",
                "headers",
                "'not a header name' is not a valid header");
    }

    // S5, S6, S7: values of body and querystring entries
    @Test
    void templatedValues() throws Exception {
        loads(REQ, "{add: {querystring: ['uri_param1:$(uri_captures.user1)', 'uri_param2:value']}}");
        refused(REQ, "{add: {querystring: ['uri_param2:']}}", "querystring", "key 'uri_param2' has no value");
        assertTrue(refused(REQ, "{add: {querystring: ['uri_param2:$(uri_captures user2)']}}")
                .message()
                .startsWith("value '$(uri_captures user2)' is not in supported format, error:"));
    }

    // A1, A2: remove takes bare names; add/replace/append of headers need a colon
    @Test
    void bareNames() throws Exception {
        loads(REQ, "{remove: {headers: [just_a_key], body: [just_a_key], querystring: [just_a_key]}}");
        for (String op : List.of("add", "replace", "append")) {
            refused(REQ, "{" + op + ": {headers: [just_a_key]}}", op + ".headers", "invalid value: just_a_key");
        }
    }

    // Kong's strings are at least one character: an empty uri failed every request.
    @Test
    void emptyStringsAreRefusedAsKongsLenMin() throws Exception {
        refused(REQ, "{replace: {uri: ''}}", "replace.uri", "length must be at least 1");
        refused(REQ, "{remove: {body: ['']}}", "remove.body", "length must be at least 1");
        refused(RES, "{remove: {json: ['']}}", "remove.json", "length must be at least 1");
    }

    // 88-92, 97-103: Lua is never run; such a value is refused at load, with what is supported
    @Test
    void luaIsRefused() {
        for (String expression : List.of(
                "$(ERROR())",
                "$(foo(headers[\\\"User-Agent\\\"]))",
                "$(type(headers[\\\"X-Foo\\\"]) == \\\"table\\\" and headers[\\\"X-Foo\\\"][1])",
                "$(shared.my_version)",
                "$(shared.written = true)",
                "$(require('inspect')(query_params.user))",
                "$(string.sub(query_params.user, 1, 3))",
                "$(10 * uri_captures.user1)")) {
            ConfigError e = refused(REQ, "{add: {headers: [\"x-added:" + expression + "\"]}}");
            assertTrue(e.message().contains("this gateway runs no Lua"), e.toString());
        }
        ConfigError uri = refused(REQ, "{replace: {uri: '/requests/user2/$(10 * uri_captures.user1)'}}");
        assertTrue(uri.field().endsWith("replace.uri"), uri.toString());
    }

    // Identity headers may not be written (a template would let a client forge one); removing is fine.
    @Test
    void identityHeaders() throws Exception {
        loads(REQ, "{remove: {headers: [X-Consumer-ID]}, rename: {headers: ['X-Consumer-Username:X-User']}}");
        for (String config : List.of(
                "{add: {headers: ['X-Consumer-ID:$(headers.x_user)']}}",
                "{append: {headers: ['X-Consumer-Custom-ID:1']}}",
                "{replace: {headers: ['X-Authenticated-Userid:x']}}",
                "{rename: {headers: ['X-User:X-Consumer-Username']}}")) {
            assertTrue(refused(REQ, config).message().contains("is an identity header"), config);
        }
    }

    // The gateway's own headers (forwarding, framing, Host, hop-by-hop) are not the transformer's.
    @Test
    void gatewayOwnedHeaders() throws Exception {
        loads(REQ, "{add: {headers: ['host:mark']}}");
        // Kong's upstream_host (helper review 205): replace host and a rename to host set the Host
        // the backend gets; remove host is Kong's no-op.
        loads(REQ, "{replace: {headers: ['host:x', 'Host:$(headers.x_tenant).internal']}}");
        loads(REQ, "{rename: {headers: ['x-target:host']}, remove: {headers: [host]}}");
        for (String config : List.of(
                "{append: {headers: ['host:x']}}",
                "{rename: {headers: ['host:x-target']}}",
                "{remove: {headers: [X-Forwarded-For]}}",
                "{add: {headers: ['Content-Length:1']}}",
                "{add: {headers: ['Transfer-Encoding:chunked']}}")) {
            assertTrue(refused(REQ, config).message().contains("is set by the gateway"), config);
        }
    }

    // A3: an explicit null for an array is a missing required field
    @Test
    void nullArrays() {
        refused(REQ, "{add: {headers: null}}", "config.add.headers", "required field missing");
        refused(REQ, "{remove: {querystring: null}}", "config.remove.querystring", "required field missing");
        refused(RES, "{append: {json_types: null}}", "config.append.json_types", "required field missing");
    }

    @Test
    void unknownFields() {
        refused(REQ, "{add: {uri: x}}", "config.add.uri", "unknown field");
        refused(REQ, "{remove: {json: [x]}}", "config.remove.json", "unknown field");
        refused(RES, "{add: {body: [x]}}", "config.add.body", "unknown field");
        refused(RES, "{remove: {json_types: [string]}}", "config.remove.json_types", "unknown field");
    }

    // response-transformer A1-A7
    @Test
    void responseEntries() throws Exception {
        loads(RES, "{remove: {headers: [just_a_key], json: [just_a_key]}}");
        loads(RES, "{rename: {headers: ['x-request-id:x-custom-request-id']}}");
        // Kong's rename.json takes "a:" (its handler renames nothing for it: helper review 187).
        loads(RES, "{rename: {json: ['a:', 'b:c']}}");
        refused(
                RES,
                "{rename: {headers: [x-request-idx-custom-request-id]}}",
                "headers",
                "invalid value: x-request-idx-custom-request-id");
        refused(
                RES,
                "{rename: {headers: ['x-requ,est-id:x-custom-request-id']}}",
                "headers",
                "'x-requ,est-id' is not a valid header");
        for (String op : List.of("add", "replace", "append")) {
            refused(RES, "{" + op + ": {headers: [just_a_key]}}", op + ".headers", "invalid value: just_a_key");
        }
        refused(
                RES,
                "{add: {json: ['a:1'], json_types: [integer]}}",
                "json_types",
                "expected one of: boolean, number, string");
        refused(RES, "{add: {json: ['a:one'], json_types: [number]}}", "json", "'one' (a) is not a number");
        refused(RES, "{append: {headers: ['h1:']}}", "headers", "key 'h1' has no value");
    }
}
