package com.gitinsight.gateway.transform;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.proxy.UpstreamHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kong's {@code request-transformer}: {@code http_method}, and {@code remove}, {@code rename},
 * {@code replace}, {@code add}, {@code append} of {@code headers}, {@code querystring} and
 * {@code body}, plus {@code replace.uri}. Values may hold plain variable references ({@link
 * Template}); anything Kong would run as Lua is refused here.
 *
 * <p>Header names are Kong's ({@code [a-zA-Z0-9-_]+}); header values may hold no control
 * characters (Kong 3.10's rule). Headers the gateway owns (forwarding, framing, {@code Host},
 * hop-by-hop) are refused in every operation: the gateway sets them itself. Identity headers
 * ({@code X-Consumer-*} and the like) may be removed or renamed away, never written: a template
 * would let a client forge one. {@code add host:...} and {@code remove host}, no-ops in Kong, are
 * accepted and ignored; {@code replace host:...} and a rename to {@code host} set the Host the
 * backend gets (Kong's PDK sets {@code upstream_host}).
 */
public final class RequestTransformerSchema implements PluginSchema {

    public static final String NAME = "request-transformer";

    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    /** Kong's PDK {@code set_method} accepts these; any other method fails every request there. */
    private static final Set<String> METHODS = Set.of(
            "GET",
            "HEAD",
            "PUT",
            "POST",
            "DELETE",
            "OPTIONS",
            "MKCOL",
            "COPY",
            "MOVE",
            "PROPFIND",
            "PROPPATCH",
            "LOCK",
            "UNLOCK",
            "PATCH",
            "TRACE");

    /** Kong's arrays are required: an explicit null is refused as Kong refuses it (absent is the default, empty). */
    static void required(PluginFields f, List<String> sections, List<String> fields) {
        for (String op : sections) {
            PluginFields section = f.section(op);
            for (String field : fields) {
                if (section.isNull(field)) {
                    section.error(field, "required field missing");
                }
            }
        }
    }

    private static final Set<String> TARGETS = Set.of("headers", "querystring", "body");

    /** A rename {@code from:to}. */
    record Rename(String from, String to) {}

    /** A {@code name:value} to set; the value may hold references. */
    record Value(String name, Template value) {}

    /** The five operations on one part of the request, in Kong's order. */
    record Ops(List<String> remove, List<Rename> rename, List<Value> replace, List<Value> add, List<Value> append) {
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

    /**
     * @param httpMethod the upstream method, or null: the client's
     * @param uri        {@code replace.uri}, or null
     */
    public record Config(String httpMethod, Ops headers, Ops querystring, Ops body, Template uri)
            implements PluginConfig {}

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's request-transformer handler.lua: after authentication and rate limiting, before response-transformer (800). */
    @Override
    public int priority() {
        return 801;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.transform.RequestTransformerFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(Set.of("http_method", "remove", "rename", "replace", "add", "append"), Set.of());
        required(f, List.of("remove", "rename", "replace", "add", "append"), List.of("headers", "querystring", "body"));
        String method = f.string("http_method", null);
        if (method != null && !METHOD.matcher(method).matches()) {
            f.error("http_method", "invalid value: " + method);
            method = null;
        } else if (method != null && !METHODS.contains(method)) {
            f.error(
                    "http_method",
                    "invalid value: " + method + " (Kong can set only " + String.join(", ", sorted()) + ")");
            method = null;
        }
        for (String op : List.of("remove", "rename", "add", "append")) {
            f.section(op).allowOnly(TARGETS, Set.of());
        }
        f.section("replace").allowOnly(Set.of("headers", "querystring", "body", "uri"), Set.of());
        Template uri = null;
        String rawUri = f.section("replace").string("uri", null);
        if (rawUri != null && rawUri.isEmpty()) {
            // Kong's strings are at least one character: an empty uri failed every request.
            f.section("replace").error("uri", "length must be at least 1");
        } else if (rawUri != null) {
            uri = compile(f.section("replace"), "uri", rawUri);
        }
        return new Config(method, ops(f, "headers"), ops(f, "querystring"), ops(f, "body"), uri);
    }

    private static List<String> sorted() {
        List<String> out = new ArrayList<>(METHODS);
        out.sort(null);
        return out;
    }

    private static Ops ops(PluginFields f, String target) {
        boolean headers = target.equals("headers");
        List<String> remove = new ArrayList<>();
        PluginFields section = f.section("remove");
        for (String s : section.strings(target, List.of())) {
            if (s.isEmpty()) {
                section.error(target, "length must be at least 1");
                continue;
            }
            Entry e = Entry.parse(s);
            String name = e == null ? s : e.name();
            if (headers && isHost(name)) {
                // Kong clears the client's Host and still sends its upstream_host: a no-op.
                continue;
            }
            if (headers && !checkHeader(section, target, name, false)) {
                continue;
            }
            remove.add(name);
        }
        List<Rename> rename = new ArrayList<>();
        section = f.section("rename");
        for (String s : section.strings(target, List.of())) {
            Entry e = Entry.parse(s);
            if (e == null || e.value() == null) {
                section.error(
                        target, e == null || headers ? "invalid value: " + s : "key '" + e.name() + "' has no value");
                continue;
            }
            // Renamed to Host: Kong's set_headers sets upstream_host from it (the Host the backend gets).
            if (headers
                    && (!checkHeader(section, target, e.name(), false)
                            || !(isHost(e.value()) || checkHeader(section, target, e.value(), true)))) {
                continue;
            }
            rename.add(new Rename(e.name(), e.value()));
        }
        return new Ops(
                remove,
                rename,
                values(f.section("replace"), target, false, false),
                values(f.section("add"), target, true, false),
                values(f.section("append"), target, false, true));
    }

    /** Kong's spelling of the Host header in a transformer entry (any case; no '_' form: nginx's is "host"). */
    static boolean isHost(String name) {
        return name.equalsIgnoreCase("host");
    }

    private static List<Value> values(PluginFields section, String target, boolean add, boolean append) {
        boolean headers = target.equals("headers");
        List<Value> out = new ArrayList<>();
        for (String s : section.strings(target, List.of())) {
            Entry e = Entry.parse(s);
            if (e == null || headers && s.indexOf(':') < 0) {
                section.error(target, "invalid value: " + s);
                continue;
            }
            if (e.value() == null && !headers) {
                section.error(target, "key '" + e.name() + "' has no value");
                continue;
            }
            if (e.value() == null) {
                // Kong 3's header entries take an empty value ("^[^:]+:.*$"): nginx then sets no header.
                e = new Entry(e.name(), "");
            }
            if (headers) {
                if (add && isHost(e.name())) {
                    // Kong's add never touches Host (spec: preserve_host keeps the client's).
                    continue;
                }
                // replace host:...: Kong's PDK sets upstream_host (the Host the backend gets); any
                // other header the gateway owns is not the transformer's.
                boolean hostReplaced = !add && !append && isHost(e.name());
                if (!hostReplaced && !checkHeader(section, target, e.name(), true)) {
                    continue;
                }
                if (!Entry.isHeaderValue(e.value())) {
                    section.error(target, "'" + e.name() + "': a header value may not hold control characters");
                    continue;
                }
            }
            Template t = compile(section, target, e.value());
            if (t != null) {
                out.add(new Value(e.name(), t));
            }
        }
        return out;
    }

    private static Template compile(PluginFields section, String field, String value) {
        try {
            return Template.compile(value);
        } catch (IllegalArgumentException e) {
            section.error(field, "value '" + value + "' is not in supported format, error:" + e.getMessage());
            return null;
        }
    }

    /**
     * Whether {@code name} may be transformed ({@code written}: set to a value), reporting why not.
     */
    private static boolean checkHeader(PluginFields section, String field, String name, boolean written) {
        if (!Entry.isHeaderName(name)) {
            section.error(field, "'" + name + "' is not a valid header");
            return false;
        }
        String folded = UpstreamHeaders.fold(name);
        if (UpstreamHeaders.isGatewayOwned(folded)) {
            section.error(field, "'" + name + "' is set by the gateway, not by request-transformer");
            return false;
        }
        if (written && UpstreamHeaders.isIdentity(folded)) {
            section.error(
                    field,
                    "'" + name + "' is an identity header: only an authentication plugin sets it"
                            + " (a transformed value could let a client forge an identity)");
            return false;
        }
        return true;
    }
}
