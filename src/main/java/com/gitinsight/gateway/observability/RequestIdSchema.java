package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;

/**
 * The seed's {@code request-id} (nginx's {@code $request_id}): {@code header_name} (X-Request-ID),
 * {@code generator} ({@code uuid}). A well-formed incoming id is kept, otherwise one is made; it goes
 * upstream, back to the client, into the access log and every gateway error body.
 */
public final class RequestIdSchema implements PluginSchema {

    public static final String NAME = "request-id";

    @Override
    public String name() {
        return NAME;
    }

    /** GitInsight's (the seed's nginx $request_id): just above Kong's highest bundled priority (pre-function, 1000000), first of all, so every refusal and log line carries the id. */
    @Override
    public int priority() {
        return 1000001;
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
        return PluginHandler.filter("com.gitinsight.gateway.observability.RequestIdFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        return IdPluginConfig.parse(f, "X-Request-ID", "uuid", true);
    }
}
