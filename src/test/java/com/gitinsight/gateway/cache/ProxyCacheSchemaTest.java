package com.gitinsight.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import org.junit.jupiter.api.Test;

class ProxyCachePluginTest {

    private final KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());

    private ProxyCacheSchema.Config parse(String config) throws Exception {
        GatewayConfig parsed = parser.parse("t.yml", """
                _format_version: "3.0"
                plugins:
                  - name: proxy-cache
                    config: %s
                """.formatted(config));
        return (ProxyCacheSchema.Config) parsed.plugins().get(0).config();
    }

    @Test
    void entriesAreTheUsersUnlessTheRouteSharesThemAcrossAConsumer() throws Exception {
        assertEquals(ProxyCacheSchema.VaryIdentity.SUBJECT, parse("{}").varyIdentity());
        assertEquals(
                ProxyCacheSchema.VaryIdentity.SUBJECT,
                parse("{vary_identity: subject}").varyIdentity());
        assertEquals(
                ProxyCacheSchema.VaryIdentity.CONSUMER,
                parse("{vary_identity: consumer}").varyIdentity());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("{vary_identity: user}"));
        assertTrue(e.getMessage().contains("vary_identity"), e.getMessage());
    }

    // Kong's 01-schema_spec "defines default vary_headers values" (helper review 175).
    @Test
    void varyHeadersDefaultsToAcceptEncodingAsKongs() throws Exception {
        assertEquals(java.util.List.of("accept-encoding"), parse("{}").varyHeaders());
        assertEquals(java.util.List.of(), parse("{vary_headers: []}").varyHeaders());
    }

    // Kong's cacheable_response: type, subtype and the same parameters; * for either part; an entry
    // that does not parse matches nothing (02-access_spec routes 18 and 19).
    @Test
    void contentTypesMatchAsKongsDo() throws Exception {
        ProxyCacheSchema.Config plain = parse("{}");
        assertTrue(plain.cachesType("application/json"));
        assertTrue(plain.cachesType("Application/JSON"));
        org.junit.jupiter.api.Assertions.assertFalse(plain.cachesType("application/json; charset=utf-8"));
        ProxyCacheSchema.Config xml = parse("{content_type: ['application/xml; charset=UTF-8']}");
        org.junit.jupiter.api.Assertions.assertFalse(xml.cachesType("application/xml"), "route-18: Bypass");
        assertTrue(xml.cachesType("application/xml;charset=UTF-8"));
        org.junit.jupiter.api.Assertions.assertFalse(xml.cachesType("application/xml; charset=utf-8"));
        ProxyCacheSchema.Config broken = parse("{content_type: ['application/xml;']}");
        org.junit.jupiter.api.Assertions.assertFalse(broken.cachesType("application/xml"), "route-19: Bypass");
        ProxyCacheSchema.Config wild = parse("{content_type: ['application/*', '*/plain']}");
        assertTrue(wild.cachesType("application/json"));
        assertTrue(wild.cachesType("text/plain"));
        org.junit.jupiter.api.Assertions.assertFalse(wild.cachesType("text/html"));
        org.junit.jupiter.api.Assertions.assertFalse(wild.cachesType("application/json; charset=utf-8"));
    }

    // Helper review 155: Kong keeps an entry storage_ttl when it is set, whatever cache_ttl says
    // (ours kept at least cache_ttl: Hits for 300 s where Kong answered Miss after 60); 0 never
    // expires (nginx's shared dict), a negative one is not stored (the dict refuses it) and loads,
    // as Kong's schema has no bounds; strategy in Kong's one_of words.
    @Test
    void storageTtlIsHowLongAnEntryIsKeptWhateverCacheTtlSays() throws Exception {
        long now = 1_000_000L;
        assertEquals(now + 60_000, parse("{cache_ttl: 300, storage_ttl: 60}").keptUntil(now, 300));
        assertEquals(now + 900_000, parse("{cache_ttl: 300, storage_ttl: 900}").keptUntil(now, 300));
        assertEquals(Long.MAX_VALUE, parse("{cache_ttl: 300, storage_ttl: 0}").keptUntil(now, 300));
        assertEquals(-1, parse("{storage_ttl: -5}").keptUntil(now, 300));
        assertEquals(
                now + 330_000, parse("{cache_ttl: 300, stale_if_error: 30}").keptUntil(now, 300));
        assertEquals(now + 120_000, parse("{cache_ttl: 300}").keptUntil(now, 120), "unset: the response's own ttl");
        ConfigException redis = assertThrows(ConfigException.class, () -> parse("{strategy: redis}"));
        assertTrue(redis.getMessage().contains("strategy: expected one of: memory"), redis.getMessage());
    }

    @Test
    void anEmptyResponseCodeListIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("{response_code: []}"));
        assertTrue(e.getMessage().contains("response_code: length must be at least 1"), e.getMessage());
    }

    // Kong's words (proxy-cache's 01-schema_spec and schema.lua).
    @Test
    void refusedValuesAreToldInKongsWords() {
        java.util.Map<String, String> cases = java.util.Map.of(
                "{cache_ttl: 0}", "cache_ttl: value must be greater than 0",
                "{cache_ttl: -1}", "cache_ttl: value must be greater than 0",
                "{request_method: [get]}", "request_method: expected one of: HEAD, GET, POST, PATCH, PUT",
                "{response_code: [99]}", "response_code[0]: value should be between 100 and 900",
                "{response_code: [abc]}", "response_code[0]: expected an integer");
        for (java.util.Map.Entry<String, String> c : cases.entrySet()) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(c.getKey()));
            assertTrue(
                    e.getMessage().endsWith(c.getValue()) || e.getMessage().contains(c.getValue() + "\n"),
                    c.getKey() + ": " + e.getMessage());
        }
    }
}
