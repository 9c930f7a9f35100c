package com.gitinsight.gateway.config;

import java.util.List;
import java.util.Set;

/**
 * What a {@link PluginSchema} sees of its {@code config:} map: typed getters that report errors
 * with the file, line and field, and a check that no unknown field is present.
 */
public final class PluginFields {

    private final Section section;

    PluginFields(Section section) {
        this.section = section;
    }

    /**
     * A string, or {@code fallback} when absent. An empty one is refused ({@code fallback} then):
     * Kong's schema gives every string field {@code len_min = 1} unless it says otherwise.
     */
    public String string(String key, String fallback) {
        String value = section.string(key, fallback);
        if (value != null && value.isEmpty() && section.has(key)) {
            section.error(key, EMPTY);
            return fallback;
        }
        return value;
    }

    /**
     * A string the schema then checks against Kong's {@code one_of}: an empty one is left to that
     * check, as Kong runs {@code one_of} before {@code len_min} ({@code size_unit: ""} is
     * "expected one of: ...", not "length must be at least 1").
     */
    public String oneOfText(String key, String fallback) {
        return section.string(key, fallback);
    }

    /** A string that may be empty (a Kong field with {@code len_min = 0}, such as a Redis password). */
    public String stringOrEmpty(String key, String fallback) {
        return section.string(key, fallback);
    }

    /**
     * A path as Kong's {@code typedefs.path} takes it (starts with {@code /}, no empty segment,
     * RFC 3986 characters and escapes), or null when absent or refused.
     */
    public String path(String key) {
        String path = string(key, null);
        if (path == null) {
            return null;
        }
        String problem = !path.startsWith("/") ? "should start with: /" : ServiceParser.pathProblem(path);
        if (problem != null) {
            error(key, problem);
            return null;
        }
        return path;
    }

    /** Kong's words for an empty string. */
    public static final String EMPTY = "length must be at least 1";

    /** A string, or null when the field is {@code false} (a way to switch a default off). */
    public String stringOrFalse(String key, String fallback) {
        Node n = section.node(key);
        if (n instanceof Node.ScalarNode s && Boolean.FALSE.equals(s.value())) {
            return null;
        }
        return section.string(key, fallback); // "" too: GitInsight's own fields take it for "off"
    }

    /** A list of strings, or {@code fallback} when the field is absent. */
    public List<String> strings(String key, List<String> fallback) {
        return section.has(key) ? strings(key) : fallback;
    }

    public long integer(String key, long fallback, long min, long max) {
        return section.integer(key, fallback, min, max);
    }

    /** A number, fractions allowed (Kong's {@code number}). */
    public double number(String key, double fallback, double min, double max) {
        return section.number(key, fallback, min, max);
    }

    public boolean bool(String key, boolean fallback) {
        return section.bool(key, fallback);
    }

    /**
     * A list of strings each checked against a fixed set by the caller: an empty one is kept, as
     * Kong's {@code one_of} runs before its length check and names the allowed values instead.
     */
    public List<String> oneOfTexts(String key, List<String> fallback) {
        if (!section.has(key)) {
            return fallback;
        }
        List<String> out = new java.util.ArrayList<>();
        for (Section.Item<String> item : section.strings(key)) {
            out.add(item.value());
        }
        return List.copyOf(out);
    }

    /** A list of strings; an empty entry is refused and left out (Kong's elements are strings too). */
    public List<String> strings(String key) {
        List<String> out = new java.util.ArrayList<>();
        for (Section.Item<String> item : section.strings(key)) {
            if (item.value().isEmpty()) {
                section.error(key, EMPTY); // at the list, as Kong reports an element's error
            } else {
                out.add(item.value());
            }
        }
        return List.copyOf(out);
    }

    /** A list of whole numbers in {@code [min, max]}; {@code fallback} when absent. */
    public List<Integer> integers(String key, List<Integer> fallback, int min, int max) {
        List<Long> values = section.integers(key, min, max);
        return values == null ? fallback : values.stream().map(Long::intValue).toList();
    }

    /** Seconds (fractions allowed) as milliseconds. */
    public long seconds(String key, long fallbackMillis, long maxSeconds) {
        return section.seconds(key, fallbackMillis, maxSeconds);
    }

    /** The fields of a nested map (an empty one when absent). */
    public PluginFields section(String key) {
        return new PluginFields(section.section(key));
    }

    /** The fields of each map in a list (empty when absent). */
    public List<PluginFields> sections(String key) {
        return section.sections(key).stream().map(PluginFields::new).toList();
    }

    /** How many entries a list is written with (its refused ones too); 0 when absent or not a list. */
    public int entries(String key) {
        return section.node(key) instanceof Node.ListNode list ? list.items().size() : 0;
    }

    /** Whether the field is written as an explicit {@code null} (Kong: a required field is then missing). */
    /** Whether {@code key} holds a map (a record given), as opposed to absent, null or another value. */
    public boolean isMap(String key) {
        return section.node(key) instanceof Node.MapNode;
    }

    public boolean isNull(String key) {
        return section.node(key) instanceof Node.ScalarNode s && s.isNull();
    }

    /**
     * Kong's {@code required = true} fields that have a default: absent, they take it; written as
     * {@code null}, they are "required field missing" (the default is not applied to a null).
     */
    public void required(String... keys) {
        for (String key : keys) {
            if (isNull(key)) {
                error(key, "required field missing");
            }
        }
    }

    /**
     * A map of names to strings (Kong's {@code map} of string keys and values: a number, a boolean
     * or null, as key or value, is Kong's "expected a string", at the map), in the file's order;
     * empty when absent.
     * {@code checkName} names a bad key (null: fine).
     */
    public java.util.Map<String, String> stringMap(String key, java.util.function.UnaryOperator<String> checkName) {
        Section nested = section.section(key);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String name : nested.keys()) {
            // Kong's map validation answers a key's or a value's error at the map itself.
            if (!nested.textKey(name)) {
                section.error(key, "expected a string"); // a plain 123: lyaml's number
                continue;
            }
            String problem = checkName.apply(name);
            if (problem != null) {
                section.error(key, problem);
                continue;
            }
            Node n = nested.node(name);
            if (n instanceof Node.ScalarNode s && s.value() != null && !(s.value() instanceof String)) {
                section.error(key, "expected a string");
                continue;
            }
            String value = nested.string(name, null);
            if (value == null || value.isEmpty()) {
                // At the map, as Kong reports it ({config = {headers = "length must be at least 1"}}).
                section.error(key, "length must be at least 1");
                continue;
            }
            out.put(name, value);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    public boolean has(String key) {
        return section.has(key);
    }

    /** Kong's {@code is_nonempty} on the value as written, for its {@code at_least_one_of}. */
    public boolean nonEmpty(String key) {
        return section.nonEmpty(key);
    }

    /**
     * Why {@code host} is no host as Kong's {@code typedefs.host} takes it (a name or an address,
     * without a port), in Kong's words; null when it is one.
     */
    public static String hostProblem(String host) {
        return ServiceParser.hostProblem(host);
    }

    /** Kong's typedefs.sni: a host name, never an address nor with a port; the problem, or null. */
    public static String sniProblem(String sni) {
        return RouteParser.sniProblem(sni);
    }

    public void error(String key, String message) {
        section.error(key, message);
    }

    public void allowOnly(Set<String> implemented, Set<String> accepted) {
        section.allowOnly(implemented, accepted);
    }
}
