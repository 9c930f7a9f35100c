package com.gitinsight.gateway.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.http.FieldNames;
import com.gitinsight.gateway.http.MultipartForm;
import com.gitinsight.gateway.http.StrictJson;
import com.gitinsight.gateway.http.UrlArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * request-transformer's body changes (Kong's {@code transform_json_body},
 * {@code transform_url_encoded_body} and {@code transform_multipart_body}), on a body already read
 * whole. Values are the rendered
 * templates, always inserted as strings; only top-level keys are touched ({@code a.b} is a key).
 */
final class RequestBodies {

    static final ObjectMapper JSON = StrictJson.MAPPER;

    private RequestBodies() {}

    /**
     * The JSON body changed, or null when it is left as sent: a body that is not a JSON object (Kong
     * passes malformed JSON on untouched), or operations that changed nothing on a route that strips
     * no field. An empty body is taken as {@code {}}; remove, rename and replace only apply to a
     * non-empty body. Where the route strips fields (remove, rename, replace), a body read is always
     * written again, so a key sent twice reaches the backend once, as read here.
     *
     * @throws UnreadableBody where the route strips fields and the body starts as an object but does
     *     not parse: a more lenient parser (Python's takes {@code NaN}, others comments or trailing
     *     commas) would read the fields the route strips
     */
    static byte[] json(byte[] body, RequestTransformerSchema.Ops ops, Function<Template, String> render)
            throws UnreadableBody {
        boolean strips = strips(ops);
        ObjectNode json;
        if (!inUtf8(body)) {
            // UTF-16 or UTF-32 JSON: Kong's cjson cannot read it and passes it on; Jackson can, and
            // would write it back as UTF-8 under the client's charset. A backend that reads it as
            // sent would still find the fields the route strips: refused there.
            if (strips) {
                throw new UnreadableBody("The JSON body could not be read");
            }
            return null;
        }
        if (body.length == 0) {
            json = JsonNodeFactory.instance.objectNode();
        } else {
            try {
                JsonNode parsed = JSON.readTree(body);
                if (!(parsed instanceof ObjectNode o)) {
                    return null;
                }
                json = o;
            } catch (IOException e) {
                if (strips && startsAsObject(body)) {
                    throw new UnreadableBody("The JSON body could not be read");
                }
                return null;
            }
        }
        boolean changed = strips && body.length > 0;
        if (body.length > 0) {
            for (String name : ops.remove()) {
                // Kong re-encodes whenever a remove is configured, present or not.
                json.remove(name);
                changed = true;
            }
            for (RequestTransformerSchema.Rename r : ops.rename()) {
                // Kong 3.8's rename moves a truthy value only: a false stays where it is.
                if (!r.from().equals(r.to()) && json.has(r.from()) && truthy(json.get(r.from()))) {
                    json.set(r.to(), json.remove(r.from()));
                    changed = true;
                }
            }
            for (RequestTransformerSchema.Value v : ops.replace()) {
                if (truthy(json.get(v.name()))) {
                    json.put(v.name(), render.apply(v.value()));
                    changed = true;
                }
            }
        }
        for (RequestTransformerSchema.Value v : ops.add()) {
            if (!truthy(json.get(v.name()))) {
                json.put(v.name(), render.apply(v.value()));
                changed = true;
            }
        }
        InsertedSlots slots = new InsertedSlots();
        for (RequestTransformerSchema.Value v : ops.append()) {
            String value = render.apply(v.value());
            JsonNode old = json.get(v.name());
            ArrayNode list;
            if (old instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.isEmpty()) {
                slots.insert(o, JsonNodeFactory.instance.textNode(value));
                changed = true;
                continue;
            }
            if (old instanceof ArrayNode a) {
                list = a;
            } else {
                // Kong: a string becomes [old, new]; anything else (absent, number, an empty object) is replaced by
                // [new].
                list = json.putArray(v.name());
                if (old != null && old.isTextual()) {
                    list.add(old.textValue());
                }
            }
            list.add(value);
            changed = true;
        }
        if (!changed) {
            return null;
        }
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Lua's truth: anything but absent and {@code false} (JSON null is cjson.null, a true value). */
    private static boolean truthy(JsonNode node) {
        return node != null && !(node.isBoolean() && !node.booleanValue());
    }

    /** The form body changed ({@code application/x-www-form-urlencoded}), or null when unchanged. */
    static byte[] form(byte[] body, RequestTransformerSchema.Ops ops, Function<Template, String> render) {
        Map<String, List<String>> args = UrlArgs.decode(new String(body, StandardCharsets.UTF_8));
        // Where the route strips fields the form is always written again: a backend that splits on
        // ';' too (Rack 2) then reads the fields read here ("a=1;is_admin=1" goes as one value).
        boolean changed = strips(ops) && body.length > 0;
        if (body.length > 0) {
            changed |= stripFields(args, ops, render);
        }
        // Otherwise, as Kong's transform_url_encoded_body: a body nothing applied to goes as sent
        // (written again, its escapes and its '+' would change).
        changed |= addAndAppend(args, ops, render);
        return changed ? UrlArgs.encode(args, false).getBytes(StandardCharsets.UTF_8) : null;
    }

    /** A body that cannot be read where fields must be stripped from it: refused, never passed on. */
    static final class UnreadableBody extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableBody(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The multipart body changed as Kong's {@code transform_multipart_body} changes it (rename,
     * remove, replace, then add; no append; all but add only on a non-empty body; a replaced field
     * moves to the end, as Kong's library deletes then sets it), or null when nothing changed and
     * the route strips no field (where it does, the body is always written again, see
     * {@link MultipartForm}).
     *
     * @throws UnreadableBody when the body does not parse while an operation would strip or
     *     override a field (a backend's parser could read fields this one does not), or a rendered
     *     value holds the body's boundary (it would close its part and open one of the client's
     *     making)
     */
    static byte[] multipart(
            byte[] body, String contentType, RequestTransformerSchema.Ops ops, Function<Template, String> render)
            throws UnreadableBody {
        boolean strips = strips(ops);
        MultipartForm form = MultipartForm.parse(body, contentType);
        if (form == null) {
            if (strips && body.length > 0) {
                throw new UnreadableBody("The multipart/form-data body could not be read");
            }
            return null;
        }
        boolean changed = false;
        try {
            if (body.length > 0) {
                for (RequestTransformerSchema.Rename r : ops.rename()) {
                    changed |= form.rename(r.from(), r.to());
                }
                for (String name : ops.remove()) {
                    form.delete(name);
                    changed = true;
                }
                for (RequestTransformerSchema.Value v : ops.replace()) {
                    if (form.hasField(v.name())) {
                        form.delete(v.name());
                        form.setSimple(v.name(), render.apply(v.value()));
                        changed = true;
                    }
                }
            }
            for (RequestTransformerSchema.Value v : ops.add()) {
                if (!form.has(v.name())) {
                    form.setSimple(v.name(), render.apply(v.value()));
                    changed = true;
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UnreadableBody("A transformed body value may not hold the multipart boundary");
        }
        // Where the route strips fields, the backend gets the body as read here, in the fixed form,
        // even when nothing matched: what it parses is then what was checked.
        return changed || strips && body.length > 0 ? form.toBytes() : null;
    }

    /**
     * Kong's remove, rename and replace on form or query arguments, each name also under the
     * spellings some backend reads as it ({@link FieldNames}): a field the route strips cannot
     * pass as {@code is.admin} or {@code is_admin[]} to PHP. True when any was configured.
     */
    static boolean stripFields(
            Map<String, List<String>> args, RequestTransformerSchema.Ops ops, Function<Template, String> render) {
        for (String name : ops.remove()) {
            args.keySet().removeIf(k -> FieldNames.sameField(k, name));
        }
        for (RequestTransformerSchema.Rename r : ops.rename()) {
            if (!r.from().equals(r.to())) {
                List<String> values = take(args, r.from());
                if (values != null) {
                    args.put(r.to(), values);
                }
            }
        }
        for (RequestTransformerSchema.Value v : ops.replace()) {
            if (take(args, v.name()) != null) {
                args.put(v.name(), one(render.apply(v.value())));
            }
        }
        return strips(ops);
    }

    /** Removes every spelling of {@code name}, answering the first one's values (null: none). */
    private static List<String> take(Map<String, List<String>> args, String name) {
        List<String> values = args.remove(name);
        for (java.util.Iterator<Map.Entry<String, List<String>>> it =
                        args.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, List<String>> e = it.next();
            if (FieldNames.sameField(e.getKey(), name)) {
                values = values != null ? values : e.getValue();
                it.remove();
            }
        }
        return values;
    }

    /** Whether the operations take or override fields the client sent (remove, rename, replace). */
    static boolean strips(RequestTransformerSchema.Ops ops) {
        return !ops.remove().isEmpty()
                || !ops.rename().isEmpty()
                || !ops.replace().isEmpty();
    }

    /**
     * Whether a JSON body is UTF-8 (or empty): JSON text starts with an ASCII character, so in
     * UTF-16 or UTF-32 one of its first two bytes is zero, or it starts with their byte order mark.
     */
    static boolean inUtf8(byte[] body) {
        if (body.length < 2) {
            return true;
        }
        int b0 = body[0] & 0xff;
        int b1 = body[1] & 0xff;
        return b0 != 0 && b1 != 0 && !(b0 == 0xfe && b1 == 0xff) && !(b0 == 0xff && b1 == 0xfe);
    }

    /** Whether the body's first character, after a UTF-8 byte order mark and white space, is '{'. */
    private static boolean startsAsObject(byte[] body) {
        int i = body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf
                ? 3
                : 0;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
            i++;
        }
        return i < body.length && body[i] == '{';
    }

    /** {@code add} (only when absent) and {@code append} (a value more) on arguments; whether any applied. */
    static boolean addAndAppend(
            Map<String, List<String>> args, RequestTransformerSchema.Ops ops, Function<Template, String> render) {
        boolean changed = false;
        for (RequestTransformerSchema.Value v : ops.add()) {
            if (!args.containsKey(v.name())) {
                args.put(v.name(), one(render.apply(v.value())));
                changed = true;
            }
        }
        for (RequestTransformerSchema.Value v : ops.append()) {
            List<String> values = args.computeIfAbsent(v.name(), k -> new ArrayList<>(2));
            if (values.size() == 1 && values.get(0) == null) {
                // Kong's append_value: a bare argument (true) is not a value to keep ({ value }).
                values = one(render.apply(v.value()));
                args.put(v.name(), values);
            } else {
                values.add(render.apply(v.value()));
            }
            changed = true;
        }
        return changed;
    }

    static List<String> one(String value) {
        List<String> out = new ArrayList<>(2);
        out.add(value);
        return out;
    }
}
