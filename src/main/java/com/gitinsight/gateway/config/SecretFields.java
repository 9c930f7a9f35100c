package com.gitinsight.gateway.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which fields of a declarative file hold secrets: the JWT credentials ({@code secret},
 * {@code rsa_public_key}), key-auth keys, basic-auth passwords and hmac-auth secrets, nested in their consumer or top-level, and, in each plugin wherever it sits (global, top level, nested in a
 * service, route or consumer), the fields its schema names ({@link PluginSchema#secretFields}).
 * Certificates' private keys ({@code key}, {@code key_alt}) too.
 * Only these may take a {@code {vault://env/NAME}} reference, and only these are redacted for admins.
 * Found from the tree's shape alone, so a version that does not validate still has its secrets found.
 */
final class SecretFields {

    /** The secret fields of each kind of credential entity (an acl has none). */
    private static final java.util.Map<String, List<String>> CREDENTIAL = java.util.Map.of(
            "jwt_secrets", List.of("secret", "rsa_public_key"),
            "keyauth_credentials", List.of("key"),
            "basicauth_credentials", List.of("password"),
            "hmacauth_credentials", List.of("secret"));

    private final PluginRegistry registry;

    SecretFields(PluginRegistry registry) {
        this.registry = registry;
    }

    /** The paths (as errors name fields: {@code consumers[0].jwt_secrets[1].secret}) of the secret scalars in {@code root}. */
    Set<String> of(Node root) {
        Set<String> out = new LinkedHashSet<>();
        if (!(root instanceof Node.MapNode top)) {
            return out;
        }
        plugins(top, "", out);
        each(top, "", "routes", (route, path) -> plugins(route, path, out));
        each(top, "", "services", (service, path) -> {
            plugins(service, path, out);
            each(service, path, "routes", (route, routePath) -> plugins(route, routePath, out));
        });
        for (java.util.Map.Entry<String, List<String>> kind : CREDENTIAL.entrySet()) {
            Item credentials = (credential, credentialPath) -> {
                for (String field : kind.getValue()) {
                    scalar(credential, credentialPath, field, out);
                }
            };
            each(top, "", "consumers", (consumer, path) -> each(consumer, path, kind.getKey(), credentials));
            // Kong's credentials may also be top-level, naming their consumer.
            each(top, "", kind.getKey(), credentials);
        }
        each(top, "", "consumers", (consumer, path) -> plugins(consumer, path, out));
        // A client certificate's private keys (Kong's key and key_alt are referenceable secrets).
        each(top, "", "certificates", (certificate, path) -> {
            scalar(certificate, path, "key", out);
            scalar(certificate, path, "key_alt", out);
        });
        return out;
    }

    private void plugins(Node.MapNode holder, String path, Set<String> out) {
        each(holder, path, "plugins", (plugin, pluginPath) -> {
            PluginSchema schema = plugin.get("name") instanceof Node.ScalarNode s && s.value() instanceof String name
                    ? registry.find(name)
                    : null;
            if (schema != null && plugin.get("config") instanceof Node.MapNode config) {
                for (String field : schema.secretFields()) {
                    scalar(config, pluginPath + ".config", field, out);
                }
            }
        });
    }

    /**
     * Adds {@code path.field} when it names a scalar; {@code field} may be dotted ({@code redis.password})
     * or end in {@code .*}: each scalar of that map ({@code headers.*}, a map of header values).
     */
    private static void scalar(Node.MapNode map, String path, String field, Set<String> out) {
        if (field.endsWith(".*")) {
            String parent = field.substring(0, field.length() - 2);
            Node n = map;
            for (String key : parent.split("\\.")) {
                n = n instanceof Node.MapNode m ? m.get(key) : null;
            }
            if (n instanceof Node.MapNode m) {
                for (String key : m.entries().keySet()) {
                    if (m.get(key) instanceof Node.ScalarNode) {
                        out.add(path + "." + parent + "." + key);
                    }
                }
            }
            return;
        }
        Node n = map;
        for (String key : field.split("\\.")) {
            n = n instanceof Node.MapNode m ? m.get(key) : null;
        }
        if (n instanceof Node.ScalarNode) {
            out.add(path + "." + field);
        }
    }

    /** Each map in the list {@code key} of {@code holder}, with its path. */
    private static void each(Node.MapNode holder, String path, String key, Item item) {
        if (holder.get(key) instanceof Node.ListNode list) {
            String listPath = path.isEmpty() ? key : path + "." + key;
            for (int i = 0; i < list.items().size(); i++) {
                if (list.items().get(i) instanceof Node.MapNode m) {
                    item.accept(m, listPath + "[" + i + "]");
                }
            }
        }
    }

    @FunctionalInterface
    private interface Item {
        void accept(Node.MapNode map, String path);
    }
}
