package com.gitinsight.gateway.transform;

import com.gitinsight.gateway.http.BufferBudget;
import com.gitinsight.gateway.http.HeaderText;
import com.gitinsight.gateway.http.LateResponseHeader;
import com.gitinsight.gateway.http.ManagedHeaders;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The response as response-transformer changes it. The header operations run once, when the
 * response is about to be committed (its body stream or writer is asked for, it is flushed, an
 * error is sent) or, for a response without a body, when the chain returns; each one's condition
 * is judged on the headers as they were before any ran (Kong's snapshot). With JSON operations,
 * a JSON body that is not content-encoded is buffered up to the bound, changed, and sent with its
 * new {@code Content-Length}; past the bound, what was buffered and the rest stream on unchanged
 * (without {@code Content-Length}, as Kong sends any body it transforms). A body that does not
 * parse is sent as it came. Where the operations hide something ({@code remove}, {@code rename} or
 * {@code replace} of a JSON field), a body that cannot be changed (past the bound, or
 * content-encoded) is never sent: the client gets a 502 (Kong, which buffers any size, would have
 * changed it; sending it unchanged would show what the route hides to whoever makes the body large).
 */
final class TransformingResponse extends HttpServletResponseWrapper {

    /** The instance, looked up at commit (null: none applies, the response passes untouched). */
    private final java.util.function.Supplier<ResponseTransformerSchema.Config> instance;

    private ResponseTransformerSchema.Config config;
    private final long maxBodyBytes;
    /** Told whether the route hides fields when a body is over the bounds. */
    private final java.util.function.Consumer<Boolean> oversize;

    private final java.util.function.BooleanSupplier truncated;
    private boolean headersApplied;
    /** The buffering body stream, or null when the body streams through. */
    private Buffer buffer;
    /** Whether the JSON operations hide fields (a body they cannot change is refused, not sent). */
    private boolean hides;

    private PrintWriter writer;
    private String originalLength;
    /** The request, through which the container's header list is reached (null: tests without one). */
    private final jakarta.servlet.ServletRequest request;
    /** What all responses in flight may hold; this one's share is {@link #taken}, given back by {@link #release}. */
    private final BufferBudget budget;

    private long taken;

    /** Headers the header operations never remove (lower-case). */
    private static final java.util.Set<String> KEPT = java.util.Set.of(
            "connection",
            "transfer-encoding",
            "keep-alive",
            com.gitinsight.gateway.http.KongHeaders.REQUEST_ID.toLowerCase(Locale.ROOT));

    /** The backend's headers that describe its body, not the 502 sent instead of it. */
    private static final List<String> BODY_HEADERS = List.of(
            "Content-Encoding",
            "Content-Range",
            "Content-Disposition",
            "ETag",
            "Last-Modified",
            "Accept-Ranges",
            "Cache-Control",
            "Expires");

    /** {@code truncated}: whether the backend's body ended early (then nothing held is sent). */
    TransformingResponse(
            HttpServletResponse response,
            jakarta.servlet.ServletRequest request,
            java.util.function.Supplier<ResponseTransformerSchema.Config> instance,
            long maxBodyBytes,
            BufferBudget budget,
            java.util.function.Consumer<Boolean> oversize,
            java.util.function.BooleanSupplier truncated) {
        super(response);
        this.request = request;
        this.budget = budget;
        this.instance = instance;
        this.maxBodyBytes = maxBodyBytes;
        this.oversize = oversize;
        this.truncated = truncated;
    }

    private HttpServletResponse out() {
        return (HttpServletResponse) getResponse();
    }

    /** Kong's header_filter: the header operations, then whether the body is to be changed. */
    private void commitHeaders() {
        if (headersApplied) {
            return;
        }
        headersApplied = true;
        if (isCommitted()) {
            return;
        }
        config = instance.get();
        if (config == null) {
            return;
        }
        hides = hides(config);
        // The headers the plugins before this one set at commit (cors, rate-limiting's, the ids
        // echoed, security-headers) are in place first: Kong's header_filter of each runs before
        // response-transformer's, which may then remove, rename or replace them.
        ManagedHeaders managed = request == null ? null : ManagedHeaders.existing(request);
        if (managed != null) {
            managed.apply();
        }
        if (request != null && touchesContentType(config.headers())) {
            com.gitinsight.gateway.runtime.RequestContext context =
                    com.gitinsight.gateway.runtime.RequestContext.of(request);
            if (context != null) {
                context.markAnswerTypedByPlugin(); // its type is this plugin's to set (helper review 244)
            }
        }
        applyHeaderOps(out(), request, config.headers());
        if (!config.json().isEmpty() && isJson(out().getContentType(), hides)) {
            boolean encoded = isEncoded(out().getHeaders("Content-Encoding"));
            if (!encoded || hides) {
                originalLength = out().getHeader("Content-Length");
                out().setContentLengthLong(-1);
                buffer = new Buffer();
                if (encoded) {
                    buffer.refuse(); // the filter asked for identity; a backend that compressed anyway
                }
            }
        }
    }

    private static boolean touchesContentType(
            ResponseTransformerSchema.Ops<ResponseTransformerSchema.HeaderValue> ops) {
        for (String name : ops.remove()) {
            if (name.equalsIgnoreCase("Content-Type")) {
                return true;
            }
        }
        for (ResponseTransformerSchema.Rename r : ops.rename()) {
            if (r.from().equalsIgnoreCase("Content-Type") || r.to().equalsIgnoreCase("Content-Type")) {
                return true;
            }
        }
        for (List<ResponseTransformerSchema.HeaderValue> values : List.of(ops.replace(), ops.add(), ops.append())) {
            for (ResponseTransformerSchema.HeaderValue v : values) {
                if (v.name().equalsIgnoreCase("Content-Type")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code config}'s JSON operations take something out of a body or change it in place. */
    static boolean hides(ResponseTransformerSchema.Config config) {
        ResponseTransformerSchema.Ops<ResponseTransformerSchema.JsonValue> json = config.json();
        return !json.remove().isEmpty()
                || !json.rename().isEmpty()
                || !json.replace().isEmpty();
    }

    static void applyHeaderOps(
            HttpServletResponse out,
            jakarta.servlet.ServletRequest request,
            ResponseTransformerSchema.Ops<ResponseTransformerSchema.HeaderValue> ops) {
        if (ops.isEmpty()) {
            return;
        }
        // Conditions are judged on the headers before any operation (Kong's snapshot).
        List<List<String>> renamed = new ArrayList<>(ops.rename().size());
        for (ResponseTransformerSchema.Rename r : ops.rename()) {
            renamed.add(values(out, r.from()));
        }
        boolean[] replaced = new boolean[ops.replace().size()];
        for (int i = 0; i < replaced.length; i++) {
            replaced[i] = !values(out, ops.replace().get(i).name()).isEmpty();
        }
        boolean[] present = new boolean[ops.add().size()];
        for (int i = 0; i < present.length; i++) {
            present[i] = !values(out, ops.add().get(i).name()).isEmpty();
        }
        for (String name : ops.remove()) {
            clear(out, request, name);
        }
        for (int i = 0; i < renamed.size(); i++) {
            List<String> values = renamed.get(i);
            ResponseTransformerSchema.Rename r = ops.rename().get(i);
            // The late header is not there yet in Kong when this plugin runs: nothing to rename.
            if (values.isEmpty() || LateResponseHeader.is(request, r.from())) {
                continue;
            }
            // Onto a header Kong sets after this plugin (the request id, a late one): Kong's value
            // wins there, but the old name is cleared all the same.
            if (!kept(request, r.to())) {
                for (int v = 0; v < values.size(); v++) {
                    // Kong's PDK sends an empty value as a single space.
                    String value = values.get(v).isEmpty() ? " " : values.get(v);
                    if (v == 0) {
                        out.setHeader(r.to(), value);
                    } else {
                        out.addHeader(r.to(), value);
                    }
                }
            }
            clear(out, request, r.from());
        }
        for (int i = 0; i < replaced.length; i++) {
            if (replaced[i] && !kept(request, ops.replace().get(i).name())) {
                out.setHeader(
                        ops.replace().get(i).name(),
                        HeaderText.wire(ops.replace().get(i).value()));
            }
        }
        for (int i = 0; i < present.length; i++) {
            if (!present[i] && !kept(request, ops.add().get(i).name())) {
                out.setHeader(
                        ops.add().get(i).name(),
                        HeaderText.wire(ops.add().get(i).value()));
            }
        }
        for (ResponseTransformerSchema.HeaderValue v : ops.append()) {
            if (!kept(request, v.name())) {
                out.addHeader(v.name(), HeaderText.wire(v.value()));
            }
        }
    }

    /**
     * A header no operation touches: the connection's framing, the request id Kong sets after every
     * plugin, and a header a later Kong phase adds (opentelemetry's trace id).
     */
    private static boolean kept(jakarta.servlet.ServletRequest request, String name) {
        return KEPT.contains(name.toLowerCase(Locale.ROOT)) || LateResponseHeader.is(request, name);
    }

    private static List<String> values(HttpServletResponse out, String name) {
        if (name.equalsIgnoreCase("Content-Type")) {
            String type = out.getContentType();
            return type == null ? List.of() : List.of(type);
        }
        Collection<String> values = out.getHeaders(name);
        return values == null ? List.of() : new ArrayList<>(values);
    }

    private static void clear(HttpServletResponse out, jakarta.servlet.ServletRequest request, String name) {
        if (name.equalsIgnoreCase("Content-Length")) {
            out.setContentLengthLong(-1);
        } else if (name.equalsIgnoreCase("Content-Type")) {
            out.setContentType(null); // the container's own field: no header list holds it
        } else if (kept(request, name)) {
            // The connection's framing (a Connection: close after a chunked request guards against
            // smuggling) and the request id Kong sets after every plugin are not a plugin's to remove.
            return;
        } else {
            com.gitinsight.gateway.http.ResponseHeaderRemoval.remove(request, out, name);
        }
    }

    /**
     * Kong 3.4+'s {@code is_json_body}: of the comma-separated types, one is {@code application/json}
     * or {@code application/*+json} (problem+json, hal+json), parameters aside, in any case. A
     * route that hides a field also takes what older Kong took, a type holding
     * {@code application/json} anywhere ({@code application/jsonp}): a field is never let through
     * for a spelling some Kong reads as JSON.
     */
    static boolean isJson(String contentType, boolean hides) {
        if (contentType == null) {
            return false;
        }
        String lower = com.google.common.base.Ascii.toLowerCase(contentType);
        if (hides && lower.contains("application/json")) {
            return true;
        }
        for (String part : lower.split(",")) {
            int semi = part.indexOf(';');
            String type = (semi < 0 ? part : part.substring(0, semi)).trim();
            if (type.equals("application/json")
                    || type.startsWith("application/") && type.endsWith("+json")) { // Kong's "^.-+json$"
                return true;
            }
        }
        return false;
    }

    /** Whether any {@code Content-Encoding} line names a coding other than identity. */
    private static boolean isEncoded(Collection<String> contentEncodings) {
        if (contentEncodings == null) {
            return false;
        }
        for (String line : contentEncodings) {
            for (String coding : line.split(",")) {
                if (!coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        commitHeaders();
        return buffer != null ? buffer : super.getOutputStream();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        commitHeaders();
        if (buffer == null) {
            return super.getWriter();
        }
        if (writer == null) {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            writer = new PrintWriter(new OutputStreamWriter(buffer, charset));
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        commitHeaders();
        if (buffer == null || buffer.through != null) {
            super.flushBuffer();
        }
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        commitHeaders();
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        commitHeaders();
        super.sendError(sc);
    }

    // While the body is buffered its length is the transformer's to set.
    @Override
    public void setContentLength(int len) {
        if (buffer == null) {
            super.setContentLength(len);
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        if (buffer == null) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (buffer == null || !name.equalsIgnoreCase("Content-Length")) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (buffer == null || !name.equalsIgnoreCase("Content-Length")) {
            super.addHeader(name, value);
        }
    }

    /**
     * The chain returned: the header operations for a response that never asked for a body stream,
     * and the buffered body's change.
     */
    /** Gives this response's share of the budget back (the filter's finally: also when the chain threw). */
    void release() {
        budget.give(taken);
        taken = 0;
    }

    void finish() throws IOException {
        commitHeaders();
        if (buffer != null) {
            buffer.finish();
        }
    }

    /**
     * The body buffered up to the bound; past it, what was held and the rest go through, or, when
     * the operations hide fields, are dropped and the client answered 502.
     */
    private final class Buffer extends ServletOutputStream {
        private ByteArrayOutputStream held = new ByteArrayOutputStream();
        ServletOutputStream through;
        private boolean finished;
        /**
         * The body is read to its end and dropped (no buffer held); if it had any byte, the client
         * gets a 502 (a HEAD's or a 304's headers go on).
         */
        private boolean refused;

        private long dropped;

        void refuse() {
            refused = true;
            if (held != null) {
                dropped += held.size();
            }
            held = null;
            release(); // nothing is held any more: other responses may buffer meanwhile
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (finished) {
                throw new IOException("response body already complete");
            }
            if (through != null) {
                through.write(b, off, len);
                return;
            }
            if (refused) {
                dropped += len;
                return;
            }
            if (held.size() + (long) len > maxBodyBytes || !budget.take(len)) {
                oversize.accept(hides);
                if (hides) {
                    refuse();
                    dropped += len;
                    return;
                }
                through = TransformingResponse.super.getOutputStream();
                held.writeTo(through);
                held = null;
                release(); // streamed from here: the budget is not held for the rest of a slow download
                through.write(b, off, len);
                return;
            }
            taken += len;
            held.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (through != null) {
                through.flush();
            }
        }

        @Override
        public void close() throws IOException {
            finish();
            TransformingResponse.super.getOutputStream().close();
        }

        void finish() throws IOException {
            if (finished) {
                return;
            }
            if (writer != null) {
                writer.flush();
            }
            finished = true;
            if (through != null) {
                through.flush();
                return;
            }
            if (refused) {
                // No body (a HEAD, a 304): its headers go on, but not the backend's length, which
                // tells what a GET's hidden fields weigh (Kong clears it for a JSON body it may change).
                if (dropped > 0) {
                    refused();
                }
                return;
            }
            byte[] body = held.toByteArray();
            held = null;
            if (truncated.getAsBoolean()) {
                // A backend that failed mid-body: never a shorter success. Nothing of it was sent:
                // Kong's 502 (an HTTP/1 connection is cut too; an HTTP/2 stream cannot be, and the
                // container ended it as an empty 200: attacker review 177).
                refused();
                return;
            }
            // The parsed tree weighs many times the text ([{},{},...] about 28 times: attacker review
            // 161): its estimate is taken from the budget while it lives, or the body is too big.
            // -1: no JSON the tree reader would take (not parsed at all: sent as it came, or refused
            // on a route that hides a field, below).
            long tree = body.length == 0 ? 0 : ResponseBodies.treeBytes(body);
            if (tree > 0 && !budget.take(tree)) {
                oversize.accept(hides);
                if (hides) {
                    refused();
                    return;
                }
                tree = -1; // sent as it came, as a body over max_body_size
            }
            byte[] changed;
            try {
                changed = tree < 0 ? null : body.length == 0 ? null : ResponseBodies.json(body, config.json());
            } finally {
                if (tree > 0) {
                    budget.give(tree);
                }
            }
            if (changed == null && body.length > 0 && hides) {
                // Not JSON after all (a range of it, too deep for the parser's limits, an error
                // page): Kong sends it unchanged, hidden field and all; a route that hides does not.
                refused();
                return;
            }
            HttpServletResponse out = out();
            if (changed != null) {
                out.setContentLengthLong(changed.length);
                body = changed;
            } else if (originalLength != null && body.length > 0) {
                out.setHeader("Content-Length", originalLength); // sent as it came
            }
            ServletOutputStream stream = TransformingResponse.super.getOutputStream();
            stream.write(body);
            stream.flush();
        }

        /** Kong's answer for a response it cannot pass on, with nothing of the backend's body. */
        private void refused() throws IOException {
            HttpServletResponse out = out();
            out.setStatus(HttpServletResponse.SC_BAD_GATEWAY);
            for (String name : BODY_HEADERS) {
                clear(out, request, name);
            }
            out.setContentType("application/json; charset=utf-8");
            byte[] body = "{\"message\":\"An invalid response was received from the upstream server\"}"
                    .getBytes(StandardCharsets.UTF_8);
            out.setContentLengthLong(body.length);
            ServletOutputStream stream = TransformingResponse.super.getOutputStream();
            stream.write(body);
            stream.flush();
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException("the transformed body is written blocking");
        }
    }
}
