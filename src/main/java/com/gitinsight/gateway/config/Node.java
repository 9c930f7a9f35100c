package com.gitinsight.gateway.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML/JSON value that remembers where it came from, so that every validation error can
 * name the file, line and column. Jackson's own tree drops locations; this one keeps them.
 */
public sealed interface Node permits Node.MapNode, Node.ListNode, Node.ScalarNode {

    Location location();

    record Location(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    /** A mapping; entry order is the file's order. */
    record MapNode(Location location, Map<String, Entry> entries) implements Node {
        public MapNode {
            entries = Collections.unmodifiableMap(entries);
        }

        public Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }
    }

    /**
     * One key of a mapping with the location of the key itself; {@code textKey} false for a YAML
     * key lyaml reads as no string (a plain {@code 123}, {@code true}, {@code ~}), which Kong's
     * map fields refuse ("expected a string").
     */
    record Entry(Location keyLocation, Node value, boolean textKey) {
        public Entry(Location keyLocation, Node value) {
            this(keyLocation, value, true);
        }
    }

    record ListNode(Location location, List<Node> items) implements Node {
        public ListNode {
            items = List.copyOf(items);
        }
    }

    /**
     * A scalar: {@code value} is a String, Long, Double, Boolean or null (YAML's ~ / JSON's null).
     */
    record ScalarNode(Location location, Object value) implements Node {

        public boolean isNull() {
            return value == null;
        }
    }
}
