package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kong's {@code proxy-cache} (strategy {@code memory}, held in Ehcache here), plus GitInsight's
 * {@code max_body_size}, {@code stale_if_error}, {@code lock_timeout} (how long concurrent misses
 * wait for the one request that went to the backend) and {@code vary_identity} (whose entry an
 * authenticated response is: its user's, or its consumer's).
 */
public class ProxyCacheSchema implements PluginSchema {

    public static final String NAME = "proxy-cache";

    /**
     * Who an authenticated request's entry belongs to. Kong keys by consumer only, but GitInsight's
     * consumers are applications (web-frontend, mobile-app) shared by many users, so by default
     * the entry is the user's; {@code CONSUMER} widens it for answers that are the same for every
     * user of an app.
     */
    public enum VaryIdentity {
        SUBJECT,
        CONSUMER
    }

    /**
     * Kong's {@code response_headers}: which diagnostic headers answers carry ({@code Age} on hits,
     * {@code X-Cache-Status}, {@code X-Cache-Key}); all on by default.
     */
    public record ResponseHeaders(boolean age, boolean cacheStatus, boolean cacheKey) {
        public static final ResponseHeaders ALL = new ResponseHeaders(true, true, true);
    }

    /** Kong's cacheable request methods. */
    private static final List<String> METHODS = List.of("HEAD", "GET", "POST", "PATCH", "PUT");

    /**
     * Parsed once. Methods are upper-cased here so the request path compares without allocating;
     * media types are kept as written and matched on a response to be stored (a miss); {@code varyHeaders} and {@code varyQueryParams} are sorted so
     * a key does not depend on their order in the file.
     */
    public record Config(
            Set<Integer> responseCodes,
            Set<String> methods,
            Set<String> contentTypes,
            long ttlSeconds,
            boolean cacheControl,
            List<String> varyHeaders,
            List<String> varyQueryParams,
            boolean ignoreUriCase,
            long storageTtlSeconds,
            long maxBodyBytes,
            long staleIfErrorSeconds,
            long lockTimeoutMillis,
            VaryIdentity varyIdentity,
            ResponseHeaders responseHeaders)
            implements PluginConfig {

        public Config(
                Set<Integer> responseCodes,
                Set<String> methods,
                Set<String> contentTypes,
                long ttlSeconds,
                boolean cacheControl,
                List<String> varyHeaders,
                List<String> varyQueryParams,
                boolean ignoreUriCase,
                long storageTtlSeconds,
                long maxBodyBytes,
                long staleIfErrorSeconds,
                long lockTimeoutMillis,
                VaryIdentity varyIdentity) {
            this(
                    responseCodes,
                    methods,
                    contentTypes,
                    ttlSeconds,
                    cacheControl,
                    varyHeaders,
                    varyQueryParams,
                    ignoreUriCase,
                    storageTtlSeconds,
                    maxBodyBytes,
                    staleIfErrorSeconds,
                    lockTimeoutMillis,
                    varyIdentity,
                    ResponseHeaders.ALL);
        }

        /** This config with {@code headers} sent (Kong-Debug's request asks for all three). */
        public Config withResponseHeaders(ResponseHeaders headers) {
            return new Config(
                    responseCodes,
                    methods,
                    contentTypes,
                    ttlSeconds,
                    cacheControl,
                    varyHeaders,
                    varyQueryParams,
                    ignoreUriCase,
                    storageTtlSeconds,
                    maxBodyBytes,
                    staleIfErrorSeconds,
                    lockTimeoutMillis,
                    varyIdentity,
                    headers);
        }

        /** {@code storage_ttl} left unset (null): entries are kept {@code cache_ttl} + {@code stale_if_error}. */
        public static final long STORAGE_TTL_UNSET = Long.MIN_VALUE;

        /**
         * When an entry made at {@code now} (ms) is let go, or -1 when it is not stored: Kong's
         * {@code storage_ttl} when set, whatever {@code cache_ttl} says (shorter: the entry is
         * gone, a Miss, before it would be refreshed; 0: it never expires, as nginx's shared dict
         * takes 0; negative: the dict refuses it, nothing is stored); unset, fresh for
         * {@code freshSeconds} and then a stale fallback for {@code stale_if_error}.
         */
        public long keptUntil(long now, long freshSeconds) {
            if (storageTtlSeconds == STORAGE_TTL_UNSET) {
                return now + (freshSeconds + staleIfErrorSeconds) * 1000;
            }
            if (storageTtlSeconds < 0) {
                return -1;
            }
            return storageTtlSeconds == 0 ? Long.MAX_VALUE : now + storageTtlSeconds * 1000;
        }

        /**
         * Kong's {@code cacheable_response}: {@code content} matches a listed type when type and
         * subtype are equal or listed as {@code *}, and the parameters are the same ones with the
         * same values ({@code application/json} does not match {@code application/json;
         * charset=utf-8}); a type that does not parse matches nothing.
         */
        public boolean cachesType(String content) {
            if (content == null || content.isEmpty()) {
                return false;
            }
            MediaTypes.Parsed actual = MediaTypes.parse(content);
            if (actual == null) {
                return false;
            }
            for (String listed : contentTypes) {
                MediaTypes.Parsed expected = MediaTypes.parse(listed);
                if (expected != null && expected.matches(actual)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's proxy-cache handler.lua: after authentication and rate limiting, so a hit is authenticated and counted. */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.cache.ProxyCacheFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(
                Set.of(
                        "response_code",
                        "request_method",
                        "content_type",
                        "cache_ttl",
                        "strategy",
                        "cache_control",
                        "vary_headers",
                        "vary_query_params",
                        "ignore_uri_case",
                        "storage_ttl",
                        "max_body_size",
                        "stale_if_error",
                        "lock_timeout",
                        "vary_identity",
                        "response_headers"),
                Set.of("memory"));
        // Kong's required fields with defaults: absent, the default; an explicit null, refused.
        f.required("response_code", "request_method", "content_type", "cache_control", "strategy");
        // Kong's memory.dictionary_name names an nginx shared dict; the store here is Ehcache's.
        PluginFields memory = f.section("memory");
        memory.allowOnly(Set.of(), Set.of("dictionary_name"));
        memory.required("dictionary_name");
        memory.string("dictionary_name", null);
        String strategy = f.string("strategy", "memory");
        if (!"memory".equals(strategy)) {
            f.error("strategy", "expected one of: memory"); // Kong's one_of (its open-source strategies)
        }
        List<Integer> codeList = f.integers("response_code", List.of(200, 301, 404), 100, 900);
        if (codeList.isEmpty()) {
            f.error("response_code", "length must be at least 1"); // Kong's len_min = 1
        }
        Set<Integer> codes = Set.copyOf(codeList);
        Set<String> methods = new TreeSet<>();
        for (String m : f.strings("request_method", List.of("GET", "HEAD"))) {
            if (!METHODS.contains(m)) {
                f.error("request_method", "expected one of: " + String.join(", ", METHODS)); // Kong's words
            }
            methods.add(m.toUpperCase(Locale.ROOT));
        }
        // As written: Kong accepts an entry that does not parse ("application/xml;"), which then
        // matches nothing.
        Set<String> types = new TreeSet<>(f.strings("content_type", List.of("text/plain", "application/json")));
        for (String t : types) {
            if (MediaTypes.parse(t) == null) {
                java.util.logging.Logger.getLogger(ProxyCacheSchema.class.getName())
                        .warning(() -> "proxy-cache: content_type '" + t + "' does not parse and matches nothing");
            }
        }
        long ttl = f.integer("cache_ttl", 300, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (ttl <= 0) {
            f.error("cache_ttl", "value must be greater than 0"); // Kong's gt = 0
            ttl = 300;
        }
        // Kong's storage_ttl is an integer without bounds (null: unset).
        long storage = f.has("storage_ttl")
                ? f.integer("storage_ttl", 0, Integer.MIN_VALUE, Integer.MAX_VALUE)
                : Config.STORAGE_TTL_UNSET;
        return new Config(
                codes,
                Set.copyOf(methods),
                Set.copyOf(types),
                ttl,
                f.bool("cache_control", false),
                sortedLower(f.strings("vary_headers", List.of("Accept-Encoding"))), // Kong's default
                List.copyOf(new TreeSet<>(f.strings("vary_query_params", List.of()))),
                f.bool("ignore_uri_case", false),
                storage,
                f.integer("max_body_size", 1024 * 1024, 0, Integer.MAX_VALUE),
                f.integer("stale_if_error", 0, 0, Integer.MAX_VALUE),
                f.seconds("lock_timeout", 10_000, 300),
                varyIdentity(f),
                responseHeaders(f.section("response_headers")));
    }

    /** Kong 3.4's field names ({@code Age}), and 3.6's ({@code age}), either. */
    private static ResponseHeaders responseHeaders(PluginFields h) {
        h.allowOnly(Set.of("age", "X-Cache-Status", "X-Cache-Key"), Set.of("Age"));
        if (h.has("age") && h.has("Age")) {
            h.error("Age", "give age or Age (its older name), not both");
        }
        return new ResponseHeaders(
                h.bool("age", h.bool("Age", true)), h.bool("X-Cache-Status", true), h.bool("X-Cache-Key", true));
    }

    private static VaryIdentity varyIdentity(PluginFields f) {
        String value = f.string("vary_identity", "subject");
        return switch (value) {
            case "subject" -> VaryIdentity.SUBJECT;
            case "consumer" -> VaryIdentity.CONSUMER;
            default -> {
                f.error(
                        "vary_identity",
                        "must be 'subject' (one entry per user) or 'consumer' (shared by a consumer's users)");
                yield VaryIdentity.SUBJECT;
            }
        };
    }

    private static List<String> sortedLower(List<String> names) {
        TreeSet<String> sorted = new TreeSet<>();
        names.forEach(n -> sorted.add(n.toLowerCase(Locale.ROOT)));
        return List.copyOf(sorted);
    }

    /** The seed's name for the same plugin. */
    public static final class ResponseCaching extends ProxyCacheSchema {
        @Override
        public String name() {
            return "response-caching";
        }

        @Override
        public String storedAs() {
            return NAME;
        }
    }
}
