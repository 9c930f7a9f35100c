package com.gitinsight.gateway.tracing;

import jakarta.servlet.http.HttpServletRequest;
import java.math.BigInteger;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trace-context formats by Kong's names, read and written as Kong's propagation module reads
 * and writes them ({@code kong/observability/tracing/propagation}): w3c ({@code traceparent}), b3
 * (the {@code x-b3-*} headers, or the single {@code b3} header, read by one extractor), b3-single,
 * jaeger ({@code uber-trace-id}), ot ({@code ot-tracer-*}), datadog ({@code x-datadog-*}, decimal
 * ids), gcp ({@code x-cloud-trace-context}) and aws ({@code x-amzn-trace-id}). Kong's formats
 * differ from the SDK's propagators in ways a backend sees (a jaeger or b3 parent span id, ot's
 * 128-bit ids, a trace id sent without a span id), so they are written here; the SDK's spans carry
 * the result.
 *
 * <p>As in Kong, the first format (in the configured order) that yields anything is the one the
 * context is read from: b3 whenever one of its headers is there, even with invalid ids (a new trace
 * then starts and {@code preserve} answers in b3); ot, datadog and aws when they yield an id or a
 * sampling flag; w3c, jaeger and gcp when their header parses. Unlike Kong, a {@code tracestate} header alone does not count
 * as b3 unless it holds a {@code b3=} entry (Kong's b3 reader would take any W3C client's context
 * for an empty b3 one).
 */
final class TraceFormats {

    private static final String ZERO_SPAN = "0000000000000000";
    private static final String ZERO_TRACE = ZERO_SPAN + ZERO_SPAN;

    /**
     * A context a client sent: {@code traceId} lower-case hex padded to 32 digits (null: none),
     * {@code traceIdBytes} its size as sent (8 or 16 for most formats; 0 when none), span and
     * parent ids 16 hex digits or null, {@code sampled} what the client said (null: nothing), b3's
     * debug flag, the format it came in ({@code b3-single} when b3's single header was read), and
     * the baggage ot and jaeger read (null: none).
     */
    record Carried(
            String format,
            String traceId,
            int traceIdBytes,
            String spanId,
            String parentId,
            Boolean sampled,
            String b3Flags,
            Map<String, String> baggage) {

        /** The span the request's span is a child of: the client's span, else its parent; null when none. */
        String parentSpan() {
            String s = spanId != null ? spanId : parentId;
            return s == null || s.equals(ZERO_SPAN) ? null : s;
        }

        /**
         * The client's span the request span is a child of: in the client's trace, or in a new one
         * when the client named no trace (aws's Parent without Root: Kong keeps it as the parent);
         * none in an all-zero trace.
         */
        String requestParent() {
            return traceId == null || hasTraceId() ? parentSpan() : null;
        }

        boolean hasTraceId() {
            return traceId != null && !traceId.equals(ZERO_TRACE);
        }
    }

    /**
     * What a backend is told: the trace ({@code traceIdBytes} the size the client sent it in, 0 when
     * the gateway began it), the try's span and its parent (the request's span; without balancer
     * spans the request's span and the client's, or null), the sampling verdict, b3's debug flag and
     * the client's baggage (null: none), which ot and jaeger write, each in its own headers.
     */
    record Outgoing(
            String traceId,
            int traceIdBytes,
            String spanId,
            String parentId,
            boolean sampled,
            String b3Flags,
            Map<String, String> baggage) {}

    /**
     * Kong's b3 single header, {@code trace-span[-sampled][-parent]}, its dashes after the span
     * optional (matched as Kong's Lua pattern matches it: a parent written without the sampling
     * state whose first digit is 0, 1 or d is taken for the state, and the header is then invalid).
     */
    private static final Pattern B3_SINGLE =
            Pattern.compile("([0-9a-fA-F]+)-([0-9a-fA-F]{16})-?([01d]?)-?([0-9a-fA-F]*)");

    private TraceFormats() {}

    /**
     * The headers a format always writes: the client's are replaced, in every spelling (a CGI or
     * WSGI backend reads {@code X_B3_TraceId} as {@code X-B3-TraceId}; helper review 192). Those it
     * writes only sometimes (b3's parent, sampled or flags) are left to the client, as Kong's
     * injectors leave them.
     */
    static List<String> written(String format) {
        return switch (format) {
            case "w3c" -> List.of("traceparent");
            case "b3" -> List.of("x-b3-traceid", "x-b3-spanid");
            case "b3-single" -> List.of("b3");
            case "jaeger" -> List.of("uber-trace-id");
            case "ot" -> List.of("ot-tracer-traceid", "ot-tracer-spanid", "ot-tracer-sampled");
            case "datadog" -> List.of("x-datadog-trace-id", "x-datadog-parent-id", "x-datadog-sampling-priority");
            case "gcp" -> List.of("x-cloud-trace-context");
            case "aws" -> List.of("x-amzn-trace-id");
            default -> List.of();
        };
    }

    /**
     * A trace header's value when the request has it once; null when absent or repeated: Kong's
     * w3c, jaeger, gcp and aws extractors read {@code get_headers()}, where a repeated header is a
     * table, not a string, and skip it (helper review 259: two traceparents continued the first's
     * trace here). b3, ot and datadog read it as {@link #listed} says.
     */
    private static String once(HttpServletRequest request, String name) {
        return com.gitinsight.gateway.http.HeaderLines.once(request, name);
    }

    /** What {@link #listed} reads for a header on more than one line: no value a client can send. */
    private static final String REPEATED = "\n";

    /**
     * A header's value, {@link #REPEATED} when it came on more than one line, null when absent: b3
     * and ot count a repeated header as present and read it as Kong's extractors read the table
     * {@code get_headers()} gives them (no id of that size, no sampling word: their ids are then
     * invalid and a new trace starts, answered in that format).
     */
    private static String listed(HttpServletRequest request, String name) {
        String first = request.getHeader(name);
        return first == null || !com.gitinsight.gateway.http.HeaderLines.repeated(request, name) ? first : REPEATED;
    }

    /** The client's context in the first of {@code formats} whose headers the request carries, or null. */
    static Carried extract(HttpServletRequest request, List<String> formats) {
        if (!mayCarry(request)) {
            return null; // most requests carry no trace context: one look at the names, not ~15 lookups
        }
        for (String format : formats) {
            Carried c = switch (format) {
                case "w3c" -> w3c(request);
                case "b3" -> b3(request);
                case "jaeger" -> jaeger(request);
                case "ot" -> ot(request);
                case "datadog" -> datadog(request);
                case "gcp" -> gcp(request);
                case "aws" -> aws(request);
                default -> null;
            };
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /** Every header a format is read from. */
    private static final List<String> READ = List.of(
            "traceparent",
            "tracestate",
            "b3",
            "x-b3-traceid",
            "x-b3-spanid",
            "x-b3-parentspanid",
            "x-b3-sampled",
            "x-b3-flags",
            "uber-trace-id",
            "ot-tracer-traceid",
            "ot-tracer-spanid",
            "ot-tracer-sampled",
            "x-datadog-trace-id",
            "x-datadog-parent-id",
            "x-datadog-sampling-priority",
            "x-cloud-trace-context",
            "x-amzn-trace-id");

    /** Whether any header of the request is one a format is read from. */
    static boolean mayCarry(HttpServletRequest request) {
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            if (name.isEmpty()) {
                continue;
            }
            char first = Character.toLowerCase(name.charAt(0));
            // Every name read starts with one of these; most of a request's headers start otherwise.
            if (first == 't' || first == 'b' || first == 'x' || first == 'u' || first == 'o') {
                for (String read : READ) {
                    if (read.equalsIgnoreCase(name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Writes {@code out} in {@code format} as headers for the backend. */
    static void inject(String format, Outgoing out, BiConsumer<String, String> headers) {
        switch (format) {
            case "w3c" ->
                headers.accept(
                        "traceparent", "00-" + out.traceId() + "-" + out.spanId() + (out.sampled() ? "-01" : "-00"));
            case "b3" -> {
                headers.accept("x-b3-traceid", sized(out.traceId(), out.traceIdBytes(), 16, 8));
                headers.accept("x-b3-spanid", out.spanId());
                if (out.parentId() != null) {
                    headers.accept("x-b3-parentspanid", out.parentId());
                }
                if (out.b3Flags() != null) {
                    headers.accept("x-b3-flags", out.b3Flags());
                } else {
                    headers.accept("x-b3-sampled", out.sampled() ? "1" : "0");
                }
            }
            case "b3-single" ->
                headers.accept(
                        "b3",
                        sized(out.traceId(), out.traceIdBytes(), 16, 8) + "-" + out.spanId() + "-"
                                + ("1".equals(out.b3Flags()) ? "d" : out.sampled() ? "1" : "0")
                                + (out.parentId() == null ? "" : "-" + out.parentId()));
            case "jaeger" -> {
                headers.accept(
                        "uber-trace-id",
                        sized(out.traceId(), out.traceIdBytes(), 16, 8) + ":" + out.spanId() + ":"
                                + (out.parentId() == null ? "0" : out.parentId())
                                + (out.sampled() ? ":01" : ":00"));
                injectBaggage("uberctx-", out, headers);
            }
            case "ot" -> {
                headers.accept("ot-tracer-traceid", sized(out.traceId(), out.traceIdBytes(), 8, 16));
                headers.accept("ot-tracer-spanid", out.spanId());
                headers.accept("ot-tracer-sampled", out.sampled() ? "1" : "0");
                injectBaggage("ot-baggage-", out, headers);
            }
            case "datadog" -> {
                headers.accept("x-datadog-trace-id", decimal(out.traceId().substring(16)));
                headers.accept("x-datadog-parent-id", decimal(out.spanId()));
                headers.accept("x-datadog-sampling-priority", out.sampled() ? "1" : "0");
            }
            case "gcp" ->
                headers.accept(
                        "x-cloud-trace-context",
                        out.traceId() + "/" + decimal(out.spanId()) + (out.sampled() ? ";o=1" : ";o=0"));
            case "aws" ->
                headers.accept(
                        "x-amzn-trace-id",
                        "Root=1-" + out.traceId().substring(0, 8) + "-"
                                + out.traceId().substring(8) + ";Parent=" + out.spanId()
                                + (out.sampled() ? ";Sampled=1" : ";Sampled=0"));
            default -> {
                // Formats are checked at load.
            }
        }
    }

    /**
     * The client's baggage (from ot or jaeger, whichever was read) as {@code prefix}-named headers,
     * each value escaped as {@code ngx.escape_uri} escapes it: Kong's ot and jaeger injectors write
     * it, so a client's {@code ot-baggage-user} reaches a jaeger backend as {@code uberctx-user}.
     */
    private static void injectBaggage(String prefix, Outgoing out, BiConsumer<String, String> headers) {
        if (out.baggage() != null) {
            out.baggage().forEach((key, value) -> headers.accept(prefix + key, UriComponent.escape(value)));
        }
    }

    /** The trace id as a format writes it in its headers (Kong's log field {@code trace_id}). */
    static String formattedTraceId(String format, String traceId, int traceIdBytes) {
        return switch (format) {
            case "b3", "b3-single", "jaeger" -> sized(traceId, traceIdBytes, 16, 8);
            case "ot" -> sized(traceId, traceIdBytes, 8, 16);
            case "datadog" -> decimal(traceId.substring(16));
            default -> traceId;
        };
    }

    /**
     * A trace id (32 hex) in the size the client sent it in when the format allows that size,
     * else in the format's own size (Kong's {@code trace_id_allowed_sizes}, first the default).
     */
    private static String sized(String traceId, int originalBytes, int defaultBytes, int otherBytes) {
        int bytes = originalBytes == defaultBytes || originalBytes == otherBytes ? originalBytes : defaultBytes;
        return bytes == 16 ? traceId : traceId.substring(32 - 2 * bytes);
    }

    private static String decimal(String hex) {
        return Long.toUnsignedString(Long.parseUnsignedLong(hex, 16));
    }

    // ---- reading, one method per format: null when the request carries none of its headers ----

    private static Carried w3c(HttpServletRequest request) {
        String header = once(request, "traceparent");
        if (header == null || header.length() > 128) {
            return null; // 55 characters, blanks aside: a longer one is not copied to be refused
        }
        String h = header.trim().toLowerCase(Locale.ROOT);
        // Kong reads version 00 only: 00-<32 hex trace>-<16 hex parent>-<2 hex flags>.
        if (h.length() != 55
                || !h.startsWith("00-")
                || h.charAt(35) != '-'
                || h.charAt(52) != '-'
                || !isHex(h, 3, 35)
                || !isHex(h, 36, 52)
                || !isHex(h, 53, 55)) {
            return null;
        }
        String trace = h.substring(3, 35);
        String span = h.substring(36, 52);
        if (trace.equals(ZERO_TRACE) || span.equals(ZERO_SPAN)) {
            return null;
        }
        boolean sampled = (Integer.parseInt(h, 53, 55, 16) & 1) == 1;
        return new Carried("w3c", trace, 16, span, null, sampled, null, null);
    }

    private static Carried b3(HttpServletRequest request) {
        String singleHeader = listed(request, "b3");
        // A repeated b3 is no single header, and hides tracestate's entry (Kong's reader tests the
        // table for a string after choosing it over tracestate).
        String single = singleHeader == REPEATED ? null : singleHeader;
        if (singleHeader == null) {
            // Kong also reads the single header from a tracestate entry "b3=...", in any of its values.
            for (Enumeration<String> states = request.getHeaders("tracestate");
                    states != null && states.hasMoreElements(); ) {
                String state = states.nextElement();
                if (state != null && state.length() > 3 && state.startsWith("b3=")) {
                    single = state.substring(3);
                    break;
                }
            }
        }
        String multiTrace = listed(request, "x-b3-traceid");
        String multiSpan = listed(request, "x-b3-spanid");
        String multiParent = listed(request, "x-b3-parentspanid");
        String multiSampled = listed(request, "x-b3-sampled");
        String multiFlags = listed(request, "x-b3-flags");
        if (singleHeader == null
                && single == null
                && multiTrace == null
                && multiSpan == null
                && multiParent == null
                && multiSampled == null
                && multiFlags == null) {
            return null;
        }
        String trace = null;
        String span = null;
        String parent = null;
        Boolean sampled = null;
        String flags = null;
        if (single != null) {
            if (single.equals("1") || single.equals("d")) {
                sampled = true;
                flags = single.equals("d") ? "1" : null;
            } else if (single.equals("0")) {
                sampled = false;
            } else {
                Matcher m = single.length() <= 100 ? B3_SINGLE.matcher(single) : null;
                if (m != null
                        && m.matches()
                        && (m.group(1).length() == 16 || m.group(1).length() == 32)
                        && (m.group(4).isEmpty() || m.group(4).length() == 16)) {
                    trace = m.group(1);
                    span = m.group(2);
                    parent = m.group(4).isEmpty() ? null : m.group(4);
                    String state = m.group(3);
                    if (state.equals("1") || state.equals("d")) {
                        sampled = true;
                        flags = state.equals("d") ? "1" : null;
                    } else if (state.equals("0")) {
                        sampled = false;
                    }
                }
            }
        }
        // The multi headers fill in what the single one did not say; x-b3-flags 1 means sampled,
        // and whatever its value it is passed on in place of x-b3-sampled (as Kong passes it).
        if (sampled == null) {
            sampled = "1".equals(multiFlags) ? Boolean.TRUE : flag(multiSampled);
        }
        if (flags == null && multiFlags != null && multiFlags.length() <= 16 && isHex(multiFlags)) {
            flags = multiFlags;
        }
        boolean multiValid =
                (multiTrace == null || ((multiTrace.length() == 16 || multiTrace.length() == 32) && isHex(multiTrace)))
                        && (multiSpan == null || (multiSpan.length() == 16 && isHex(multiSpan)))
                        && (multiParent == null || (multiParent.length() == 16 && isHex(multiParent)));
        if (multiValid) {
            trace = trace != null ? trace : multiTrace;
            span = span != null ? span : multiSpan;
            parent = parent != null ? parent : multiParent;
        }
        if (trace == null) {
            span = null;
            parent = null;
        }
        String format = single != null ? "b3-single" : "b3";
        return new Carried(
                format,
                traceId(trace),
                trace == null ? 0 : trace.length() / 2,
                lower(span),
                lower(parent),
                sampled,
                flags,
                null);
    }

    private static Carried jaeger(HttpServletRequest request) {
        String header = once(request, "uber-trace-id");
        if (header == null || header.isEmpty()) {
            return null;
        }
        String[] parts = header.split(":", -1);
        if (parts.length != 4) {
            return null;
        }
        for (String p : parts) {
            if (p.isEmpty() || !isHex(p)) {
                return null;
            }
        }
        String trace = parts[0];
        String span = parts[1];
        String flags = parts[3];
        if (trace.length() > 32 || isZero(trace) || span.length() > 16 || isZero(span)) {
            return null;
        }
        if (flags.length() != 1 && flags.length() != 2) {
            return null;
        }
        boolean sampled = (Integer.parseInt(flags, 16) & 1) == 1;
        String parent = parts[2].length() > 16 ? parts[2].substring(parts[2].length() - 16) : parts[2];
        return new Carried(
                "jaeger",
                traceId(trace),
                (trace.length() + 1) / 2,
                spanId(span),
                spanId(parent),
                sampled,
                null,
                baggage(request, "uberctx-"));
    }

    private static Carried ot(HttpServletRequest request) {
        String sampledHeader = listed(request, "ot-tracer-sampled");
        String trace = listed(request, "ot-tracer-traceid");
        String span = listed(request, "ot-tracer-spanid");
        if (sampledHeader == null && trace == null && span == null) {
            return null;
        }
        boolean invalid = (trace != null && !((trace.length() == 16 || trace.length() == 32) && isHex(trace)))
                || (span != null && !(span.length() == 16 && isHex(span)));
        if (trace == null || invalid) {
            trace = null;
            span = null;
        }
        Boolean sampled = flag(sampledHeader);
        Map<String, String> baggage = baggage(request, "ot-baggage-");
        if (trace == null && sampled == null && baggage == null) {
            return null; // Kong's context is empty (no id, no flag, no baggage): the next format is tried
        }
        return new Carried(
                "ot",
                traceId(trace),
                trace == null ? 0 : trace.length() / 2,
                lower(span),
                null,
                sampled,
                null,
                baggage);
    }

    /**
     * Kong's baggage: each header named {@code prefix} and a key, the key in lower case (as
     * {@code get_headers()} names it), the value unescaped as {@code ngx.unescape_uri} does; null
     * when there is none. A repeated one is not read (Kong's unescaping fails on the list), nor a
     * name of anything but letters, digits and {@code -} (nginx drops other characters; a {@code _}
     * spelling would reach a CGI backend beside the dash one): they pass as the client sent them.
     */
    private static Map<String, String> baggage(HttpServletRequest request, String prefix) {
        Map<String, String> baggage = null;
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            if (isBaggage(name, prefix)) {
                String value = once(request, name);
                if (value != null) {
                    if (baggage == null) {
                        baggage = new LinkedHashMap<>();
                    }
                    baggage.put(baggageKey(name, prefix), UriComponent.unescape(value));
                }
            }
        }
        return baggage;
    }

    private static boolean isBaggage(String name, String prefix) {
        if (!name.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        for (int i = prefix.length(); i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String baggageKey(String name, String prefix) {
        return name.substring(prefix.length()).toLowerCase(Locale.ROOT);
    }

    /**
     * The baggage as Kong reads it, in its propagation phase after the plugins before it (request-
     * transformer...): the client's, with what the plugins set or removed under the read format's
     * prefix in its place ({@code decided}: name to value, null removed; a value on several lines
     * is not read, as a repeated header is not); null when there is none.
     */
    static Map<String, String> baggageAsSent(Carried carried, Map<String, String> decided) {
        String prefix = switch (carried.format()) {
            case "ot" -> "ot-baggage-";
            case "jaeger" -> "uberctx-";
            default -> null;
        };
        if (prefix == null || decided.isEmpty()) {
            return prefix == null ? null : carried.baggage();
        }
        Map<String, String> baggage = carried.baggage();
        for (Map.Entry<String, String> e : decided.entrySet()) {
            String name = e.getKey();
            String dashed = name.replace('_', '-'); // (a plugin's uberctx_x is uberctx-x's decision too)
            if (!dashed.regionMatches(true, 0, prefix, 0, prefix.length())) {
                continue;
            }
            if (baggage == carried.baggage()) {
                baggage = baggage == null ? new LinkedHashMap<>() : new LinkedHashMap<>(baggage);
            }
            String key = baggageKey(dashed, prefix);
            String value = e.getValue();
            if (!isBaggage(name, prefix)
                    || value == null
                    || value.indexOf(com.gitinsight.gateway.runtime.RequestContext.LINES) >= 0) {
                baggage.remove(key); // the plugins' decision goes to the backend as they made it
            } else {
                baggage.put(key, UriComponent.unescape(value));
            }
        }
        return baggage == null || baggage.isEmpty() ? null : baggage;
    }

    private static Carried datadog(HttpServletRequest request) {
        // A repeated priority is not one of its words: Kong ignores the whole context. (A repeated
        // id fails Kong's reader outright; it is an invalid id here.)
        String priority = listed(request, "x-datadog-sampling-priority");
        String trace = listed(request, "x-datadog-trace-id");
        String parent = listed(request, "x-datadog-parent-id");
        if (priority == null && trace == null && parent == null) {
            return null;
        }
        Boolean sampled = null;
        if (priority != null) {
            switch (priority) {
                case "1", "2" -> sampled = true;
                case "0", "-1" -> sampled = false;
                default -> {
                    return null; // Kong ignores the whole context
                }
            }
        }
        BigInteger traceValue = decimalId(trace);
        BigInteger parentValue = traceValue == null ? null : decimalId(parent);
        if (traceValue == null && sampled == null) {
            return null; // Kong's context is empty: the next format is tried
        }
        String traceHex = traceValue == null ? null : hexOf(traceValue, 32);
        int bytes = traceValue == null ? 0 : Math.max(1, (traceValue.bitLength() + 7) / 8);
        return new Carried(
                "datadog",
                traceHex,
                bytes,
                parentValue == null ? null : hexOf(parentValue, 16),
                null,
                sampled,
                null,
                null);
    }

    private static Carried gcp(HttpServletRequest request) {
        String header = once(request, "x-cloud-trace-context");
        if (header == null) {
            return null;
        }
        // <32 lower-case hex>/<1-20 digits>[;o=<digit>]
        int slash = header.indexOf('/');
        if (slash != 32 || !isLowerHex(header, 0, 32)) {
            return null;
        }
        int semi = header.indexOf(';', slash);
        String span = header.substring(slash + 1, semi < 0 ? header.length() : semi);
        if (span.isEmpty() || span.length() > 20 || !span.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        String options = semi < 0 ? null : header.substring(semi + 1);
        if (options != null
                && !(options.length() == 3 && options.startsWith("o=") && Character.isDigit(options.charAt(2)))) {
            return null;
        }
        boolean sampled = options != null && options.charAt(2) == '1';
        return new Carried(
                "gcp", header.substring(0, 32), 16, hexOf(new BigInteger(span), 16), null, sampled, null, null);
    }

    /** {@code Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>}, blanks around keys and values allowed. */
    private static Carried aws(HttpServletRequest request) {
        String header = once(request, "x-amzn-trace-id");
        if (header == null || header.length() > 1024) {
            return null;
        }
        String trace = null;
        String parent = null;
        Boolean sampled = null;
        for (String pair : header.split(";", -1)) {
            int eq = pair.indexOf('=');
            String key = (eq < 0 ? pair : pair.substring(0, eq)).strip();
            int end = eq < 0 ? -1 : pair.indexOf('=', eq + 1);
            String value = eq < 0
                    ? ""
                    : pair.substring(eq + 1, end < 0 ? pair.length() : end).strip();
            switch (key) {
                case "Root" -> {
                    if (value.length() != 35
                            || !value.startsWith("1-")
                            || value.charAt(10) != '-'
                            || !isHex(value, 2, 10)
                            || !isHex(value, 11, 35)) {
                        return null; // Kong ignores the whole header
                    }
                    trace = value.substring(2, 10) + value.substring(11);
                }
                case "Parent" -> {
                    if (value.length() != 16) {
                        return null;
                    }
                    // Kong checks the length alone: the trace is kept, the parent read as its from_hex reads it.
                    parent = isHex(value) ? value : kongSpanBytes(value);
                }
                case "Sampled" -> {
                    if (!value.equals("0") && !value.equals("1")) {
                        return null;
                    }
                    sampled = value.equals("1");
                }
                default -> {
                    // other keys (Self, Lineage...) are not read, as in Kong
                }
            }
        }
        if (trace == null && parent == null && sampled == null) {
            return null; // Kong's context is empty: the next format is tried
        }
        return new Carried(
                "aws",
                traceId(trace),
                trace == null ? 0 : 16,
                lower(parent), // without a Root, Kong keeps it as the request span's parent in a new trace
                null,
                sampled,
                null,
                null);
    }

    // ---- ids ----

    /**
     * A span id as Kong's {@code from_hex} and {@code to_kong_span_id} make it of a value that is not
     * all hex (aws's Parent, whose length alone Kong checks): each pair of hex digits its byte, any
     * other character its own byte, then the last 8 bytes (zero bytes in front when fewer); in hex.
     */
    static String kongSpanBytes(String value) {
        String v = value.length() % 2 != 0 ? "0" + value : value;
        byte[] bytes = new byte[v.length()];
        int n = 0;
        for (int i = 0; i < v.length(); ) {
            if (i + 1 < v.length() && isHex(v, i, i + 2)) {
                bytes[n++] = (byte) Integer.parseInt(v, i, i + 2, 16);
                i += 2;
            } else {
                bytes[n++] = (byte) v.charAt(i);
                i++;
            }
        }
        StringBuilder hex = new StringBuilder(16);
        for (int i = n - 8; i < n; i++) {
            int b = i < 0 ? 0 : bytes[i] & 0xFF;
            hex.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }

    private static Boolean flag(String value) {
        if ("1".equals(value) || "true".equals(value)) {
            return true;
        }
        if ("0".equals(value) || "false".equals(value)) {
            return false;
        }
        return null;
    }

    /** Hex of any length up to 32, padded to 32 lower-case digits; null stays null. */
    private static String traceId(String hex) {
        if (hex == null) {
            return null;
        }
        String h = hex.toLowerCase(Locale.ROOT);
        return h.length() >= 32 ? h.substring(h.length() - 32) : ZERO_TRACE.substring(h.length()) + h;
    }

    /** Hex of any length, as 16 lower-case digits (padded, or its last 16 as Kong cuts it). */
    private static String spanId(String hex) {
        String h = hex.toLowerCase(Locale.ROOT);
        return h.length() >= 16 ? h.substring(h.length() - 16) : ZERO_SPAN.substring(h.length()) + h;
    }

    private static String lower(String hex) {
        return hex == null ? null : hex.toLowerCase(Locale.ROOT);
    }

    /** An unsigned decimal id (blanks around it allowed, as Kong's pattern allows them), or null. */
    private static BigInteger decimalId(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > 40 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return new BigInteger(v);
    }

    /** The value's last {@code digits} hex digits, padded with zeros. */
    private static String hexOf(BigInteger value, int digits) {
        String h = value.toString(16);
        return h.length() >= digits ? h.substring(h.length() - digits) : "0".repeat(digits - h.length()) + h;
    }

    private static boolean isZero(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(String s) {
        return isHex(s, 0, s.length());
    }

    /** ASCII hex digits only (Character.digit would take other scripts' digits too). */
    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return to > from;
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
