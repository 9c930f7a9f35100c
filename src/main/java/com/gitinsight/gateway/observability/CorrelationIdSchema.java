package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;

/**
 * Kong's {@code correlation-id}: {@code header_name} (Kong-Request-ID), {@code generator}
 * ({@code uuid}, {@code uuid#counter}, {@code tracker}), {@code echo_downstream} (false). An
 * incoming value is kept and passed upstream.
 */
public final class CorrelationIdSchema implements PluginSchema {

    public static final String NAME = "correlation-id";

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's correlation-id handler.lua (Kong OSS): the last plugin before the proxy. Its echo to the client is Kong's response phase, which runs on every answer, refusals included (see RequestIdFilter). */
    @Override
    public int priority() {
        return 1;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.observability.CorrelationIdFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        return IdPluginConfig.parse(f, "Kong-Request-ID", "uuid#counter", false);
    }
}
