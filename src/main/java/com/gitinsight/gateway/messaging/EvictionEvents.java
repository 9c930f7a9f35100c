package com.gitinsight.gateway.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.cache.PathPattern;
import com.gitinsight.gateway.cache.ResponseCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an eviction event does, apart from how it arrives: its {@code event_type} picks the rule,
 * its JSON body fills the rule's path templates, the cache drops the matching entries. A message
 * that cannot be applied (not JSON, unknown type, a field missing) is a {@link Rejected} outcome
 * with the reason, never an exception, so the listener keeps running.
 */
final class EvictionEvents {

    sealed interface Outcome permits Evicted, Rejected {}

    record Evicted(int entries) implements Outcome {}

    record Rejected(String reason) implements Outcome {}

    /** The longest event body read (an event names a few ids); a longer one is rejected unread. */
    static final int MAX_BODY_BYTES = 64 << 10;

    /** The longest value of a message a rejection's reason repeats. */
    private static final int SHOWN = 64;

    /**
     * A publisher's value as a reason repeats it (in a log line, a dead-lettered copy's header):
     * cut, control characters replaced, so it can neither flood nor forge a line.
     */
    static String shown(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), SHOWN) + 3);
        for (int i = 0; i < value.length() && i < SHOWN; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return value.length() > SHOWN ? out.append("...").toString() : out.toString();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResponseCache cache;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong lastEventLagMillis = new AtomicLong(-1);

    EvictionEvents(ResponseCache cache) {
        this.cache = cache;
    }

    Outcome apply(CacheEvictionSchema.Config config, String eventType, byte[] body) {
        Outcome outcome = evaluate(config, eventType, body);
        (outcome instanceof Evicted ? applied : rejected).incrementAndGet();
        return outcome;
    }

    private Outcome evaluate(CacheEvictionSchema.Config config, String eventType, byte[] body) {
        if (eventType == null) {
            return new Rejected("no event_type header");
        }
        CacheEvictionSchema.Rule rule = config.rule(eventType);
        if (rule == null) {
            return new Rejected("unknown event_type '" + shown(eventType) + "'");
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new Rejected("body is not JSON: " + com.gitinsight.gateway.config.ParseErrors.describe(e));
        } catch (IOException e) {
            return new Rejected("body unreadable: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            return new Rejected("body is not a JSON object");
        }
        for (PathTemplate t : rule.paths()) {
            for (String field : t.fields()) {
                String wrong = notAnId(json.get(field));
                if (wrong != null) {
                    return new Rejected("field '" + field + "' is " + wrong + ", not a string or an integer");
                }
            }
        }
        Map<String, String> values = new HashMap<>();
        json.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual() || e.getValue().isIntegralNumber()) {
                values.put(e.getKey(), e.getValue().asText());
            }
        });
        List<PathPattern> patterns = new ArrayList<>();
        for (PathTemplate t : rule.paths()) {
            StringBuilder problem = new StringBuilder();
            PathPattern p = t.fill(values, problem);
            if (p == null) {
                return new Rejected(problem.toString());
            }
            patterns.add(p);
        }
        int n = 0;
        for (PathPattern p : patterns) {
            n += cache.purge(p);
        }
        return new Evicted(n);
    }

    /**
     * What a field is when it cannot name an entity, or null (absent, a string, an integer): a
     * publisher's {@code None} read as the text "null" evicted {@code .../null/**} and counted as
     * applied (helper review 311).
     */
    private static String notAnId(JsonNode value) {
        if (value == null || value.isTextual() || value.isIntegralNumber()) {
            return null;
        }
        if (value.isNull()) {
            return "null";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isNumber()) {
            return "a number with a fraction";
        }
        return value.isArray() ? "an array" : "an object";
    }

    long applied() {
        return applied.get();
    }

    long rejected() {
        return rejected.get();
    }

    void lag(long millis) {
        lastEventLagMillis.set(millis);
    }

    /** Publish-to-apply time of the last event that carried a timestamp, or -1. */
    long lastLagMillis() {
        return lastEventLagMillis.get();
    }
}
