package com.gitinsight.gateway.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemHeaders;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.RequestContext;

/**
 * A {@code multipart/form-data} body already read (and bounded), parsed by Commons FileUpload, with
 * the edits Kong makes through its multipart library ({@code get}, {@code delete},
 * {@code set_simple}, {@code tostring}): key-auth's {@code key_in_body} and request-transformer's
 * body operations. Confined to the request that read it.
 *
 * <p>The gateway decides on fields a backend's parser reads again, so only bodies every common
 * parser reads the same way are taken ({@link MultipartShape}; anything else is null: "cannot be
 * read"). A changed body is written in one fixed form: each part's
 * {@code Content-Disposition} (name, and filename for a file), its {@code Content-Type} if it had
 * one, and its bytes; other part headers are not kept (as Kong's {@code set_body} keeps none).
 */
public final class MultipartForm {

    /** More parts than a bounded body could usefully hold: a body of empty parts is not worth reading. */
    private static final int MAX_PARTS = 1000;

    private static final byte[] DASHES = {'-', '-'};
    private static final byte[] CRLF = {'\r', '\n'};

    /** A part: names and header values are kept as ISO-8859-1 text, so their bytes go out as they came. */
    private record Part(String name, String filename, String contentType, byte[] content) {}

    private final List<Part> parts;
    private final byte[] boundary;
    /** The delimiter a value must not hold: it would end its part and start one of the client's making. */
    private final String delimiter;

    private MultipartForm(List<Part> parts, byte[] boundary) {
        this.parts = parts;
        this.boundary = boundary;
        this.delimiter = "--" + new String(boundary, StandardCharsets.ISO_8859_1);
    }

    /**
     * The body's parts, or null when the type has no plain boundary or the body is not one every
     * parser reads alike (see the class comment; Kong: "unable to decode multipart body"). An empty
     * body has no parts.
     */
    public static MultipartForm parse(byte[] body, String contentType) {
        byte[] boundary = MultipartShape.boundary(contentType);
        if (boundary == null) {
            return null;
        }
        List<Part> parts = new ArrayList<>();
        if (body.length == 0) {
            return new MultipartForm(parts, boundary);
        }
        int delimiters = MultipartShape.delimiters(body, boundary);
        if (delimiters < 0 || delimiters > MAX_PARTS) {
            return null;
        }
        Upload upload = new Upload(body.length); // a few fields: FileUpload does not say it may be shared
        try {
            // The type as checked, so FileUpload cannot take another boundary than the one checked.
            FileItemInputIterator items = upload.getItemIterator(new Body(body, typeOf(boundary)));
            while (items.hasNext()) {
                Part part = part(items.next());
                if (part == null || parts.size() >= delimiters) {
                    return null;
                }
                parts.add(part);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return parts.size() == delimiters ? new MultipartForm(parts, boundary) : null;
    }

    /** One part, or null when its headers are not ones every parser reads alike. */
    private static Part part(FileItemInput item) throws IOException {
        FileItemHeaders headers = item.getHeaders();
        String disposition = null;
        String type = null;
        for (Iterator<String> names = headers.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            for (Iterator<String> values = headers.getHeaders(name); values.hasNext(); ) {
                String value = values.next();
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    return null; // a bare line end: two headers to another parser
                }
                if (name.equalsIgnoreCase("Content-Disposition")) {
                    if (disposition != null) {
                        return null; // which one counts differs between parsers
                    }
                    disposition = value;
                } else if (name.equalsIgnoreCase("Content-Type")) {
                    if (type != null) {
                        return null;
                    }
                    type = value;
                }
            }
        }
        if (disposition == null
                || !disposition.strip().toLowerCase(Locale.ROOT).startsWith("form-data")
                || disposition.contains("=?")
                || disposition.indexOf('*') >= 0
                || disposition.contains("\\")) {
            return null; // encoded or escaped names are read differently, or not at all, elsewhere
        }
        if (type != null && type.strip().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return null; // nested parts would come out under their own names
        }
        String name = item.getFieldName();
        String filename = item.getName();
        if (name == null || !MultipartShape.plain(name) || filename != null && !MultipartShape.plain(filename)) {
            return null;
        }
        byte[] content;
        try (InputStream in = item.getInputStream()) {
            content = in.readAllBytes();
        }
        return new Part(name, filename, type == null ? null : type.strip(), content);
    }

    /** The Content-Type of this body as written: the media type and its boundary, nothing else. */
    public String contentType() {
        return typeOf(boundary);
    }

    /** The Content-Type a body parsed with {@code contentType} is written with, or null when it has no plain boundary. */
    public static String writtenType(String contentType) {
        byte[] boundary = MultipartShape.boundary(contentType);
        return boundary == null ? null : typeOf(boundary);
    }

    private static String typeOf(byte[] boundary) {
        return "multipart/form-data; boundary=" + new String(boundary, StandardCharsets.ISO_8859_1);
    }

    /** A Java name as parts hold names: its UTF-8 bytes, one char each. */
    private static String wire(String name) {
        return new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Marks a value that is neither absent nor one string: the name was sent more than once. */
    public static final Object REPEATED = new Object();

    /**
     * Kong's {@code get_all_with_arrays} for one name: null, the part's content as a String, or
     * {@link #REPEATED}.
     */
    public Object value(String name) {
        String wire = wire(name);
        Object found = null;
        for (Part p : parts) {
            if (wire.equals(p.name())) {
                if (found != null) {
                    return REPEATED;
                }
                found = new String(p.content(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    /**
     * Kong's {@code get_all_with_arrays} for every name, in the body's order: each name (UTF-8) with
     * its parts' contents, one or more (Kong: a string, or an array for a repeated name).
     */
    public Map<String, List<String>> fields() {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (Part p : parts) {
            String name = new String(p.name().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(new String(p.content(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Kong's {@code get}: the first part of that name's content, or null. */
    public String first(String name) {
        String wire = wire(name);
        for (Part p : parts) {
            if (wire.equals(p.name())) {
                return new String(p.content(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public boolean has(String name) {
        return first(name) != null;
    }

    /**
     * Whether a part has a name some backend reads as {@code name} (see {@link FieldNames}); Kong's
     * {@code get} compares exactly ({@link #has}).
     */
    public boolean hasField(String name) {
        String wire = wire(name);
        return parts.stream().anyMatch(p -> FieldNames.sameField(p.name(), wire));
    }

    /**
     * Kong's {@code delete}: every part of that name, and every part whose name some backend reads
     * as that name (see {@link FieldNames}): a field the route removes cannot pass under another
     * spelling.
     */
    public void delete(String name) {
        String wire = wire(name);
        parts.removeIf(p -> FieldNames.sameField(p.name(), wire));
    }

    /**
     * Kong's {@code set_simple}: the first part of that name becomes a plain field with
     * {@code value}, in its place; without one, the field is added at the end.
     *
     * @throws IllegalArgumentException when the value holds the boundary's delimiter, or the name a
     *     quote, a backslash or a line end
     */
    public void setSimple(String name, String value) {
        if (value.contains(delimiter)) {
            throw new IllegalArgumentException("a multipart value may not hold the body's boundary");
        }
        if (!MultipartShape.plain(name)) {
            throw new IllegalArgumentException("a multipart field name may not hold a quote or a line end");
        }
        set(wire(name), value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Kong's rename ({@code get}, {@code set_simple}, {@code delete}): the first part of
     * {@code from}'s bytes become the plain field {@code to}; every part of {@code from} goes.
     * False when there is none, or the names are the same.
     */
    public boolean rename(String from, String to) {
        if (!MultipartShape.plain(to)) {
            throw new IllegalArgumentException("a multipart field name may not hold a quote or a line end");
        }
        String wireFrom = wire(from);
        if (from.equals(to)) {
            return false;
        }
        for (Part p : parts) {
            if (FieldNames.sameField(p.name(), wireFrom)) {
                set(wire(to), p.content());
                delete(from);
                return true;
            }
        }
        return false;
    }

    private void set(String wire, byte[] value) {
        Part made = new Part(wire, null, null, value);
        for (int i = 0; i < parts.size(); i++) {
            if (wire.equals(parts.get(i).name())) {
                parts.set(i, made);
                return;
            }
        }
        parts.add(made);
    }

    /** Kong's {@code tostring}: every part in the fixed form, the same boundary; no parts, no body. */
    public byte[] toBytes() {
        if (parts.isEmpty()) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            out.writeBytes(DASHES);
            out.writeBytes(boundary);
            out.writeBytes(CRLF);
            String disposition = "Content-Disposition: form-data; name=\"" + p.name() + "\""
                    + (p.filename() == null ? "" : "; filename=\"" + p.filename() + "\"");
            out.writeBytes(disposition.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(CRLF);
            if (p.contentType() != null) {
                out.writeBytes(("Content-Type: " + p.contentType()).getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(CRLF);
            }
            out.writeBytes(CRLF);
            out.writeBytes(p.content());
            out.writeBytes(CRLF);
        }
        out.writeBytes(DASHES);
        out.writeBytes(boundary);
        out.writeBytes(DASHES);
        out.writeBytes(CRLF);
        return out.toByteArray();
    }

    @Override
    public String toString() {
        // Never print a part: one may hold a key.
        return "MultipartForm[" + parts.size() + " parts]";
    }

    /** The body as FileUpload's request. */
    private record Body(byte[] bytes, String contentType) implements RequestContext {
        @Override
        public String getCharacterEncoding() {
            return null;
        }

        @Override
        public long getContentLength() {
            return bytes.length;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public boolean isMultipartRelated() {
            return false;
        }
    }

    /** FileUpload's parser without a servlet API of its own: only its stream of items is used. */
    private static final class Upload extends AbstractFileUpload<byte[], DiskFileItem, DiskFileItemFactory> {
        Upload(long maxBytes) {
            setSizeMax(maxBytes);
            setFileCountMax(MAX_PARTS);
            // One byte one char: names and header values go out as the bytes that came.
            setHeaderCharset(StandardCharsets.ISO_8859_1);
        }

        @Override
        public FileItemInputIterator getItemIterator(byte[] request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(byte[] request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<DiskFileItem> parseRequest(byte[] request) {
            throw new UnsupportedOperationException();
        }
    }
}
