package com.gitinsight.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.cache.CachedResponse;
import com.gitinsight.gateway.cache.ResponseCache;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EvictionEventsTest {

    static final CacheEvictionSchema.Config CONFIG = new CacheEvictionSchema.Config(
            CacheEvictionSchema.Provider.RABBITMQ,
            "amqp://guest:guest@127.0.0.1:5672",
            List.of(new CacheEvictionSchema.Binding("analysis", "analysis.completed.*")),
            List.of(
                    new CacheEvictionSchema.Rule(
                            "analysis_completed",
                            List.of(PathTemplate.parse("/api/v1/fast/repositories/{repository_id}/**"))),
                    new CacheEvictionSchema.Rule(
                            "insights_generated",
                            List.of(PathTemplate.parse("/api/v1/fast/repositories/{repository_id}/insights/**")))),
            null,
            30_000,
            30_000);

    private final ResponseCache cache = new ResponseCache(1000, 16);
    private final EvictionEvents events = new EvictionEvents(cache);

    @AfterEach
    void close() {
        cache.stop();
    }

    private void store(String key, String path) {
        long now = System.currentTimeMillis();
        cache.put(key, new CachedResponse(200, List.of(), new byte[0], now, now + 60_000, now + 60_000, path, true));
    }

    private EvictionEvents.Outcome apply(String type, String body) {
        return events.apply(CONFIG, type, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAnalysisEvictsItsRepositoryOnly() {
        store("s42", "/api/v1/fast/repositories/42/summary");
        store("i42", "/api/v1/fast/repositories/42/insights/1");
        store("s43", "/api/v1/fast/repositories/43/summary");
        EvictionEvents.Outcome o = apply(
                "analysis_completed",
                "{\"repository_id\": \"42\", \"job_id\": \"j\", \"insights_count\": 3, \"timestamp\": \"2026-11-28T10:00:00\"}");
        assertEquals(new EvictionEvents.Evicted(2), o);
        assertNull(cache.get("s42"));
        assertNull(cache.get("i42"));
        assertNotNull(cache.get("s43"));
    }

    @Test
    void insightsEvictOnlyInsights() {
        store("s42", "/api/v1/fast/repositories/42/summary");
        store("i42", "/api/v1/fast/repositories/42/insights/1");
        assertEquals(
                new EvictionEvents.Evicted(1),
                apply("insights_generated", "{\"repository_id\": 42, \"insight_ids\": [1, 2], \"timestamp\": \"x\"}"));
        assertNotNull(cache.get("s42"));
        assertNull(cache.get("i42"));
    }

    @Test
    void badMessagesAreRejectedWithTheReasonAndEvictNothing() {
        store("s42", "/api/v1/fast/repositories/42/summary");
        assertTrue(((EvictionEvents.Rejected) apply("analysis_completed", "not json"))
                .reason()
                .contains("not JSON"));
        assertTrue(((EvictionEvents.Rejected) apply("deploy_finished", "{}"))
                .reason()
                .contains("unknown event_type"));
        assertTrue(((EvictionEvents.Rejected) apply(null, "{}")).reason().contains("no event_type"));
        assertTrue(((EvictionEvents.Rejected) apply("analysis_completed", "{\"job_id\": 1}"))
                .reason()
                .contains("missing field 'repository_id'"));
        assertInstanceOf(
                EvictionEvents.Rejected.class,
                apply("analysis_completed", "{\"repository_id\": \"*\"}"),
                "a wildcard value could evict every repository");
        assertInstanceOf(
                EvictionEvents.Rejected.class, apply("analysis_completed", "{\"repository_id\": \"42/../43\"}"));
        assertInstanceOf(EvictionEvents.Rejected.class, apply("analysis_completed", "[1, 2]"));
        assertNotNull(cache.get("s42"));
        assertEquals(7, events.rejected());
        assertEquals(0, events.applied());
    }

    // Helper review 311: a JSON null was read as the text "null" (evicting .../null/**, counted as
    // applied); a 64 KiB id made a purge pattern the cache remembers a thousand of (the heap).
    @Test
    void aFieldThatCannotNameAnEntityIsRejected() {
        store("null", "/api/v1/fast/repositories/null/summary");
        store("s42", "/api/v1/fast/repositories/42/summary");
        String[][] cases = {
            {"null", "is null"},
            {"true", "is a boolean"},
            {"42.5", "is a number with a fraction"},
            {"[42]", "is an array"},
            {"{\"id\": 42}", "is an object"},
            {"\"" + "a".repeat(PathTemplate.MAX_VALUE_CHARS + 1) + "\"", "is longer than 256 characters"},
        };
        for (String[] c : cases) {
            EvictionEvents.Outcome o = apply("analysis_completed", "{\"repository_id\": " + c[0] + "}");
            assertInstanceOf(EvictionEvents.Rejected.class, o, c[0]);
            assertTrue(((EvictionEvents.Rejected) o).reason().contains("'repository_id' " + c[1]), o.toString());
        }
        assertNotNull(cache.get("null"));
        assertNotNull(cache.get("s42"));
        assertEquals(0, events.applied());
        // An id at the bound, a large integer and a string still evict.
        String longest = "a".repeat(PathTemplate.MAX_VALUE_CHARS);
        store("long", "/api/v1/fast/repositories/" + longest + "/summary");
        assertEquals(
                new EvictionEvents.Evicted(1), apply("analysis_completed", "{\"repository_id\": \"" + longest + "\"}"));
        store("big", "/api/v1/fast/repositories/123456789012345678901234567890/summary");
        assertEquals(
                new EvictionEvents.Evicted(1),
                apply("analysis_completed", "{\"repository_id\": 123456789012345678901234567890}"));
    }

    // Attacker review 313: placeholders were filled one after the other, so a value holding the next
    // one's name ({b}) was filled again: 85 of them, each within the bound, made megabytes.
    @Test
    void aValueIsNeverReadForPlaceholders() {
        CacheEvictionSchema.Config two = new CacheEvictionSchema.Config(
                CONFIG.provider(),
                CONFIG.brokerUrl(),
                CONFIG.bindings(),
                List.of(new CacheEvictionSchema.Rule("moved", List.of(PathTemplate.parse("/r/{a}/{b}/**")))),
                null,
                30_000,
                30_000);
        store("xx", "/r/x/x/summary");
        store("ab", "/r/{b}/x/summary");
        EvictionEvents.Outcome o =
                events.apply(two, "moved", "{\"a\": \"{b}\", \"b\": \"x\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(new EvictionEvents.Evicted(1), o);
        assertNotNull(cache.get("xx"), "{b} in a's value is text, not b's placeholder");
        assertNull(cache.get("ab"));
    }

    @Test
    void evictingOneRepositoryAmongAHundredThousandEntriesLooksOnlyAtItsPaths() {
        long now = System.currentTimeMillis();
        ResponseCache big = new ResponseCache(200_000, 64);
        try {
            for (int i = 0; i < 100_000; i++) {
                big.put(
                        "k" + i,
                        new CachedResponse(
                                200,
                                List.of(),
                                new byte[0],
                                now,
                                now + 60_000,
                                now + 60_000,
                                "/api/v1/fast/repositories/" + i + "/summary",
                                true));
            }
            EvictionEvents e = new EvictionEvents(big);
            assertEquals(
                    new EvictionEvents.Evicted(1),
                    e.apply(
                            CONFIG,
                            "analysis_completed",
                            "{\"repository_id\": \"4242\"}".getBytes(StandardCharsets.UTF_8)));
            assertNull(big.get("k4242"));
            assertNotNull(big.get("k42"));
            assertEquals(99_999, big.size());
        } finally {
            big.stop();
        }
    }

    @Test
    void aBrokerErrorNeverShowsTheUrlsPassword() {
        org.junit.jupiter.api.Assertions.assertEquals(
                "cannot connect to amqp://***@broker:5672/%2F",
                EvictionListener.withoutCredentials("cannot connect to amqp://guest:s3cret@broker:5672/%2F"));
        org.junit.jupiter.api.Assertions.assertEquals(
                "Connection refused", EvictionListener.withoutCredentials("Connection refused"));
        // Artemis's URL form (helper review 250).
        org.junit.jupiter.api.Assertions.assertEquals(
                "failed: tcp://broker:61616?user=gw&password=***&trustStorePassword=*** (refused)",
                EvictionListener.withoutCredentials(
                        "failed: tcp://broker:61616?user=gw&password=s3cret&trustStorePassword=t0p (refused)"));
        for (String form : List.of(
                "password=\"s3cret\"",
                "password: s3cret",
                "{\"password\":\"s3cret\"}",
                "password='s3cret'",
                "db_password=s3cret",
                "userPassword=s3cret",
                "password=\"a s3cret\"")) {
            String shown = EvictionListener.withoutCredentials("failed: " + form);
            org.junit.jupiter.api.Assertions.assertFalse(shown.contains("s3cret"), shown);
        }
    }

    // A reload re-parses the plugin: an unchanged config must compare equal, or every reload
    // resubscribes and flushes what events cover (helper review 194).
    @Test
    void aTemplateParsedAgainIsTheSame() {
        assertEquals(PathTemplate.parse("/a/{id}/**"), PathTemplate.parse("/a/{id}/**"));
        assertEquals(
                PathTemplate.parse("/a/{id}/**").hashCode(),
                PathTemplate.parse("/a/{id}/**").hashCode());
        org.junit.jupiter.api.Assertions.assertNotEquals(PathTemplate.parse("/a/{id}"), PathTemplate.parse("/b/{id}"));
    }

    // An ignore_uri_case route's entries are stored under their lower-cased path: a template with
    // capitals covers them too, so the disconnected_ttl bound and the reconnect flush reach them.
    @Test
    void aTemplateWithCapitalsCoversLowerCasedPaths() {
        PathTemplate t = PathTemplate.parse("/API/v1/Repos/{id}/**");
        assertTrue(t.covers("/API/v1/Repos/7/x"));
        assertTrue(t.covers("/api/v1/repos/7/x"));
        org.junit.jupiter.api.Assertions.assertFalse(t.covers("/api/v1/other/7/x"));
    }
}
