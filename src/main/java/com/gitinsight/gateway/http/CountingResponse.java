package com.gitinsight.gateway.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A response that counts the body bytes written through it (the access log's and Kong's log's
 * size) and, once a log plugin asks ({@link #record}), tells a {@link Recorder} each header set
 * through it. One class for both, and one instance per request: a second wrapper class on the
 * response made every call site of {@link HttpServletResponseWrapper} that hands a call on
 * megamorphic (three receivers: the container's and two wrappers), a cost to the whole request
 * path that the log plugins' own frames did not show (async-profiler, issue 22).
 */
public final class CountingResponse extends HttpServletResponseWrapper {

    /** Told each header set through the response while it may still be sent. */
    public interface Recorder {

        /** {@code name} set to {@code value}; a null value removes it. */
        void set(String name, String value);

        /** {@code value} added to {@code name}'s. */
        void add(String name, String value);

        /** The container dropped every header (a reset): whatever it holds now is read again. */
        void reset();
    }

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private CountingOutputStream stream;
    private Recorder recorder;
    /**
     * Whether the response may have been committed (a header set after that is not sent, so not
     * recorded): only its body, a flush, an error or a redirect commits one. Asking the container
     * for every header set went through every wrapper to it, a tenth of the log's request work.
     */
    private boolean mayBeCommitted;

    public CountingResponse(HttpServletResponse response) {
        super(response);
    }

    /** Body bytes written so far. */
    public long bytes() {
        return stream == null ? 0 : stream.bytes();
    }

    /**
     * Tells {@code recorder} each header set from now on (it reads what the response holds
     * already itself).
     */
    public void record(Recorder recorder) {
        mayBeCommitted |= super.isCommitted();
        this.recorder = recorder;
    }

    /**
     * Tells the recorder nothing more: what it kept is a log record's, which another thread is
     * writing, and this wrapper outlives the log phase (the access log's is outside it).
     */
    public void stopRecording() {
        recorder = null;
    }

    /** The recorder {@link #record} was given, or null. */
    public Recorder recorder() {
        return recorder;
    }

    /** Whether a header set now would be sent, so recorded. */
    private boolean recording() {
        return recorder != null && (!mayBeCommitted || !isCommitted());
    }

    @Override
    public void setHeader(String name, String value) {
        super.setHeader(name, value);
        if (recording() && name != null) {
            recorder.set(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        super.addHeader(name, value);
        if (recording() && name != null && value != null) {
            recorder.add(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        super.setIntHeader(name, value);
        if (recording() && name != null) {
            recorder.set(name, Integer.toString(value));
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        super.addIntHeader(name, value);
        if (recording() && name != null) {
            recorder.add(name, Integer.toString(value));
        }
    }

    @Override
    public void setDateHeader(String name, long date) {
        super.setDateHeader(name, date);
        if (recording() && name != null) {
            recorder.set(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
        }
    }

    @Override
    public void addDateHeader(String name, long date) {
        super.addDateHeader(name, date);
        if (recording() && name != null) {
            recorder.add(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
        }
    }

    @Override
    public void setContentLength(int length) {
        super.setContentLength(length);
        if (recording()) {
            recorder.set("Content-Length", length < 0 ? null : Integer.toString(length));
        }
    }

    @Override
    public void setContentLengthLong(long length) {
        super.setContentLengthLong(length);
        if (recording()) {
            recorder.set("Content-Length", length < 0 ? null : Long.toString(length));
        }
    }

    @Override
    public void addCookie(Cookie cookie) {
        super.addCookie(cookie);
        if (recording() && cookie != null) {
            recorder.add("Set-Cookie", cookie.getName()); // its value is never logged (REDACTED)
        }
    }

    @Override
    public void reset() {
        super.reset();
        if (recorder != null) {
            recorder.reset();
        }
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
    public PrintWriter getWriter() throws IOException {
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
