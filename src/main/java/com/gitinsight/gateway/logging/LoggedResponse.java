package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.http.CountingOutputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The response as the log phase records it: the body bytes written and the headers set, kept as
 * they are set (name and value in turn) so the log record never reads them back from the
 * container (which looks each name up among all headers: quadratic, and the largest part of a
 * record's cost). Headers the response had when it was wrapped are read once, at the start.
 */
final class LoggedResponse extends HttpServletResponseWrapper {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private final List<String> headers = new ArrayList<>(40);
    /**
     * One bit per signature of each name held (a superset: never cleared but on a reset). A name
     * whose bit is clear is not held, so setting it searches nothing; most headers are set once.
     */
    private long held;
    /**
     * What the headers held cost a log record ({@link KongLogRecord#keptBytes}) and whether one may
     * quote the request's URI ({@link KongLogRecord#quotesUri(String)}; kept after a removal: a
     * superset only makes the record look for the query's credentials), counted as each is set,
     * while its strings are in this thread's cache: reading them all again at capture missed it.
     */
    private long headerBytes;

    private boolean quotesUri;

    private CountingOutputStream stream;
    /**
     * Whether the response may have been committed (a header set after that is not sent, so not
     * logged): only its body, a flush, an error or a redirect commits one. Asking the container
     * for every header set went through every wrapper to it, a tenth of the plugin's request work.
     */
    private boolean mayBeCommitted;

    LoggedResponse(HttpServletResponse response) {
        super(response);
        mayBeCommitted = response.isCommitted();
        readHeld();
    }

    /** Reads the headers the wrapped response holds now (at wrapping, and after a reset). */
    private void readHeld() {
        HttpServletResponse response = (HttpServletResponse) getResponse();
        // Payara lists each name once, another container may list a repeated name once per
        // value: a name's values are read with its first listing.
        java.util.Collection<String> listed = response.getHeaderNames();
        List<String> names = listed instanceof List<String> l ? l : new ArrayList<>(listed);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.equalsIgnoreCase("Date")) {
                // The gateway's own, as nginx's header filter adds it: not among the headers
                // Kong's log phase reads (ngx.resp.get_headers); a backend's, set later, is.
                continue;
            }
            if (listedBefore(names, i)) {
                continue; // read with its first listing
            }
            for (String value : response.getHeaders(name)) {
                hold(name, value);
            }
            held |= signature(name);
        }
    }

    /** Whether the name at {@code i} is listed before it, in any case. */
    private static boolean listedBefore(List<String> names, int i) {
        for (int j = 0; j < i; j++) {
            if (names.get(j).equalsIgnoreCase(names.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Body bytes written so far. */
    long bytes() {
        return stream == null ? 0 : stream.bytes();
    }

    /** The headers set, name and value in turn, a repeated header once per value. */
    List<String> headers() {
        return headers;
    }

    /** What {@link #headers()} cost a log record that keeps them. */
    long headerBytes() {
        return headerBytes;
    }

    /** Whether a header that may quote the request's URI was set (it may have been removed since). */
    boolean mayQuoteUri() {
        return quotesUri;
    }

    private void hold(String name, String value) {
        headers.add(name);
        headers.add(value);
        headerBytes += KongLogRecord.keptBytes(name, value);
        quotesUri |= KongLogRecord.quotesUri(name);
    }

    /**
     * A bit chosen by the name's length and last character, folded as {@code equalsIgnoreCase}
     * folds it: two names it finds equal have the same bit. A name with a surrogate anywhere
     * (compared by code point, which can pair characters at other positions) has every bit.
     */
    static long signature(String name) {
        int n = name.length();
        for (int i = 0; i < n; i++) {
            if (Character.isSurrogate(name.charAt(i))) {
                return -1L;
            }
        }
        char last = n == 0 ? 0 : name.charAt(n - 1);
        // ASCII folded by hand (every header name in practice): the JDK's case tables were a
        // third of this method (async-profiler, http-log); the same fold for those characters.
        int folded = last < 128
                ? (last >= 'A' && last <= 'Z' ? last + 32 : last)
                : Character.toLowerCase(Character.toUpperCase(last));
        return 1L << ((n * 31 + folded) & 63);
    }

    private void remove(String name) {
        for (int i = headers.size() - 2; i >= 0; i -= 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                headerBytes -= KongLogRecord.keptBytes(headers.get(i), headers.get(i + 1));
                headers.remove(i + 1);
                headers.remove(i);
            }
        }
    }

    private boolean open() {
        return !mayBeCommitted || !isCommitted();
    }

    private void set(String name, String value) {
        if (name == null) {
            return;
        }
        long signature = signature(name);
        if ((held & signature) != 0) {
            remove(name);
        }
        if (value != null) {
            hold(name, value);
            held |= signature;
        }
    }

    private void add(String name, String value) {
        if (name != null && value != null) {
            hold(name, value);
            held |= signature(name);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        super.setHeader(name, value);
        if (open()) {
            set(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        super.addHeader(name, value);
        if (open()) {
            add(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        super.setIntHeader(name, value);
        if (open()) {
            set(name, Integer.toString(value));
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        super.addIntHeader(name, value);
        if (open()) {
            add(name, Integer.toString(value));
        }
    }

    @Override
    public void setDateHeader(String name, long date) {
        super.setDateHeader(name, date);
        if (open()) {
            set(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
        }
    }

    @Override
    public void addDateHeader(String name, long date) {
        super.addDateHeader(name, date);
        if (open()) {
            add(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
        }
    }

    @Override
    public void setContentLength(int length) {
        super.setContentLength(length);
        if (open()) {
            set("Content-Length", length < 0 ? null : Integer.toString(length));
        }
    }

    @Override
    public void setContentLengthLong(long length) {
        super.setContentLengthLong(length);
        if (open()) {
            set("Content-Length", length < 0 ? null : Long.toString(length));
        }
    }

    @Override
    public void addCookie(jakarta.servlet.http.Cookie cookie) {
        super.addCookie(cookie);
        if (open() && cookie != null) {
            add("Set-Cookie", cookie.getName()); // its value is never logged (REDACTED)
        }
    }

    @Override
    public void reset() {
        super.reset();
        // The container drops every header (and the status) on a reset; a wrapper outside this
        // one may set its own again (the request id), which the client gets: read them back.
        headers.clear();
        held = 0;
        headerBytes = 0;
        quotesUri = false;
        readHeld();
    }

    @Override
    public void sendError(int status, String message) throws IOException {
        mayBeCommitted = true;
        super.sendError(status, message);
    }

    @Override
    public void sendError(int status) throws IOException {
        mayBeCommitted = true;
        super.sendError(status);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        mayBeCommitted = true;
        super.sendRedirect(location);
    }

    @Override
    public void flushBuffer() throws IOException {
        mayBeCommitted = true;
        super.flushBuffer();
    }

    @Override
    public java.io.PrintWriter getWriter() throws IOException {
        mayBeCommitted = true;
        return super.getWriter();
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        mayBeCommitted = true;
        if (stream == null) {
            stream = new CountingOutputStream(super.getOutputStream());
        }
        return stream;
    }
}
