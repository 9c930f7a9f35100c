package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.http.CountingResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The response headers as the log phase records them: kept as they are set through the request's
 * {@link CountingResponse} (name and value in turn) so the log record never reads them back from
 * the container (which looks each name up among all headers: quadratic, and the largest part of a
 * record's cost). Headers the response held when recording started are read once, at the start.
 */
final class RecordedHeaders implements CountingResponse.Recorder {

    private final HttpServletResponse container;
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

    /** {@code container}: the response the counting wrapper hands on to, read for what it holds. */
    private RecordedHeaders(HttpServletResponse container) {
        this.container = container;
        readHeld();
    }

    /**
     * The response the log phase passes on and records: {@code response} itself where it counts
     * already (the access log's wrapper, or an outer log plugin's), else a counting wrapper around
     * it; either records the headers set through it from now on.
     */
    static CountingResponse recording(HttpServletResponse response) {
        CountingResponse counting = response instanceof CountingResponse c ? c : new CountingResponse(response);
        if (!(counting.recorder() instanceof RecordedHeaders)) {
            counting.record(new RecordedHeaders((HttpServletResponse) counting.getResponse()));
        }
        return counting;
    }

    /** What {@code response} recorded, or null when it recorded nothing. */
    static RecordedHeaders of(HttpServletResponse response) {
        return response instanceof CountingResponse c && c.recorder() instanceof RecordedHeaders r ? r : null;
    }

    /** Reads the headers the container holds now (when recording starts, and after a reset). */
    private void readHeld() {
        // Payara lists each name once, another container may list a repeated name once per
        // value: a name's values are read with its first listing.
        Collection<String> listed = container.getHeaderNames();
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
            for (String value : container.getHeaders(name)) {
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

    @Override
    public void set(String name, String value) {
        long signature = signature(name);
        if ((held & signature) != 0) {
            remove(name);
        }
        if (value != null) {
            hold(name, value);
            held |= signature;
        }
    }

    @Override
    public void add(String name, String value) {
        hold(name, value);
        held |= signature(name);
    }

    @Override
    public void reset() {
        // The container drops every header (and the status) on a reset; a wrapper outside the
        // counting one may set its own again (the request id), which the client gets: read them back.
        headers.clear();
        held = 0;
        headerBytes = 0;
        quotesUri = false;
        readHeld();
    }
}
