package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Kong's {@code cors} plugin: fields, defaults and semantics. */
public final class CorsPlugin implements PluginSchema {

    public static final String NAME = "cors";
    private static final Set<String> FIELDS = Set.of("origins", "methods", "headers", "exposed_headers",
            "credentials", "max_age", "preflight_continue", "private_network");
    private static final List<String> METHODS = List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS",
            "TRACE", "CONNECT");
    /** An origin entry with one of these is a regex (Kong accepts flat strings or PCRE). */
    private static final Pattern REGEX_CHARS = Pattern.compile("[\\^$*+?()\\[\\]{}|\\\\]");

    /**
     * {@code headers} null: echo the request's Access-Control-Request-Headers. Joined header values
     * are precomputed.
     */
    public record Config(boolean anyOrigin, Set<String> exactOrigins, List<Pattern> originPatterns, String methods,
            String headers, String exposedHeaders, boolean credentials, String maxAge, boolean preflightContinue)
            implements PluginConfig {

        public boolean allows(String origin) {
            if (anyOrigin || exactOrigins.contains(origin)) {
                return true;
            }
            for (Pattern p : originPatterns) {
                if (p.matcher(origin).matches()) {
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

    /** Kong's cors handler.lua: first of the Kong plugins here, so a preflight is answered before authentication. */
    @Override
    public int priority() {
        return 2000;
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(FIELDS, Set.of());
        boolean any = false;
        Set<String> exact = new java.util.HashSet<>();
        List<Pattern> patterns = new ArrayList<>();
        for (String origin : f.strings("origins", List.of("*"))) {
            if ("*".equals(origin)) {
                any = true;
            } else if (REGEX_CHARS.matcher(origin).find()) {
                try {
                    patterns.add(Pattern.compile(origin));
                } catch (PatternSyntaxException e) {
                    f.error("origins", "bad regex '" + origin + "': " + e.getDescription());
                }
            } else {
                exact.add(origin);
            }
        }
        List<String> headers = f.has("headers") ? f.strings("headers") : null;
        List<String> exposed = f.strings("exposed_headers", List.of());
        long maxAge = f.integer("max_age", -1, -1, Integer.MAX_VALUE);
        return new Config(any, Set.copyOf(exact), List.copyOf(patterns), String.join(", ", f.strings("methods", METHODS)),
                headers == null ? null : String.join(", ", headers), exposed.isEmpty() ? null : String.join(", ", exposed),
                f.bool("credentials", false), maxAge < 0 ? null : Long.toString(maxAge),
                f.bool("preflight_continue", false));
    }
}
