package com.gitinsight.gateway.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.http.MultipartForm;
import com.gitinsight.gateway.http.StrictJson;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request body's arguments for key-auth's {@code key_in_body}, as Kong's
 * {@code kong.request.get_body()} reads them: an {@code application/x-www-form-urlencoded} form,
 * an {@code application/json} object or a {@code multipart/form-data} body ({@link MultipartForm}). Only a body of at most {@link #MAX_BYTES} is read (Kong reads
 * only what fits its client body buffer, 8 KiB by default); a larger one, another type or an
 * unparsable one has no arguments, and is sent on untouched. What was read reaches the upstream
 * through {@link RequestContext#upstreamBody}, unchanged unless a key is removed from it.
 */
final class BodyArgs {

    /** Kong's default {@code client_body_buffer_size}. */
    static final int MAX_BYTES = 8 * 1024;

    private static final ObjectMapper JSON = StrictJson.MAPPER;
    private static final BodyArgs NONE = new BodyArgs(null, null, null, null, null);

    private final byte[] bytes;
    private final FormArgs form;
    private final ObjectNode json;
    private final MultipartForm multipart;
    private final String contentType;

    private BodyArgs(byte[] bytes, FormArgs form, ObjectNode json, MultipartForm multipart, String contentType) {
        this.bytes = bytes;
        this.form = form;
        this.json = json;
        this.multipart = multipart;
        this.contentType = contentType;
    }

    /**
     * Reads the body's arguments, handing what was read on to the upstream.
     *
     * @throws IOException when the body ended before its declared length (a shorter body never
     *     goes on as if it were whole)
     */
    static BodyArgs read(HttpServletRequest request, RequestContext context) throws IOException {
        String type = request.getHeader("Content-Type");
        String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
        boolean isForm = lower.startsWith("application/x-www-form-urlencoded");
        boolean isJson = lower.startsWith("application/json");
        boolean isMultipart = lower.startsWith("multipart/form-data");
        long length = request.getContentLengthLong();
        boolean chunked = length < 0 && com.gitinsight.gateway.http.BodyFraming.unknownLength(request);
        if (!isForm && !isJson && !isMultipart || length > MAX_BYTES || length <= 0 && !chunked) {
            return NONE;
        }
        InputStream in = request.getInputStream();
        byte[] read = in.readNBytes(MAX_BYTES + 1);
        if (length > 0 && read.length < length) {
            throw new IOException("the body ended after " + read.length + " of " + length + " bytes");
        }
        if (read.length > MAX_BYTES) {
            // Too large to look into: what was read, then the rest of the stream, as sent.
            context.upstreamBody(new SequenceInputStream(new ByteArrayInputStream(read), in), -1);
            return NONE;
        }
        context.upstreamBody(new ByteArrayInputStream(read), read.length);
        if (isForm) {
            return new BodyArgs(read, FormArgs.parse(new String(read, StandardCharsets.UTF_8)), null, null, type);
        }
        if (isMultipart) {
            MultipartForm parts = MultipartForm.parse(read, type);
            return parts == null ? NONE : new BodyArgs(read, null, null, parts, type);
        }
        try {
            JsonNode tree = JSON.readTree(read);
            return tree instanceof ObjectNode o ? new BodyArgs(read, null, o, null, type) : NONE;
        } catch (JsonProcessingException e) {
            return NONE;
        }
    }

    /** As {@link FormArgs#value}: null, a String, {@link FormArgs#DUPLICATE} or {@link FormArgs#NOT_A_STRING}. */
    Object value(String name) {
        if (form != null) {
            return form.value(name);
        }
        if (multipart != null) {
            Object v = multipart.value(name);
            return v == MultipartForm.REPEATED ? FormArgs.DUPLICATE : v;
        }
        if (json == null || !json.has(name)) {
            return null;
        }
        JsonNode v = json.get(name);
        if (v.isTextual()) {
            return v.textValue();
        }
        return v.isContainerNode() ? FormArgs.DUPLICATE : FormArgs.NOT_A_STRING;
    }

    /** Removes {@code name} from the body the upstream gets (same type), when the body has it. */
    void remove(String name, RequestContext context) throws IOException {
        byte[] out = null;
        if (form != null && form.has(name)) {
            // The other arguments go on as their bytes came (attacker review 262: a raw 0xE9 read
            // as UTF-8 and written back became EF BF BD): cut from the bytes read one char per
            // byte. Key names are ASCII tokens, found alike in either reading.
            String rest = FormArgs.parse(new String(bytes, StandardCharsets.ISO_8859_1))
                    .without(name);
            out = rest == null ? new byte[0] : rest.getBytes(StandardCharsets.ISO_8859_1);
        } else if (multipart != null && multipart.hasField(name)) {
            multipart.delete(name);
            out = multipart.toBytes();
            // The one boundary it was read and written with: nothing else to take another from.
            context.upstreamHeader("Content-Type", multipart.contentType());
        } else if (json != null && json.has(name)) {
            json.remove(name);
            out = JSON.writeValueAsBytes(json);
        }
        if (out != null) {
            context.upstreamBody(new ByteArrayInputStream(out), out.length);
        }
    }

    @Override
    public String toString() {
        // Never print a body: it may hold a key.
        return "BodyArgs[" + contentType + ", " + (bytes == null ? 0 : bytes.length) + " bytes]";
    }
}
