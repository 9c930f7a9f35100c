package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Plugin {@code security-headers} (GitInsight's): the seed's nginx headers on every response.
 * Each field is the header's value; {@code false} or an empty string removes it. A backend's own
 * value is kept unless {@code override: true}.
 */
public final class SecurityHeadersSchema implements PluginSchema {

    public static final String NAME = "security-headers";

    /** Field name to header name, with the seed's defaults (null: off unless set). */
    private static final Map<String, String[]> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("x_frame_options", new String[] {"X-Frame-Options", "DENY"});
        FIELDS.put("x_content_type_options", new String[] {"X-Content-Type-Options", "nosniff"});
        FIELDS.put("x_xss_protection", new String[] {"X-XSS-Protection", "1; mode=block"});
        FIELDS.put(
                "strict_transport_security",
                new String[] {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"});
        FIELDS.put("content_security_policy", new String[] {"Content-Security-Policy", null});
        FIELDS.put("referrer_policy", new String[] {"Referrer-Policy", null});
    }

    /** Header name to value, in a stable order; {@code override} replaces backend values. */
    public record Config(Map<String, String> headers, boolean override) implements PluginConfig {
        public Config {
            headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** GitInsight's: above every Kong plugin here (and below request-id), so every answer a plugin or the gateway writes (a 401, a 431, a preflight) carries the headers. */
    @Override
    public int priority() {
        return 500000;
    }

    /**
     * Not a consumer's (helper review 249): it runs on every response, before any plugin knows
     * the consumer, so a consumer's config would load and never run.
     */
    @Override
    public java.util.Set<com.gitinsight.gateway.config.PluginSpec.Scope> scopes() {
        return NO_CONSUMER;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.SecurityHeadersFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        java.util.Set<String> allowed = new java.util.HashSet<>(FIELDS.keySet());
        allowed.add("override");
        f.allowOnly(allowed, Set.of());
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : FIELDS.entrySet()) {
            String value = f.stringOrFalse(e.getKey(), e.getValue()[1]);
            if (value != null && !value.isEmpty()) {
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    f.error(e.getKey(), "a header value cannot contain a line break");
                    continue;
                }
                headers.put(e.getValue()[0], value);
            }
        }
        return new Config(headers, f.bool("override", false));
    }
}
