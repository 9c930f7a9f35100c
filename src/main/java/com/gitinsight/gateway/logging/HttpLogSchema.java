package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.QueueSpec;
import com.gitinsight.gateway.http.Authority;
import com.gitinsight.gateway.http.Destinations;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Kong's {@code http-log}: {@code http_endpoint} (required; user info in it becomes Basic
 * authorization), {@code method} (POST, PUT, PATCH), {@code content_type}, {@code timeout} and
 * {@code keepalive} (ms), {@code headers} (not Host, Content-Length or Content-Type; values and the
 * endpoint may be {@code {vault://env/NAME}}), and Kong 3's {@code queue}. Kong's deprecated
 * {@code queue_size} and {@code flush_timeout} map onto the queue as Kong maps them;
 * {@code retry_count} no longer does anything (Kong 3.5: the queue's {@code max_retry_time} does).
 */
public final class HttpLogSchema implements PluginSchema {

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(HttpLogSchema.class.getName());

    public static final String NAME = "http-log";

    private static final Set<String> FORBIDDEN = Set.of("host", "content-length", "content-type");

    /**
     * {@code endpoint} without its user info (sent as {@code authorization}, null when none) and
     * without its query (Kong drops it). {@code queueKey}: Kong shares a queue between instances
     * with the same endpoint settings (user info included); here also the same headers and queue
     * settings, so no record is ever sent with another instance's credentials.
     */
    public record Config(
            URI endpoint,
            String authorization,
            String method,
            String contentType,
            long timeoutMs,
            long keepaliveMs,
            Map<String, String> headers,
            QueueSpec queue,
            CustomFields customFields,
            String queueKey)
            implements PluginConfig {

        Config(
                URI endpoint,
                String authorization,
                String method,
                String contentType,
                long timeoutMs,
                long keepaliveMs,
                Map<String, String> headers,
                QueueSpec queue,
                CustomFields customFields) {
            // Made once, at load: the queue is looked up by it on every request.
            this(
                    endpoint,
                    authorization,
                    method,
                    contentType,
                    timeoutMs,
                    keepaliveMs,
                    headers,
                    queue,
                    customFields,
                    // Instances that differ only in custom fields share the queue: each record carries its own.
                    endpoint + "|" + authorization + "|" + method + "|" + contentType + "|" + timeoutMs + "|"
                            + keepaliveMs + "|" + headers + "|" + queue);
        }

        /** Never prints the authorization (the endpoint's user info). */
        @Override
        public String toString() {
            return "http-log " + method + " " + destination();
        }

        /** Where records go, as health, metrics and logs name it: scheme, host and port only (a path may hold a token). */
        public String destination() {
            return Destinations.of(endpoint);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's http-log handler.lua. */
    /** Kong's {@code typedefs.protocols}: its stream subsystem runs it too. */
    @Override
    public boolean acceptsStreamProtocols() {
        return true;
    }

    @Override
    public int priority() {
        return 12;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.logging.HttpLogFilter");
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("http_endpoint", "headers.*");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(
                Set.of(
                        "http_endpoint",
                        "method",
                        "content_type",
                        "timeout",
                        "keepalive",
                        "headers",
                        "queue",
                        "queue_size",
                        "flush_timeout",
                        "retry_count",
                        "custom_fields_by_lua"),
                Set.of());
        CustomFields custom = CustomFields.parse(f);
        String raw = f.string("http_endpoint", null);
        URI endpoint = null;
        String authorization = null;
        if (raw == null && !f.has("http_endpoint")) {
            f.error("http_endpoint", "required field missing");
        } else if (raw != null) {
            try {
                URI uri = new URI(raw);
                Authority authority = Authority.of(uri);
                // Kong's url check looks for the host first, then the scheme.
                if (authority == null) {
                    f.error("http_endpoint", "missing host in url");
                } else if (uri.getScheme() == null) {
                    f.error("http_endpoint", "missing scheme in url");
                } else if (!uri.getScheme().equalsIgnoreCase("http")
                        && !uri.getScheme().equalsIgnoreCase("https")) {
                    f.error("http_endpoint", "the scheme must be http or https");
                } else {
                    authorization = authority.basicAuthorization();
                    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                    endpoint = new URI(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + authority.hostPort() + path);
                }
            } catch (URISyntaxException e) {
                // "http://": an empty authority, which Kong's url parse reads as no host.
                f.error(
                        "http_endpoint",
                        e.getReason().startsWith("Expected authority")
                                ? "missing host in url"
                                : "could not parse url. " + e.getReason());
            }
        }
        String method = f.oneOfText("method", "POST");
        if (!List.of("POST", "PUT", "PATCH").contains(method)) {
            f.error("method", "expected one of: POST, PUT, PATCH");
        }
        String contentType = f.oneOfText("content_type", "application/json");
        if (!List.of("application/json", "application/json; charset=utf-8").contains(contentType)) {
            f.error("content_type", "expected one of: application/json, application/json; charset=utf-8");
        }
        // Cut, not rounded, as the cosocket takes it: 0.6 is 0, nginx's default (CosocketTimeouts).
        long timeout = (long) f.number("timeout", 10_000, 0, Integer.MAX_VALUE);
        long keepalive = Math.round(f.number("keepalive", 60_000, 0, Integer.MAX_VALUE));
        Map<String, String> headers = f.stringMap("headers", name -> {
            if (!com.gitinsight.gateway.config.KongHeaderName.valid(name)) {
                return com.gitinsight.gateway.config.KongHeaderName.problem(name);
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (FORBIDDEN.contains(lower)) {
                return "cannot contain '" + canonical(lower) + "' header";
            }
            return null;
        });
        if (authorization != null && headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("authorization"))) {
            // At the record, as Kong's custom_validator reports it ({config = "specifying both ..."}).
            f.error(null, "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed");
        }
        QueueSpec queue = QueueSpec.parse(f.section("queue"), 1);
        // Kong's Queue.get_plugin_params: a legacy value other than its old default overrides the queue's.
        // Kong's schema bounds none of these and copies them unchecked (helper review 271): a file
        // Kong loads loads here, each value brought within the queue's own bounds.
        long queueSize = f.integer("queue_size", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        double flushTimeout = f.number("flush_timeout", 2, -Double.MAX_VALUE, Double.MAX_VALUE);
        queue = queue.withLegacy(
                NAME,
                "queue_size",
                queueSize != 1 ? QueueSpec.legacyBatchSize(queueSize) : -1,
                "flush_timeout",
                flushTimeout != 2 ? QueueSpec.legacyDelayMs(flushTimeout) : -1);
        if (f.integer("retry_count", 10, Long.MIN_VALUE, Long.MAX_VALUE) != 10) {
            LOG.warning(() -> NAME + ": the retry_count parameter no longer works, please update your configuration"
                    + " to use initial_retry_delay and max_retry_time instead");
        }
        return new Config(endpoint, authorization, method, contentType, timeout, keepalive, headers, queue, custom);
    }

    private static String canonical(String lower) {
        return switch (lower) {
            case "host" -> "Host";
            case "content-length" -> "Content-Length";
            default -> "Content-Type";
        };
    }
}
