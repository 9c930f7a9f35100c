package com.gitinsight.gateway.messaging;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * GitInsight's {@code cache-eviction} (global): where eviction events come from (a broker, its
 * exchanges and routing keys) and which cached paths each event type evicts.
 */
public final class CacheEvictionSchema implements PluginSchema {

    public static final String NAME = "cache-eviction";

    public enum Provider {
        RABBITMQ,
        ARTEMIS
    }

    /** An exchange and the routing-key pattern this node's queue is bound with. */
    public record Binding(String exchange, String routingKey) {}

    /** Events whose {@code event_type} header is {@code eventType} evict {@code paths}. */
    record Rule(String eventType, List<PathTemplate> paths) {}

    public record Config(
            Provider provider,
            String brokerUrl,
            List<Binding> bindings,
            List<Rule> rules,
            String deadLetterExchange,
            long disconnectedTtlMillis,
            long reconnectMaxMillis)
            implements PluginConfig {

        Rule rule(String eventType) {
            for (Rule r : rules) {
                if (r.eventType().equals(eventType)) {
                    return r;
                }
            }
            return null;
        }
    }

    /**
     * A {@code jndi:} name the application server defines: {@code java:...} or a name without a
     * URL scheme. {@code jndi:ldap://...} or {@code rmi://...} would have the gateway look a name
     * up on any host, and deserialize what it answers (attacker review 148).
     */
    static boolean localJndiName(String name) {
        return !name.isEmpty() && (name.startsWith("java:") || name.indexOf(':') < 0);
    }

    private static boolean schemeFits(Provider provider, String url) {
        return switch (provider) {
            case RABBITMQ -> url.startsWith("amqp://") || url.startsWith("amqps://");
            case ARTEMIS ->
                url.startsWith("jndi:") && localJndiName(url.substring(5))
                        || url.startsWith("tcp://")
                        || url.startsWith("ssl://")
                        || url.startsWith("vm://")
                        || url.startsWith("(tcp://");
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    /** GitInsight's: does nothing per request (it evicts on events), so its place is moot; 0 puts it with the proxy-side plugins. */
    @Override
    public int priority() {
        return 0;
    }

    @Override
    public PluginHandler handler() {
        return new PluginHandler("com.gitinsight.gateway.messaging.EvictionListener", PluginHandler.Phase.EVENTS);
    }

    @Override
    public Set<PluginSpec.Scope> scopes() {
        return EnumSet.of(PluginSpec.Scope.GLOBAL);
    }

    /** A broker URL carries its credentials ({@code amqp://user:password@...}, {@code ?password=}). */
    @Override
    public Set<String> secretFields() {
        return Set.of("broker_url");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(
                Set.of(
                        "provider",
                        "broker_url",
                        "bindings",
                        "rules",
                        "dead_letter_exchange",
                        "disconnected_ttl",
                        "reconnect_max"),
                Set.of());
        Provider provider = switch (f.string("provider", "rabbitmq")) {
            case "rabbitmq" -> Provider.RABBITMQ;
            case "artemis" -> Provider.ARTEMIS;
            default -> {
                f.error("provider", "use rabbitmq or artemis");
                yield Provider.RABBITMQ;
            }
        };
        String url = f.string("broker_url", null);
        if (url == null || url.isBlank()) {
            f.error(
                    "broker_url",
                    "required: amqp://user:password@host:5672/vhost (a secret can be {vault://env/NAME})");
        } else if (!schemeFits(provider, url)) {
            // Caught here, at its line, rather than as a connection retried forever.
            f.error(
                    "broker_url",
                    provider == Provider.RABBITMQ
                            ? "use amqp://user:password@host:5672/vhost or amqps://... for provider rabbitmq"
                            : "use tcp://host:61616 (or another Artemis URL) or jndi:<name> (a name the server"
                                    + " defines, java:... or without a URL scheme) for provider artemis");
        }
        List<Binding> bindings = new ArrayList<>();
        for (PluginFields b : f.sections("bindings")) {
            b.allowOnly(Set.of("exchange", "routing_key"), Set.of());
            String exchange = b.string("exchange", null);
            if (exchange == null) {
                b.error("exchange", "required");
                continue;
            }
            bindings.add(new Binding(exchange, b.string("routing_key", "#")));
        }
        if (bindings.isEmpty()) {
            f.error("bindings", "at least one {exchange, routing_key} is required");
        }
        List<Rule> rules = new ArrayList<>();
        for (PluginFields r : f.sections("rules")) {
            r.allowOnly(Set.of("event_type", "evict"), Set.of());
            String type = r.string("event_type", null);
            if (type == null) {
                r.error("event_type", "required (the events' event_type header)");
                continue;
            }
            List<PathTemplate> paths = new ArrayList<>();
            for (String p : r.strings("evict", List.of())) {
                try {
                    paths.add(PathTemplate.parse(p));
                } catch (IllegalArgumentException e) {
                    r.error("evict", e.getMessage());
                }
            }
            if (paths.isEmpty()) {
                r.error("evict", "at least one path template, e.g. /api/v1/fast/repositories/{repository_id}/**");
            }
            rules.add(new Rule(type, List.copyOf(paths)));
        }
        String deadLetters = f.string("dead_letter_exchange", null);
        for (Binding b : bindings) {
            if (deadLetters != null && deadLetters.equals(b.exchange())) {
                // Each node would receive every rejected copy, reject it again and publish it again.
                f.error(
                        "dead_letter_exchange",
                        "must differ from every binding's exchange ('" + deadLetters
                                + "' is bound: a rejected message would come back to every node)");
                break;
            }
        }
        return new Config(
                provider,
                url,
                List.copyOf(bindings),
                List.copyOf(rules),
                deadLetters,
                f.seconds("disconnected_ttl", 30_000, 86_400),
                f.seconds("reconnect_max", 30_000, 3_600));
    }
}
