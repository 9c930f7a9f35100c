package com.gitinsight.gateway.ratelimit;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Kong's {@code rate-limiting} plugin: fields, defaults and validation. */
public final class RateLimitingSchema implements PluginSchema {

    public static final String NAME = "rate-limiting";
    private static final Set<String> FIELDS = Set.of(
            "second",
            "minute",
            "hour",
            "day",
            "month",
            "year",
            "limit_by",
            "header_name",
            "path",
            "policy",
            "redis",
            "redis_host",
            "redis_port",
            "redis_username",
            "redis_password",
            "redis_database",
            "redis_timeout",
            "redis_ssl",
            "fault_tolerant",
            "hide_client_headers",
            "error_code",
            "error_message");
    private static final Set<String> ACCEPTED = Set.of("sync_rate", "redis_server_name", "redis_ssl_verify");
    /** Kong 3's nested Redis credentials (request-rate reads only these). */
    static final Set<String> REDIS_SECRETS = Set.of("redis.username", "redis.password");
    /** ... and the flat fields of older files. */
    private static final Set<String> SECRETS =
            Set.of("redis.username", "redis.password", "redis_username", "redis_password");

    public enum LimitBy {
        CONSUMER,
        CREDENTIAL,
        IP,
        SERVICE,
        HEADER,
        PATH
    }

    public enum Policy {
        LOCAL,
        REDIS
    }

    /** One window and its limit. */
    public record Limit(Period period, long limit) {}

    /** Where the shared counters live (policy redis). */
    public record Redis(
            String host,
            int port,
            String username,
            String password,
            int database,
            int timeoutMs,
            boolean ssl,
            String serverName,
            boolean sslVerify) {

        /** Without TLS (tests). */
        public Redis(
                String host, int port, String username, String password, int database, int timeoutMs, boolean ssl) {
            this(host, port, username, password, database, timeoutMs, ssl, null, false);
        }

        @Override
        public String toString() {
            return "Redis[" + host + ":" + port + "/" + database + (ssl ? " ssl" : "") + "]";
        }
    }

    public record Config(
            List<Limit> limits,
            LimitBy limitBy,
            String headerName,
            String path,
            Policy policy,
            Redis redis,
            boolean faultTolerant,
            boolean hideClientHeaders,
            int errorCode,
            String errorMessage)
            implements PluginConfig {
        public Config {
            limits = List.copyOf(limits);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's rate-limiting handler.lua (Kong 3): after authentication, so counts can be per consumer. */
    @Override
    public int priority() {
        return 910;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.ratelimit.RateLimitFilter");
    }

    @Override
    public Set<String> secretFields() {
        return SECRETS;
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, ACCEPTED);
        // Kong's required fields with defaults: absent, the default; an explicit null, refused.
        f.required("fault_tolerant", "hide_client_headers", "sync_rate");
        List<Limit> limits = new ArrayList<>();
        for (Period p : Period.values()) {
            if (f.has(p.field())) {
                double limit = f.number(p.field(), 1, -Double.MAX_VALUE, Double.MAX_VALUE);
                if (limit <= 0) {
                    f.error(p.field(), "value must be greater than 0"); // Kong's gt = 0
                } else if (limit != Math.rint(limit) || limit > Long.MAX_VALUE / 2) {
                    f.error(p.field(), "expected a whole number of requests (a fractional limit is not supported)");
                } else {
                    limits.add(new Limit(p, (long) limit));
                }
            }
        }
        // Kong's validate_periods_order: every shorter period against every longer one, the first
        // pair out of order reported, the numbers as Lua's %.1f writes them.
        order:
        for (int i = 0; i < limits.size(); i++) {
            for (int j = i + 1; j < limits.size(); j++) {
                Limit lower = limits.get(i);
                Limit upper = limits.get(j);
                if (upper.limit() < lower.limit()) {
                    // At config, as Kong's custom_validator on the config record reports it.
                    f.error(
                            null,
                            "The limit for " + upper.period().field() + "(" + upper.limit() + ".0) cannot be lower"
                                    + " than the limit for " + lower.period().field() + "(" + lower.limit() + ".0)");
                    break order;
                }
            }
        }
        if (limits.isEmpty() && java.util.Arrays.stream(Period.values()).noneMatch(p -> f.has(p.field()))) {
            f.error(
                    "minute",
                    "at least one of these fields must be non-empty: 'config.second', 'config.minute',"
                            + " 'config.hour', 'config.day', 'config.month', 'config.year'");
        }
        LimitBy by = switch (f.oneOfText("limit_by", "consumer")) {
            case "consumer" -> LimitBy.CONSUMER;
            case "credential" -> LimitBy.CREDENTIAL;
            case "ip" -> LimitBy.IP;
            case "service" -> LimitBy.SERVICE;
            case "header" -> LimitBy.HEADER;
            case "path" -> LimitBy.PATH;
            default -> {
                f.error("limit_by", "expected one of: consumer, credential, ip, service, header, path");
                yield LimitBy.CONSUMER;
            }
        };
        String header = f.string("header_name", null);
        if (by == LimitBy.HEADER && header == null && !f.has("header_name")) {
            f.error("header_name", "required field missing");
        } else if (header != null && !com.gitinsight.gateway.config.KongHeaderName.valid(header)) {
            f.error("header_name", com.gitinsight.gateway.config.KongHeaderName.problem(header));
        }
        String path = f.path("path");
        if (by == LimitBy.PATH && path == null && !f.has("path")) {
            f.error("path", "required field missing");
        }
        Policy policy = switch (f.oneOfText("policy", "local")) {
            case "local" -> Policy.LOCAL;
            case "redis" -> Policy.REDIS;
            default -> {
                // Kong's DB-less schema, as a kong.yml is loaded: cluster needs Kong's database.
                f.error("policy", "expected one of: local, redis");
                yield Policy.LOCAL;
            }
        };
        Redis redis = redis(f, policy);
        // Kong's sync_rate batches counter writes to Redis; every request is counted at once here (Kong's -1).
        double syncRate =
                f.number("sync_rate", -1, -Double.MAX_VALUE, Double.MAX_VALUE); // Kong: any number, judged below
        if (syncRate != -1 && policy != Policy.REDIS) {
            f.error("sync_rate", "sync_rate can only be used with the redis policy");
        } else if (syncRate != -1 && syncRate < 0.02) {
            f.error("sync_rate", "sync_rate must be greater than 0.02, or -1 to disable");
        }
        return new Config(
                limits,
                by,
                header,
                path,
                policy,
                redis,
                f.bool("fault_tolerant", true),
                f.bool("hide_client_headers", false),
                // Kong's kong.response.error takes 400-599 only (any other answers 500 there).
                (int) f.integer("error_code", 429, 400, 599),
                f.string("error_message", "API rate limit exceeded"));
    }

    private static String emptyAsNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Kong 3.x nests {@code redis: {...}}; older files use {@code redis_*} fields. Both are read. */
    static Redis redis(PluginFields f, Policy policy) {
        PluginFields nested = f.section("redis");
        Set<String> nestedFields = new HashSet<>(List.of(
                "host", "port", "username", "password", "database", "timeout", "ssl", "server_name", "ssl_verify"));
        nested.allowOnly(nestedFields, Set.of());
        String serverName = text(f, nested, "server_name", false);
        String sniProblem = serverName == null ? null : PluginFields.sniProblem(serverName);
        if (sniProblem != null) {
            // Kong's typedefs.sni (helper review 283): "10.0.0.5" or "redis.internal:6380" loaded,
            // and every request then failed its handshake.
            nested.error("server_name", sniProblem);
        }
        boolean sslVerify = flag(f, nested, "ssl_verify");
        String host = text(f, nested, "host", false);
        if (policy == Policy.REDIS && host == null && !nested.has("host")) {
            nested.error("host", "required field missing"); // Kong's schema: config.redis.host
        }
        String hostProblem = host == null ? null : PluginFields.hostProblem(host);
        if (hostProblem != null) {
            // Kong's typedefs.host (helper review 164): "redis:6379" loaded, and every request then
            // passed unlimited (fault_tolerant) or failed.
            nested.error("host", hostProblem);
        }
        long port = number(f, nested, "port", 6379, 0, 65535); // Kong's typedefs.port
        String username = text(f, nested, "username", false);
        // Kong's len_min = 0 here: an empty password is no password.
        String password = text(f, nested, "password", true);
        long database = number(f, nested, "database", 0, 0, Integer.MAX_VALUE);
        // Kong's typedefs.timeout; 0 is OpenResty's "nginx's default" (60 s), as its cosocket takes it.
        long timeout = number(f, nested, "timeout", 2000, 0, 2_147_483_646);
        boolean ssl = flag(f, nested, "ssl");
        return new Redis(
                host,
                (int) port,
                username,
                emptyAsNull(password),
                (int) database,
                (int) com.gitinsight.gateway.upstream.CosocketTimeouts.effective(timeout),
                ssl,
                serverName,
                sslVerify);
    }

    /** {@code redis.<field>}, else the deprecated {@code redis_<field>}; both must agree. */
    private static String text(PluginFields f, PluginFields nested, String field, boolean mayBeEmpty) {
        String old = mayBeEmpty ? f.stringOrEmpty("redis_" + field, null) : f.string("redis_" + field, null);
        String now = mayBeEmpty ? nested.stringOrEmpty(field, old) : nested.string(field, old);
        same(f, nested, field, old, now);
        return now;
    }

    private static long number(PluginFields f, PluginFields nested, String field, long fallback, long min, long max) {
        long old = f.integer("redis_" + field, fallback, min, max);
        long now = nested.integer(field, old, min, max);
        same(f, nested, field, old, now);
        return now;
    }

    private static boolean flag(PluginFields f, PluginFields nested, String field) {
        boolean old = f.bool("redis_" + field, false);
        boolean now = nested.bool(field, old);
        same(f, nested, field, old, now);
        return now;
    }

    /**
     * Kong 3.8's rule for a deprecated shorthand field ({@code redis_host}) written beside its new
     * field ({@code redis.host}): the same value is fine, another is refused (Kong/kong#13565).
     */
    private static void same(PluginFields f, PluginFields nested, String field, Object old, Object now) {
        String deprecated = "redis_" + field;
        if (f.has(deprecated) && nested.has(field) && !java.util.Objects.equals(old, now)) {
            // A password or username is named, never shown (the admin view redacts both; an
            // error quoting them would hand back what the view withheld: attacker review 149).
            boolean secret = field.equals("password") || field.equals("username");
            f.error(
                    deprecated,
                    "both deprecated and new field are used but their values mismatch: " + deprecated + " = "
                            + (secret ? "***" : old) + " vs redis." + field + " = " + (secret ? "***" : now));
        }
    }
}
