package com.gitinsight.gateway.termination;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.Map;
import java.util.Set;

/**
 * Kong's {@code request-termination}: {@code status_code} (503), {@code message}, or {@code body}
 * with {@code content_type}, or {@code echo}; {@code trigger} (a header or query argument whose
 * presence turns it on). Kong's cross-field rules, in Kong's order, with Kong's messages.
 */
public final class RequestTerminationSchema implements PluginSchema {

    public static final String NAME = "request-termination";

    /** The plugin's own default messages (not the gateway's error messages: Kong's 502 here is "Bad Gateway"). */
    private static final Map<Integer, String> DEFAULT_MESSAGES = Map.of(
            401, "Unauthorized",
            404, "Not found",
            405, "Method not allowed",
            500, "An unexpected error occurred",
            502, "Bad Gateway",
            503, "Service unavailable");

    /** {@code message} is the configured one or Kong's default for the status; null: no body at all. */
    public record Config(int status, String message, String contentType, String body, boolean echo, String trigger)
            implements PluginConfig {}

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's request-termination handler.lua: after authentication, so it can end a consumer's requests. */
    @Override
    public int priority() {
        return 2;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.termination.RequestTerminationFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(Set.of("status_code", "message", "content_type", "body", "echo", "trigger"), Set.of());
        // Kong's schema: required with a default, so absent is 503 but an explicit null is refused.
        f.required("status_code", "echo");
        int status = (int) f.integer("status_code", 503, 100, 599);
        String message = f.string("message", null);
        String contentType = f.string("content_type", null);
        String body = f.string("body", null);
        boolean echo = f.bool("echo", false);
        String trigger = f.string("trigger", null);
        if (trigger != null && !trigger.isEmpty() && !com.gitinsight.gateway.config.KongHeaderName.valid(trigger)) {
            f.error("trigger", com.gitinsight.gateway.config.KongHeaderName.problem(trigger));
        }
        // At config itself, as Kong's custom_validator reports them (01-schema_spec: err.config).
        if (present(message) && (present(contentType) || present(body))) {
            f.error(null, "message cannot be used with content_type or body");
        } else if (present(contentType) && !present(body)) {
            f.error(null, "content_type requires a body");
        } else if (echo && (present(contentType) || present(body))) {
            f.error(null, "echo cannot be used with content_type and body");
        }
        String shown = present(message) ? message : DEFAULT_MESSAGES.get(status);
        return new Config(
                status, shown, present(contentType) ? contentType : null, present(body) ? body : null, echo, trigger);
    }

    /** Kong's is_present: an empty string counts as not given. */
    private static boolean present(String value) {
        return value != null && !value.isEmpty();
    }
}
