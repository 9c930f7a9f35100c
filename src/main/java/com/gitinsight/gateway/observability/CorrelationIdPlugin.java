package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.Set;

/**
 * Kong's {@code correlation-id}: {@code header_name} (Kong-Request-ID), {@code generator}
 * ({@code uuid}, {@code uuid#counter}, {@code tracker}), {@code echo_downstream} (false). An
 * incoming value is kept and passed upstream.
 */
public final class CorrelationIdPlugin implements PluginSchema {

    public static final String NAME = "correlation-id";

    public record Config(String headerName, IdGenerator.Kind generator, boolean echoDownstream) implements PluginConfig {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(Set.of("header_name", "generator", "echo_downstream"), Set.of());
        return new Config(f.string("header_name", "Kong-Request-ID"), IdGenerator.kind(f, "uuid#counter"),
                f.bool("echo_downstream", false));
    }
}
