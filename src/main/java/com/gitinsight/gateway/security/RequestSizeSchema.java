package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.Set;

/** Kong's {@code request-size-limiting}: {@code allowed_payload_size} (in {@code size_unit}, megabytes by default). */
public final class RequestSizeSchema implements PluginSchema {

    public static final String NAME = "request-size-limiting";

    public record Config(long maxBytes, boolean requireContentLength) implements PluginConfig {}

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's request-size-limiting handler.lua. */
    @Override
    public int priority() {
        return 951;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.RequestSizeFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(Set.of("allowed_payload_size", "size_unit", "require_content_length"), Set.of());
        f.required("size_unit", "require_content_length"); // Kong's schema: required, with defaults
        // Kong's integer has no bound; here one that no unit can overflow (2^40 megabytes is 2^60
        // bytes). A negative size stays refused: it would read as no limit at all.
        long size = f.integer("allowed_payload_size", 128, 0, 1L << 40);
        String unit = f.oneOfText("size_unit", "megabytes");
        long factor = switch (unit) {
            case "megabytes" -> 1024L * 1024;
            case "kilobytes" -> 1024L;
            case "bytes" -> 1L;
            default -> {
                f.error("size_unit", "expected one of: megabytes, kilobytes, bytes");
                yield 1024L * 1024;
            }
        };
        return new Config(size * factor, f.bool("require_content_length", false));
    }
}
