package com.gitinsight.gateway.cache;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The response of a cacheable request on its way to the client. When the backend commits it
 * (first body byte, flush, or the end), it decides once: store it (a copy of the body is kept
 * while it streams through, up to {@code max_body_size}; past that the copy is dropped, never the
 * stream), pass it through ({@code X-Cache-Status: Bypass}), or, when a stale entry can stand in
 * for an error, swallow it so the filter serves the stale entry instead. A body is stored only
 * when it came through whole: as long as its {@code Content-Length} said, and with no write to
 * the client failing (a backend failing mid-body is reported to the filter, see
 * {@link #abandon}).
 */
final class CapturingResponse extends HttpServletResponseWrapper {

    private enum Mode {
        UNDECIDED,
        PASS,
        CAPTURE,
        SUPPRESS
    }

    /** Not stored with an entry: per-hop, or re-made on every hit. */
    private static final Set<String> NOT_STORED = Set.of(
            "connection",
            "keep-alive",
            "transfer-encoding",
            "content-length",
            "age",
            "x-cache-status",
            "x-cache-key",
            "date",
            "content-type",
            // Kong-Debug's answer to one request, never an entry's (they name the configuration).
            "kong-route-id",
            "kong-route-name",
            "kong-service-id",
            "kong-service-name");

    private final HttpServletRequest request;
    private final ProxyCacheSchema.Config config;
    private final boolean sharedOnly;
    /** Asked when the answer is an error: whether the stale entry may still stand in for it. */
    private final java.util.function.BooleanSupplier staleStandsIn;

    private final String cacheStatus;
    private final String key;
    private final String path;
    private final boolean evictable;
    private final Consumer<CachedResponse> store;
    private Mode mode = Mode.UNDECIDED;
    private boolean finished;
    /** Whether {@link #store} has heard the outcome (an entry, or null: nothing will be). */
    private boolean told;

    private CachedResponse result;
    private List<String> headers;
    private List<String> varyNames;
    private long ttlSeconds;
    private boolean clientWriteFailed;
    private ByteArrayOutputStream copy;
    /** The budget the copy's bytes are taken from, and how many it holds now. */
    private final com.gitinsight.gateway.http.BufferBudget budget;

    private long taken;
    /** System.nanoTime() when the copy began. */
    private long copyStarted;

    /**
     * A copy held longer than this (a client reading slowly) is dropped: the budget is shared, and
     * slow readers holding it would leave every other answer unstored (attacker review 185).
     */
    private final long holdNanos;

    private ServletOutputStream stream;
    private PrintWriter writer;

    /**
     * {@code store} receives the entry once, when it is complete, or null once it is known that
     * nothing will be stored (not storable, too large, cut). {@code sharedOnly}: the request
     * was {@link Admission#SHARED_ONLY}, so only a response the backend marked shareable is kept.
     */
    CapturingResponse(
            HttpServletResponse response,
            HttpServletRequest request,
            ProxyCacheSchema.Config config,
            boolean sharedOnly,
            java.util.function.BooleanSupplier staleStandsIn,
            String cacheStatus,
            String key,
            String path,
            boolean evictable,
            com.gitinsight.gateway.http.BufferBudget budget,
            long holdNanos,
            Consumer<CachedResponse> store) {
        super(response);
        this.budget = budget;
        this.holdNanos = holdNanos;
        this.request = request;
        this.config = config;
        this.sharedOnly = sharedOnly;
        this.staleStandsIn = staleStandsIn;
        this.cacheStatus = cacheStatus;
        this.key = key;
        this.path = path;
        this.evictable = evictable;
        this.store = store;
    }

    private Mode decide() {
        if (mode != Mode.UNDECIDED) {
            return mode;
        }
        int status = getStatus();
        if (status >= 500 && staleStandsIn.getAsBoolean()) {
            mode = Mode.SUPPRESS;
            storesNothing();
            return mode;
        }
        ttlSeconds = storableFor(status);
        if (ttlSeconds > 0) {
            headers = endToEndHeaders();
            copy = new ByteArrayOutputStream(initialCopySize());
            copyStarted = System.nanoTime();
            mode = Mode.CAPTURE;
            ProxyCacheFilter.status(request, (HttpServletResponse) getResponse(), config, cacheStatus);
        } else {
            mode = Mode.PASS;
            storesNothing();
            ProxyCacheFilter.status(request, (HttpServletResponse) getResponse(), config, "Bypass");
        }
        if (config.responseHeaders().cacheKey()) {
            super.setHeader("X-Cache-Key", key);
        }
        return mode;
    }

    /** Seconds to keep it fresh, or 0: not storable. */
    private long storableFor(int status) {
        if (!config.responseCodes().contains(status)
                || !config.cachesType(getContentType())
                || getHeader("Set-Cookie") != null) {
            return 0;
        }
        String length = getHeader("Content-Length");
        if (length != null && parseLong(length) > config.maxBodyBytes()) {
            return 0;
        }
        varyNames = Variants.names(getHeaders("Vary"));
        if (varyNames == null) {
            return 0;
        }
        for (String name : varyNames) {
            if (CacheKeys.readUnknowable(request, name)) {
                // The variant would be keyed by a value the backend may not have read.
                return 0;
            }
        }
        long ttl = config.ttlSeconds();
        long sMaxAge = -1;
        long maxAge = -1;
        boolean shareable = false;
        // Kong ignores the response's Cache-Control unless cache_control is on. A response to a
        // credentialed request is kept only as the backend allows, whatever cache_control says:
        // its no-store, no-cache and freshness are always honoured then.
        boolean honour = config.cacheControl() || sharedOnly;
        for (String header : getHeaders("Cache-Control")) {
            for (String directive : header.split(",")) {
                String d = directive.trim().toLowerCase(Locale.ROOT);
                // Never stored, whatever cache_control says: a private answer is one client's (a
                // security rule, not Kong's: a shared cache must not hand it to another user).
                if (d.equals("private") || d.startsWith("private=")) {
                    return 0;
                }
                shareable |= d.equals("public") || d.startsWith("s-maxage=") || d.equals("must-revalidate");
                if (d.startsWith("s-maxage=")) {
                    sMaxAge = parseLong(d.substring(9));
                } else if (d.startsWith("max-age=")) {
                    maxAge = parseLong(d.substring(8));
                } else if (honour && (d.equals("no-store") || d.equals("no-cache") || d.startsWith("no-cache="))) {
                    return 0;
                }
            }
        }
        long explicit = sMaxAge >= 0 ? sMaxAge : maxAge;
        if (config.cacheControl()) {
            // Kong's resource_ttl: s-maxage, else max-age, else Expires; none of them: not stored.
            ttl = explicit >= 0 ? explicit : expiresIn();
        } else if (sharedOnly && explicit >= 0) {
            ttl = explicit;
        }
        if (sharedOnly && (!shareable || explicit < 0 && !hasPublic())) {
            // RFC 9111 3.5: public, s-maxage or must-revalidate; must-revalidate alone says how long
            // nothing, so it needs a max-age too.
            return 0;
        }
        return Math.max(0, ttl);
    }

    /** Seconds until the response's {@code Expires} (the last one), or 0 when there is none or it is unreadable. */
    private long expiresIn() {
        String expires = null;
        for (String e : getHeaders("Expires")) {
            expires = e;
        }
        if (expires == null) {
            return 0;
        }
        // nginx's parse_http_time, as Kong's calculate_resource_ttl reads it: RFC 1123, RFC 850 or asctime.
        long at = com.gitinsight.gateway.http.HttpDates.epochSeconds(expires.trim());
        return at == com.gitinsight.gateway.http.HttpDates.INVALID
                ? 0
                : Math.max(0, at - System.currentTimeMillis() / 1000);
    }

    private boolean hasPublic() {
        for (String header : getHeaders("Cache-Control")) {
            for (String directive : header.split(",")) {
                if (directive.trim().equalsIgnoreCase("public")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Grown as bytes arrive past 64 KiB: a declared length is no promise the bytes come. */
    private int initialCopySize() {
        String length = getHeader("Content-Length");
        long n = length == null ? 1024 : parseLong(length);
        return (int) Math.max(64, Math.min(Math.min(n, config.maxBodyBytes()), 64 << 10));
    }

    /** Gives the copy's bytes back to the budget (once they are stored, dropped or the request is over). */
    void release() {
        if (taken > 0) {
            budget.give(taken);
            taken = 0;
        }
    }

    private List<String> endToEndHeaders() {
        List<String> out = new ArrayList<>();
        // Servlet containers keep the content type apart from the header list.
        if (getContentType() != null) {
            out.add("Content-Type");
            out.add(getContentType());
        }
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.of(request);
        // The gateway's own X-Kong-Request-Id names this request only (a hit gets its own).
        boolean ownId = context != null && context.kongRequestIdDownstream();
        for (String name : getHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            // Kong's overwritable_header: what a rate limit had left is not replayed on a hit.
            // A HEAD answer keeps the length of the body it does not send (RFC 9110 9.3.2): its
            // entry holds no body to measure on a hit (helper review 131).
            boolean headLength = lower.equals("content-length") && "HEAD".equals(request.getMethod());
            if (NOT_STORED.contains(lower) && !headLength
                    || lower.contains("ratelimit-remaining")
                    || ownId && lower.equals(com.gitinsight.gateway.http.KongHeaders.REQUEST_ID_FOLDED)) {
                continue;
            }
            for (String value : getHeaders(name)) {
                out.add(name);
                out.add(value);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Tells {@link #store} (once) that nothing will be stored, as soon as that is known: misses
     * waiting for this one go to the backend then, not when this response's client has read it all.
     */
    private void storesNothing() {
        if (!told) {
            told = true;
            store.accept(null);
        }
    }

    boolean suppressed() {
        return mode == Mode.SUPPRESS;
    }

    /**
     * Stores the entry (once) and returns it, or null when there is nothing to store. Called when
     * the backend closes a body whose declared length has fully passed (so the entry is in the
     * cache before the client sees the response end), else after the chain returned normally.
     */
    CachedResponse finish(long now) throws IOException {
        if (finished) {
            return result;
        }
        finished = true;
        decide();
        if (writer != null) {
            writer.flush();
        }
        if (mode != Mode.CAPTURE || copy == null || !complete() || !fromBackend()) {
            storesNothing();
            return null;
        }
        long fresh = now + ttlSeconds * 1000;
        long kept = config.keptUntil(now, ttlSeconds);
        if (kept < 0) {
            storesNothing();
            return null; // a negative storage_ttl: Kong's store refuses it
        }
        result = new CachedResponse(
                getStatus(),
                headers,
                copy.toByteArray(),
                now,
                fresh,
                kept,
                path,
                evictable,
                varyNames,
                Variants.digest(varyNames, request));
        told = true;
        copy = null;
        release();
        store.accept(result);
        return result;
    }

    /**
     * Only what the backend answered is stored: a plugin's own answer (request-termination's, whose
     * {@code trigger} header is in no key) would otherwise answer every later request of the key,
     * and costs nothing to make again. Kong would store it.
     */
    private boolean fromBackend() {
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.of(request);
        // And with the backend's status: the gateway's own 502 for a backend whose 200 failed before
        // its first body byte is not the backend's answer (attacker review 177).
        return context == null || context.upstreamStatus() > 0 && context.upstreamStatus() == getStatus();
    }

    /**
     * The backend failed mid-body (the proxy cut the client's response): nothing is stored, even
     * a chunked body that looks whole. Returns null, as {@link #finish} with nothing stored.
     */
    CachedResponse abandon() {
        finished = true;
        copy = null;
        release();
        storesNothing();
        return null;
    }

    /**
     * The copy is the whole body: every byte reached the client and, when the backend declared a
     * length, exactly that many came. A HEAD response declares the length of a body it never sends.
     */
    private boolean complete() {
        if (clientWriteFailed) {
            return false;
        }
        String length = getHeader("Content-Length");
        return length == null || "HEAD".equals(request.getMethod()) || parseLong(length) == copy.size();
    }

    /** The whole declared body has been copied: a close now ends a complete response. */
    private boolean completeByLength() {
        String length = getHeader("Content-Length");
        return copy != null && !clientWriteFailed && length != null && parseLong(length) == copy.size();
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = switch (decide()) {
                case SUPPRESS -> new Tee(null);
                case CAPTURE -> new Tee(super.getOutputStream());
                default -> super.getOutputStream();
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), charset));
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        if (decide() != Mode.SUPPRESS) {
            super.flushBuffer();
        }
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        setStatus(sc);
        if (decide() != Mode.SUPPRESS) {
            super.sendError(sc, msg);
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        setStatus(sc);
        if (decide() != Mode.SUPPRESS) {
            super.sendError(sc);
        }
    }

    /** Writes through (null: nowhere) and keeps a bounded copy. */
    private final class Tee extends ServletOutputStream {
        private final ServletOutputStream out;

        Tee(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            keep(b, off, len);
            if (out == null) {
                return;
            }
            if (completeByLength() && mode == Mode.CAPTURE) {
                // The last declared bytes: the container ends the response as soon as they are
                // written, so the entry is stored first, or the client's next request could miss it.
                finish(System.currentTimeMillis());
            }
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                // The client went away: what it did not get is its loss; a stored body is whole.
                clientWriteFailed = true;
                storesNothing();
                throw e;
            }
        }

        private void keep(byte[] b, int off, int len) {
            if (copy == null) {
                return;
            }
            if (copy.size() + len > config.maxBodyBytes()
                    || System.nanoTime() - copyStarted > holdNanos
                    || !budget.take(len)) {
                copy = null; // too big to store (or too slow, or no room now): it only streams through
                release();
                storesNothing();
                return;
            }
            taken += len;
            copy.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                if (completeByLength()) {
                    finish(System.currentTimeMillis());
                }
                out.close();
            }
        }

        @Override
        public boolean isReady() {
            return out == null || out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            if (out != null) {
                out.setWriteListener(listener);
            }
        }
    }
}
