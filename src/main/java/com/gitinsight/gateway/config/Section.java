package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A typed, validating view of one mapping in the file. Each accessor records an error (with the
 * field's path and location) and returns a default instead of throwing, so one load reports
 * every problem.
 */
final class Section {

    /** Kong's metadata fields of an entity or of the file: {@code _comment} and {@code _ignore}. */
    static final Set<String> META = Set.of("_comment", "_ignore");

    private final Node.MapNode map;
    private final String path;
    private final Problems problems;

    Section(Node.MapNode map, String path, Problems problems) {
        this.map = map;
        this.path = path;
        this.problems = problems;
    }

    /** Wraps {@code node} if it is a map; otherwise records an error and returns an empty section. */
    static Section of(Node node, String path, Problems problems) {
        if (node instanceof Node.MapNode m) {
            return new Section(m, path, problems);
        }
        problems.add(node == null ? null : node.location(), path, "expected a map"); // Kong's words, bare
        return new Section(new Node.MapNode(node == null ? null : node.location(), Map.of()), path, problems);
    }

    String path() {
        return path;
    }

    Node.Location location() {
        return map.location();
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        Node n = map.get(key);
        return n != null && !(n instanceof Node.ScalarNode s && s.isNull());
    }

    /**
     * Kong's {@code is_nonempty}, on the value as written (its {@code at_least_one_of} runs on
     * invalid fields too): present, not null, not an empty list, map or string.
     */
    boolean nonEmpty(String key) {
        Node n = map.get(key);
        return has(key)
                && !(n instanceof Node.ListNode l && l.items().isEmpty())
                && !(n instanceof Node.MapNode m && m.entries().isEmpty())
                && !(n instanceof Node.ScalarNode s && "".equals(s.value()));
    }

    Node node(String key) {
        return map.get(key);
    }

    /** An error at one entry of a list this section read ({@link #strings}). */
    void error(Item<?> item, String message) {
        problems.add(item.location(), item.path(), message);
    }

    void error(String key, String message) {
        Node n = key == null ? null : map.get(key); // null: the section itself (Map.of() takes no null key)
        problems.add(n == null ? map.location() : n.location(), key == null ? path : child(key), message);
    }

    /**
     * Kong rejects unknown fields; so do we. Fields Kong knows but that change nothing here are
     * accepted (they are listed in {@code accepted}).
     */
    void allowOnly(Set<String> implemented, Set<String> accepted) {
        allowOnly(implemented, accepted, key -> null);
    }

    /**
     * As {@link #allowOnly(Set, Set)}; {@code explain} may say more than "unknown field" about a key
     * Kong knows but this gateway does not (null: nothing more to say).
     */
    void allowOnly(Set<String> implemented, Set<String> accepted, UnaryOperator<String> explain) {
        for (Map.Entry<String, Node.Entry> e : map.entries().entrySet()) {
            String key = e.getKey();
            if (!implemented.contains(key) && !accepted.contains(key)) {
                String why = explain.apply(key);
                problems.add(e.getValue().keyLocation(), child(key), why == null ? "unknown field" : why);
            }
        }
    }

    /**
     * {@link #allowOnly} for a Kong entity (a service, route, consumer, credential, plugin, upstream
     * or target): Kong's declarative format also gives every entity {@code _comment} (a string) and
     * {@code _ignore} (a list of anything), which change nothing.
     */
    void allowEntity(Set<String> implemented, Set<String> accepted) {
        allowEntity(implemented, accepted, key -> null);
    }

    void allowEntity(Set<String> implemented, Set<String> accepted, UnaryOperator<String> explain) {
        Set<String> withMeta = new java.util.HashSet<>(accepted);
        withMeta.addAll(META);
        allowOnly(implemented, withMeta, explain);
        meta();
    }

    /** Type checks of {@link #META}: {@code _comment} a string, {@code _ignore} a list (of anything). */
    void meta() {
        Node comment = map.get("_comment");
        if (comment != null && !(comment instanceof Node.ScalarNode c && (c.isNull() || c.value() instanceof String))) {
            problems.add(comment.location(), child("_comment"), "expected a string");
        }
        Node ignore = map.get("_ignore");
        if (ignore != null && !(ignore instanceof Node.ListNode || ignore instanceof Node.ScalarNode i && i.isNull())) {
            problems.add(ignore.location(), child("_ignore"), "expected an array");
        }
    }

    String string(String key, String fallback) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return fallback;
        }
        if (n instanceof Node.ScalarNode s && s.value() instanceof String str) {
            return str;
        }
        // Kong's schema takes no number for a string (an unquoted key: 12345 is refused).
        problems.add(n.location(), child(key), "expected a string");
        return fallback;
    }

    /**
     * Kong's {@code required = true} fields that have a default: absent, they take it; written as
     * {@code null}, they are "required field missing" (Kong fills defaults only where a field is
     * absent, then refuses a required one that is null; helper review 318).
     */
    void requiredWhenGiven(String... keys) {
        for (String key : keys) {
            if (map.get(key) instanceof Node.ScalarNode s && s.isNull()) {
                error(key, "required field missing");
            }
        }
    }

    String requiredString(String key) {
        String value = string(key, null);
        if (value == null && !map.entries().containsKey(key)) {
            problems.add(map.location(), child(key), "required field missing");
        } else if (value == null && map.get(key) instanceof Node.ScalarNode s && s.isNull()) {
            // Kong's null is "not set": username: ~ is as missing as no username.
            error(key, "required field missing");
        } else if (value != null && value.isBlank()) {
            error(key, "length must be at least 1"); // Kong's words
            return null;
        }
        return value;
    }

    /**
     * {@code value} (read from {@code key}) when {@code rule} finds nothing wrong with it; otherwise the
     * rule's complaint is recorded and the result is null, as for a missing value.
     */
    String checked(String key, String value, UnaryOperator<String> rule) {
        String problem = value == null ? null : rule.apply(value);
        if (problem != null) {
            error(key, problem);
            return null;
        }
        return value;
    }

    long integer(String key, long fallback, long min, long max) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return fallback;
        }
        Long value = null;
        if (n instanceof Node.ScalarNode s) {
            if (s.value() instanceof Long l) {
                value = l;
            } else if (s.value() instanceof Double d && d == Math.rint(d)) {
                value = d.longValue();
            }
            // A quoted number is a string: Kong's integer type refuses it, so a file Kong refuses
            // never loads here.
        }
        if (value == null) {
            problems.add(n.location(), child(key), "expected an integer"); // Kong's words
            return fallback;
        }
        if (value < min || value > max) {
            // Kong's between validator's words (the file's line shows what was given).
            problems.add(n.location(), child(key), "value should be between " + min + " and " + max);
            return fallback;
        }
        return value;
    }

    /** A bound as Kong prints it: a whole number without a fraction. */
    private static String kong(double bound) {
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15
                ? Long.toString((long) bound)
                : Double.toString(bound);
    }

    /** A number (Kong's {@code number}: fractions allowed) within {@code [min, max]}. */
    double number(String key, double fallback, double min, double max) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return fallback;
        }
        if (n instanceof Node.ScalarNode s && s.value() instanceof Number num) {
            double value = num.doubleValue();
            if (value >= min && value <= max) {
                return value;
            }
            problems.add(n.location(), child(key), "value should be between " + kong(min) + " and " + kong(max));
            return fallback;
        }
        problems.add(n.location(), child(key), "expected a number");
        return fallback;
    }

    boolean bool(String key, boolean fallback) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return fallback;
        }
        if (n instanceof Node.ScalarNode s && s.value() instanceof Boolean b) {
            return b;
        }
        problems.add(n.location(), child(key), "expected a boolean");
        return fallback;
    }

    /** A list of strings. */
    List<Item<String>> strings(String key) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return List.of();
        }
        if (!(n instanceof Node.ListNode list)) {
            // Kong's schema: a single string is no array either.
            problems.add(n.location(), child(key), "expected an array");
            return List.of();
        }
        List<Item<String>> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            String itemPath = child(key) + "[" + i + "]";
            if (item instanceof Node.ScalarNode s && s.value() instanceof String str) {
                out.add(new Item<>(str, itemPath, s.location()));
            } else {
                problems.add(item.location(), itemPath, "expected a string");
            }
        }
        return out;
    }

    /** A list of whole numbers within {@code [min, max]} (HTTP statuses, say); null when absent. */
    List<Long> integers(String key, long min, long max) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return null;
        }
        if (!(n instanceof Node.ListNode list)) {
            problems.add(n.location(), child(key), "expected an array"); // Kong's words
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            String itemPath = child(key) + "[" + i + "]";
            if (item instanceof Node.ScalarNode s && s.value() instanceof Long l && l >= min && l <= max) {
                out.add(l);
            } else {
                problems.add(
                        item.location(),
                        itemPath,
                        item instanceof Node.ScalarNode s2 && s2.value() instanceof Long v
                                ? "value should be between " + min + " and " + max // Kong's words
                                : "expected an integer");
            }
        }
        return out;
    }

    /** A duration given in seconds (Kong allows fractions), returned in milliseconds. */
    long seconds(String key, long fallbackMillis, long maxSeconds) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return fallbackMillis;
        }
        if (n instanceof Node.ScalarNode s && s.value() instanceof Number num) {
            double secs = num.doubleValue();
            if (secs >= 0 && secs <= maxSeconds) {
                return Math.round(secs * 1000);
            }
            // Kong's words for its seconds fields (between = { 0, max }).
            problems.add(n.location(), child(key), "value should be between 0 and " + maxSeconds);
            return fallbackMillis;
        }
        problems.add(n.location(), child(key), "expected a number");
        return fallbackMillis;
    }

    /** The maps of a list field, each as a section with an indexed path ({@code routes[2]}). */
    List<Section> sections(String key) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return List.of();
        }
        if (!(n instanceof Node.ListNode list)) {
            problems.add(n.location(), child(key), "expected an array");
            return List.of();
        }
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            out.add(Section.of(list.items().get(i), child(key) + "[" + i + "]", problems));
        }
        return out;
    }

    /** A nested map as a section; an empty one when absent. */
    Section section(String key) {
        Node n = map.get(key);
        if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
            return new Section(new Node.MapNode(map.location(), Map.of()), child(key), problems);
        }
        return Section.of(n, child(key), problems);
    }

    Set<String> keys() {
        return map.entries().keySet();
    }

    /** Whether {@code key} was written as text (a YAML key lyaml reads as a number, a boolean or null is not). */
    boolean textKey(String key) {
        Node.Entry e = map.entries().get(key);
        return e == null || e.textKey();
    }

    /** A value with the path and location it was read from, for errors found after reading. */
    record Item<T>(T value, String path, Node.Location location) {}
}
