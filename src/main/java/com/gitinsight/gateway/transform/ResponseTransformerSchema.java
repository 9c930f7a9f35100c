package com.gitinsight.gateway.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kong's {@code response-transformer}: {@code remove}, {@code rename}, {@code replace},
 * {@code add}, {@code append} of response {@code headers} and of the top-level keys of a JSON
 * body ({@code json}), with {@code json_types} ({@code string}, {@code number}, {@code boolean})
 * for the values replace, add and append insert. Values are literal (Kong renders no templates
 * here). Unlike Kong 3.9, a header name must be a valid one, a header value may hold no control
 * characters, an empty header value and a {@code number} value that is not a number are refused
 * (Kong silently skips them or fails at request time).
 */
public final class ResponseTransformerSchema implements PluginSchema {

    public static final String NAME = "response-transformer";

    private static final Set<String> TYPES = Set.of("boolean", "number", "string");
    private static final Pattern HEX = Pattern.compile("[+-]?0[xX][0-9a-fA-F]{1,15}");

    /** A rename {@code from:to}. */
    record Rename(String from, String to) {}

    /** A header to set. */
    record HeaderValue(String name, String value) {}

    /** A JSON key to set, with its value already typed. */
    record JsonValue(String name, JsonNode value) {}

    /** One kind of target's five operations, in Kong's order. */
    record Ops<V>(List<String> remove, List<Rename> rename, List<V> replace, List<V> add, List<V> append) {
        Ops {
            remove = List.copyOf(remove);
            rename = List.copyOf(rename);
            replace = List.copyOf(replace);
            add = List.copyOf(add);
            append = List.copyOf(append);
        }

        boolean isEmpty() {
            return remove.isEmpty() && rename.isEmpty() && replace.isEmpty() && add.isEmpty() && append.isEmpty();
        }
    }

    public record Config(Ops<HeaderValue> headers, Ops<JsonValue> json) implements PluginConfig {}

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's response-transformer handler.lua: right after request-transformer (801). */
    @Override
    public int priority() {
        return 800;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.transform.ResponseTransformerFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(Set.of("remove", "rename", "replace", "add", "append"), Set.of());
        RequestTransformerSchema.required(
                f, List.of("remove", "rename", "replace", "add", "append"), List.of("headers", "json"));
        RequestTransformerSchema.required(f, List.of("replace", "add", "append"), List.of("json_types"));
        for (String op : List.of("remove", "rename")) {
            f.section(op).allowOnly(Set.of("headers", "json"), Set.of());
        }
        for (String op : List.of("replace", "add", "append")) {
            f.section(op).allowOnly(Set.of("headers", "json", "json_types"), Set.of());
        }
        Ops<HeaderValue> headers = new Ops<>(
                names(f.section("remove"), "headers"),
                renames(f.section("rename"), "headers", true),
                headerValues(f.section("replace")),
                headerValues(f.section("add")),
                headerValues(f.section("append")));
        Ops<JsonValue> json = new Ops<>(
                names(f.section("remove"), "json"),
                renames(f.section("rename"), "json", false),
                jsonValues(f.section("replace")),
                jsonValues(f.section("add")),
                jsonValues(f.section("append")));
        return new Config(headers, json);
    }

    private static List<String> names(PluginFields section, String field) {
        List<String> out = new ArrayList<>();
        for (String s : section.strings(field, List.of())) {
            if (s.isEmpty()) {
                section.error(field, "length must be at least 1");
                continue;
            }
            Entry e = Entry.parse(s);
            String name = e == null ? s : e.name();
            out.add(field.equals("headers") ? ngxHeaderName(name) : name);
        }
        return out;
    }

    /**
     * A response header name as OpenResty's {@code ngx.header} takes it (Kong's
     * {@code kong.response.set_header}, {@code clear_header}; its header snapshot reads names the
     * same way): '_' is '-' ({@code lua_transform_underscores_in_response_headers}, on by
     * default), so {@code remove: {headers: [x_powered_by]}} removes {@code X-Powered-By}
     * (helper review 290).
     */
    static String ngxHeaderName(String name) {
        return name.replace('_', '-');
    }

    private static List<Rename> renames(PluginFields section, String field, boolean headers) {
        List<Rename> out = new ArrayList<>();
        for (String s : section.strings(field, List.of())) {
            Entry e = Entry.parse(s);
            if (e == null || s.indexOf(':') < 0) {
                section.error(field, "invalid value: " + s);
                continue;
            }
            String to = e.value() == null ? "" : e.value();
            if (headers && !Entry.isHeaderName(e.name())) {
                section.error(field, "'" + e.name() + "' is not a valid header");
            } else if (headers && !Entry.isHeaderName(to)) {
                section.error(field, "'" + to + "' is not a valid header");
            } else if (e.value() == null) {
                // Kong's schema takes "a:" for a JSON field (^[^:]+:.*$) and its handler renames
                // nothing for it (no new name).
                continue;
            } else {
                out.add(headers ? new Rename(ngxHeaderName(e.name()), ngxHeaderName(to)) : new Rename(e.name(), to));
            }
        }
        return out;
    }

    private static List<HeaderValue> headerValues(PluginFields section) {
        List<HeaderValue> out = new ArrayList<>();
        for (String s : section.strings("headers", List.of())) {
            Entry e = Entry.parse(s);
            if (e == null || s.indexOf(':') < 0) {
                section.error("headers", "invalid value: " + s);
            } else if (!Entry.isHeaderName(e.name())) {
                section.error("headers", "'" + e.name() + "' is not a valid header");
            } else if (e.value() == null) {
                section.error("headers", "key '" + e.name() + "' has no value");
            } else if (!Entry.isHeaderValue(e.value())) {
                section.error("headers", "'" + e.name() + "': a header value may not hold control characters");
            } else {
                out.add(new HeaderValue(ngxHeaderName(e.name()), e.value()));
            }
        }
        return out;
    }

    private static List<JsonValue> jsonValues(PluginFields section) {
        List<String> types = new ArrayList<>();
        for (String t : section.strings("json_types", List.of())) {
            if (!TYPES.contains(t)) {
                section.error("json_types", "expected one of: boolean, number, string");
            }
            types.add(t);
        }
        List<JsonValue> out = new ArrayList<>();
        List<String> entries = section.strings("json", List.of());
        for (int i = 0; i < entries.size(); i++) {
            String s = entries.get(i);
            Entry e = Entry.parse(s);
            if (e == null || s.indexOf(':') < 0) {
                section.error("json", "invalid value: " + s);
                continue;
            }
            JsonNode value = typed(e.value(), i < types.size() ? types.get(i) : "string");
            if (value == null) {
                section.error("json", "'" + e.value() + "' (" + e.name() + ") is not a number");
                continue;
            }
            out.add(new JsonValue(e.name(), value));
        }
        return out;
    }

    /**
     * Kong's {@code json_value}: the value as cjson encodes a string, less its quotes and with
     * {@code \"} back to {@code "} (other escapes stay: {@code \\n} is two characters); no value is
     * the string {@code null}; then cast. Null when a {@code number} is not one (Lua's
     * {@code tonumber}: decimal, exponent, hexadecimal).
     */
    static JsonNode typed(String raw, String type) {
        String v;
        if (raw == null) {
            v = "null";
        } else {
            try {
                String encoded = RequestBodies.JSON.writeValueAsString(raw);
                v = encoded.substring(1, encoded.length() - 1).replace("\\\"", "\"");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        switch (type) {
            case "boolean":
                return BooleanNode.valueOf(v.equals("true"));
            case "number":
                return number(v.trim());
            default:
                return TextNode.valueOf(v);
        }
    }

    private static JsonNode number(String v) {
        if (HEX.matcher(v).matches()) {
            boolean negative = v.startsWith("-");
            long n = Long.parseLong(v.substring(v.indexOf('0') + 2), 16);
            return LongNode.valueOf(negative ? -n : n);
        }
        try {
            return LongNode.valueOf(Long.parseLong(v.startsWith("+") ? v.substring(1) : v));
        } catch (NumberFormatException notWhole) {
            try {
                double d = Double.parseDouble(v);
                if (Double.isNaN(d)
                        || Double.isInfinite(d)
                        || v.endsWith("d")
                        || v.endsWith("D")
                        || v.endsWith("f")
                        || v.endsWith("F")) {
                    return null;
                }
                // Kong's cjson writes a number with 14 significant digits: a whole one as an integer.
                if (d == Math.rint(d) && Math.abs(d) < 1e14) {
                    return LongNode.valueOf((long) d);
                }
                return DoubleNode.valueOf(d);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
