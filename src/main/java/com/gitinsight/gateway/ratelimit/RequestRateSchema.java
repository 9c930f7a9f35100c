package com.gitinsight.gateway.ratelimit;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plugin {@code request-rate} (GitInsight's, nginx's {@code limit_req}): {@code rate} ("10r/s",
 * "100r/m"), {@code burst}, {@code nodelay} (default true here), {@code key} ip | consumer |
 * header, {@code policy} local | redis. GCRA: short bursts pass, a sustained excess is cut to the
 * rate.
 */
public final class RequestRateSchema implements PluginSchema {

    public static final String NAME = "request-rate";
    private static final Pattern RATE = Pattern.compile("(\\d+)r/([sm])");

    public enum Key {
        IP,
        CONSUMER,
        HEADER
    }

    /** {@code intervalNanos}: time per request at the rate; {@code burst}: requests allowed above it. */
    public record Config(
            long intervalNanos,
            int burst,
            boolean nodelay,
            Key key,
            String headerName,
            RateLimitingSchema.Policy policy,
            RateLimitingSchema.Redis redis,
            boolean faultTolerant,
            int status)
            implements PluginConfig {}

    @Override
    public String name() {
        return NAME;
    }

    /** GitInsight's (nginx's limit_req): just after Kong's rate-limiting (910), where it has always run, before response-ratelimiting's 900 in Kong's scale. */
    @Override
    public int priority() {
        return 905;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.ratelimit.RequestRateFilter");
    }

    @Override
    public Set<String> secretFields() {
        return RateLimitingSchema.REDIS_SECRETS;
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(
                Set.of("rate", "burst", "nodelay", "key", "header_name", "policy", "redis", "fault_tolerant", "status"),
                Set.of());
        String rate = f.string("rate", null);
        long interval = 1_000_000_000L;
        Matcher m = rate == null ? null : RATE.matcher(rate);
        if (m == null || !m.matches() || Long.parseLong(m.group(1)) == 0) {
            f.error("rate", "required, as nginx writes it: e.g. 10r/s or 100r/m");
        } else {
            long perUnit = "s".equals(m.group(2)) ? 1_000_000_000L : 60_000_000_000L;
            interval = perUnit / Long.parseLong(m.group(1));
        }
        Key key = switch (f.string("key", "ip")) {
            case "ip" -> Key.IP;
            case "consumer" -> Key.CONSUMER;
            case "header" -> Key.HEADER;
            default -> {
                f.error("key", "use ip, consumer or header");
                yield Key.IP;
            }
        };
        String header = f.string("header_name", null);
        if (key == Key.HEADER && header == null) {
            f.error("header_name", "required with key: header");
        }
        RateLimitingSchema.Policy policy = switch (f.string("policy", "local")) {
            case "local" -> RateLimitingSchema.Policy.LOCAL;
            case "redis" -> RateLimitingSchema.Policy.REDIS;
            default -> {
                f.error("policy", "use local or redis");
                yield RateLimitingSchema.Policy.LOCAL;
            }
        };
        return new Config(
                interval,
                (int) f.integer("burst", 0, 0, 1_000_000),
                f.bool("nodelay", true),
                key,
                header,
                policy,
                RateLimitingSchema.redis(f, policy),
                f.bool("fault_tolerant", true),
                (int) f.integer("status", 429, 100, 599));
    }
}
