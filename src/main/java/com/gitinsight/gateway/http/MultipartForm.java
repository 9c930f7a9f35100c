package com.gitinsight.gateway.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * body operations. Parts keep their headers (names in lower case) and contents as they came; a
 * part's {@code Content-Transfer-Encoding} is not applied, as Kong's library does not apply it.
 * Confined to the request that read it.
 */
public final class MultipartForm {

    /** More parts than a bounded body could usefully hold: a body of empty parts is not worth reading. */
    private static final int MAX_PARTS = 1000;

    private static final byte[] DASHES = {'-', '-'};
    private static final byte[] CRLF = {'\r', '\n'};

    private record Part(String name, List<String[]> headers, byte[] content) {}

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
     * The body's parts, or null when the type has no boundary or the body does not parse (Kong:
     * "unable to decode multipart body"). An empty body has no parts.
     */
    public static MultipartForm parse(byte[] body, String contentType) {
        Upload upload = new Upload(body.length); // a few fields: FileUpload does not say it may be shared
        byte[] boundary = contentType == null ? null : upload.getBoundary(contentType);
        if (boundary == null || boundary.length == 0) {
            return null;
        }
        List<Part> parts = new ArrayList<>();
        if (body.length == 0) {
            return new MultipartForm(parts, boundary);
        }
        try {
            FileItemInputIterator items = upload.getItemIterator(new Body(body, contentType));
            while (items.hasNext()) {
                FileItemInput item = items.next();
                if (parts.size() >= MAX_PARTS) {
                    return null;
                }
                byte[] content;
                try (InputStream in = item.getInputStream()) {
                    content = in.readAllBytes();
                }
                parts.add(new Part(item.getFieldName(), headers(item.getHeaders()), content));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new MultipartForm(parts, boundary);
    }

    private static List<String[]> headers(FileItemHeaders headers) {
        List<String[]> out = new ArrayList<>();
        for (Iterator<String> names = headers.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            for (Iterator<String> values = headers.getHeaders(name); values.hasNext(); ) {
                out.add(new String[] {name, values.next()});
            }
        }
        return out;
    }

    /** Marks a value that is neither absent nor one string: the name was sent more than once. */
    public static final Object REPEATED = new Object();

    /**
     * Kong's {@code get_all_with_arrays} for one name: null, the part's content as a String, or
     * {@link #REPEATED}.
     */
    public Object value(String name) {
        Object found = null;
        for (Part p : parts) {
            if (name.equals(p.name())) {
                if (found != null) {
                    return REPEATED;
                }
                found = new String(p.content(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    /** Kong's {@code get}: the first part of that name's content, or null. */
    public String first(String name) {
        for (Part p : parts) {
            if (name.equals(p.name())) {
                return new String(p.content(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public boolean has(String name) {
        return first(name) != null;
    }

    /** Kong's {@code delete}: every part of that name. */
    public void delete(String name) {
        parts.removeIf(p -> name.equals(p.name()));
    }

    /**
     * Kong's {@code set_simple}: the first part of that name becomes a plain field with
     * {@code value}, in its place; without one, the field is added at the end.
     *
     * @throws IllegalArgumentException when the value holds the boundary's delimiter at the start of
     *     a line, or the name a quote or a line end
     */
    public void setSimple(String name, String value) {
        // A delimiter counts at the start of a line (a lenient parser takes a bare LF as a line end).
        if (value.startsWith(delimiter) || value.contains("\n" + delimiter)) {
            throw new IllegalArgumentException("a multipart value may not hold the body's boundary");
        }
        if (name.indexOf('"') >= 0 || name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a multipart field name may not hold a quote or a line end");
        }
        List<String[]> headers = new ArrayList<>(1);
        headers.add(new String[] {"Content-Disposition", "form-data; name=\"" + name + "\""});
        Part made = new Part(name, headers, value.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < parts.size(); i++) {
            if (name.equals(parts.get(i).name())) {
                parts.set(i, made);
                return;
            }
        }
        parts.add(made);
    }

    /** Kong's {@code tostring}: every part with the same boundary; no parts, no body. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (parts.isEmpty()) {
            return new byte[0];
        }
        for (Part p : parts) {
            out.writeBytes(DASHES);
            out.writeBytes(boundary);
            out.writeBytes(CRLF);
            for (String[] h : p.headers()) {
                out.writeBytes((h[0] + ": " + h[1]).getBytes(StandardCharsets.UTF_8));
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
