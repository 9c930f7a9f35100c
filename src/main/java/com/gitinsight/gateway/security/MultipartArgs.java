package com.gitinsight.gateway.security;

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
 * A {@code multipart/form-data} body's fields, as Kong's {@code kong.request.get_body()} reads them
 * ({@code get_all_with_arrays}: a name sent once is its part's content, a repeated one an array):
 * parsed by Commons FileUpload from a body already read and bounded ({@link BodyArgs}). Without a
 * field, the body is written again with the other parts' headers and contents as they came and the
 * same boundary, as Kong's {@code set_body} encodes it again.
 */
final class MultipartArgs {

    /** More parts than an 8 KiB body could usefully hold: a body of empty parts is not worth reading. */
    private static final int MAX_PARTS = 256;

    private record Part(String name, List<String[]> headers, byte[] content) {}

    private final List<Part> parts;
    private final byte[] boundary;

    private MultipartArgs(List<Part> parts, byte[] boundary) {
        this.parts = parts;
        this.boundary = boundary;
    }

    /** The body's fields, or null when it is not a multipart body that parses. */
    static MultipartArgs parse(byte[] body, String contentType) {
        Upload upload = new Upload(); // a few fields: not shared, as FileUpload does not say it may be
        byte[] boundary = upload.getBoundary(contentType);
        if (boundary == null || boundary.length == 0) {
            return null;
        }
        List<Part> parts = new ArrayList<>();
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
            return null; // Kong: "unable to decode multipart body", so no arguments
        }
        return new MultipartArgs(List.copyOf(parts), boundary);
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

    /** As {@link FormArgs#value}: null, the part's content as a String, or {@link FormArgs#DUPLICATE}. */
    Object value(String name) {
        Object found = null;
        for (Part p : parts) {
            if (name.equals(p.name())) {
                if (found != null) {
                    return FormArgs.DUPLICATE;
                }
                found = new String(p.content(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    boolean has(String name) {
        return parts.stream().anyMatch(p -> name.equals(p.name()));
    }

    /** The body without the parts named {@code name}: the others as they came, the same boundary. */
    byte[] without(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            if (name.equals(p.name())) {
                continue;
            }
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

    private static final byte[] DASHES = {'-', '-'};
    private static final byte[] CRLF = {'\r', '\n'};

    @Override
    public String toString() {
        // Never print a part: one may hold a key.
        return "MultipartArgs[" + parts.size() + " parts]";
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

    /**
     * FileUpload's parser without a servlet API of its own: only the stream of items over a
     * {@link RequestContext} is used.
     */
    private static final class Upload extends AbstractFileUpload<byte[], DiskFileItem, DiskFileItemFactory> {
        Upload() {
            setSizeMax(BodyArgs.MAX_BYTES);
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
