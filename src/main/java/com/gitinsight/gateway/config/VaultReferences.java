package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kong's secret references: a string that is exactly {@code {vault://env/NAME}} is replaced by
 * the environment variable (Kong's env vault: upper-cased, dashes become underscores), so secrets
 * stay out of the file. Only in secret fields ({@link SecretFields}): anywhere else a reference would
 * let whoever edits the file print any variable of the gateway (its admin token, say) in a plugin's
 * message or a header. A reference elsewhere, or to a missing variable, is an error at its field
 * that never shows a resolved value.
 */
final class VaultReferences {

    /** The gateway's own settings' references: the env vault only. */
    static final Pattern REFERENCE = Pattern.compile("\\{vault://env/([A-Za-z0-9_-]+)}");

    /** A file's references: a vault's prefix ({@code env}, or a {@code vaults} entry's) and a variable. */
    private static final Pattern FILE_REFERENCE =
            Pattern.compile("\\{vault://([a-z][a-z0-9-]*)/([A-Za-z0-9_-]+)(?:/([^/{}?#\\s]+))?}");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private VaultReferences() {}

    /**
     * Whether {@code variable} holds one of the gateway's own secrets, which no file may reference:
     * a secret field can be a header sent to an endpoint the same file names, so a reference to
     * the admin token or the store's password would hand it to whoever edits the configuration.
     * {@code reserved}: the variables the running gateway's own settings reference.
     */
    static boolean reserved(String variable, Set<String> reserved) {
        return variable.startsWith("GATEWAY_ADMIN")
                || variable.startsWith("GATEWAY_CONFIG_STORE")
                || variable.startsWith("GATEWAY_DB_")
                || reserved.contains(variable);
    }

    static Node resolve(Node node, String path, Set<String> secrets, UnaryOperator<String> env, Problems problems) {
        return resolve(node, path, secrets, env, Set.of(), Map.of(Vaults.ENV, ""), problems);
    }

    /** {@code vaults}: each vault's prefix to what its variables start with ({@link Vaults#read}). */
    static Node resolve(
            Node node,
            String path,
            Set<String> secrets,
            UnaryOperator<String> env,
            Set<String> reservedVariables,
            Map<String, String> vaults,
            Problems problems) {
        if (node instanceof Node.ScalarNode s && s.value() instanceof String str && str.startsWith("{vault://")) {
            if (!secrets.contains(path)) {
                problems.add(
                        s.location(),
                        path,
                        "vault references are only allowed in secret fields (credentials and"
                                + " passwords: jwt_secrets' secret and rsa_public_key,"
                                + " keyauth_credentials' key, basicauth_credentials' password, hmacauth_credentials' secret, redis username and password,"
                                + " cache-eviction's broker_url)");
                return s;
            }
            Matcher m = FILE_REFERENCE.matcher(str);
            if (!m.matches()) {
                problems.add(s.location(), path, "unsupported secret reference '" + str + "' (use {vault://env/NAME})");
                return s;
            }
            String start = vaults.get(m.group(1));
            if (start == null) {
                problems.add(
                        s.location(),
                        path,
                        "vault '" + m.group(1) + "' is not configured (use {vault://env/NAME}, or a 'vaults' entry"
                                + " with that prefix)");
                return s;
            }
            String variable = (start + m.group(2)).toUpperCase(Locale.ROOT).replace('-', '_');
            if (reserved(variable, reservedVariables)) {
                problems.add(
                        s.location(),
                        path,
                        "environment variable " + variable + " holds one of the gateway's own secrets (admin"
                                + " credentials, the configuration store) and cannot be referenced from the file");
                return s;
            }
            String value = env.apply(variable);
            if (value == null) {
                problems.add(
                        s.location(),
                        path,
                        "environment variable " + variable + " is not set (referenced as " + str + ")");
                return s;
            }
            if (m.group(3) != null) {
                // Kong's {vault://env/NAME/KEY}: the variable holds a JSON object, the reference one of its keys.
                String field = field(value, m.group(3));
                if (field == null) {
                    problems.add(
                            s.location(),
                            path,
                            "environment variable " + variable + " holds no JSON object with a string '" + m.group(3)
                                    + "' (referenced as " + str + ")");
                    return s;
                }
                value = field;
            }
            return new Node.ScalarNode(s.location(), value);
        }
        if (node instanceof Node.MapNode map) {
            Map<String, Node.Entry> out = new LinkedHashMap<>();
            // Kong's _ignore holds anything, used by nothing: left as written, never resolved (so never shown
            // resolved).
            map.entries()
                    .forEach((k, e) -> out.put(
                            k,
                            "_ignore".equals(k)
                                    ? e
                                    : new Node.Entry(
                                            e.keyLocation(),
                                            resolve(
                                                    e.value(),
                                                    path.isEmpty() ? k : path + "." + k,
                                                    secrets,
                                                    env,
                                                    reservedVariables,
                                                    vaults,
                                                    problems),
                                            e.textKey())));
            return new Node.MapNode(map.location(), out);
        }
        if (node instanceof Node.ListNode list) {
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                out.add(resolve(
                        list.items().get(i), path + "[" + i + "]", secrets, env, reservedVariables, vaults, problems));
            }
            return new Node.ListNode(list.location(), out);
        }
        return node;
    }

    /** The string at {@code key} of the JSON object {@code json}, or null (never an error quoting the value). */
    private static String field(String json, String key) {
        try {
            com.fasterxml.jackson.databind.JsonNode tree = JSON.readTree(json);
            com.fasterxml.jackson.databind.JsonNode value = tree == null ? null : tree.get(key);
            return value != null && value.isTextual() ? value.asText() : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
