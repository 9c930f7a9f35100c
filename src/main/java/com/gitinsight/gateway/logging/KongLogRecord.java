package com.gitinsight.gateway.logging;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.gitinsight.gateway.config.KongEntityJson;
import com.gitinsight.gateway.http.HeaderNames;
import com.gitinsight.gateway.http.SecretHeaders;
import com.gitinsight.gateway.http.UrlArgs;
import com.gitinsight.gateway.routing.RequestPath;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * Kong's basic log serializer ({@code kong.log.serialize} in {@code kong/pdk/log.lua}): the JSON
 * record file-log and http-log ship for each request: {@code request} (id, uri, url, querystring,
 * method, headers, size), {@code upstream_uri}, {@code upstream_status}, {@code response} (status,
 * headers, size), {@code latencies} (kong, proxy, request, receive; ms), {@code tries},
 * {@code authenticated_entity}, {@code route}, {@code service}, {@code consumer}, {@code client_ip},
 * {@code started_at} (epoch ms), {@code source}, {@code workspace} (DB-less Kong's default
 * workspace id), {@code workspace_name} and, when traced,
 * {@code trace_id}. As Kong: header names lower-case, a repeated header an array, request headers
 * as the backend got them (what a plugin removed, such as a hidden credential, is not there) with
 * {@code authorization}, {@code proxy-authorization}, {@code cookie} and {@code set-cookie} redacted
 * (and any header or query argument an auth plugin read a credential from: a jwt in {@code ?jwt=},
 * a key-auth key), a client's identity headers (which never reached the backend) left out, values
 * cut at 2,048 characters, the query (in {@code uri},
 * {@code url} and {@code querystring}) as the backend got it (Kong logs the client's
 * {@code request_uri}, a hidden key included), a bare query argument
 * {@code true}, absent fields left out. The route, service and consumer (with the ids Kong gives them) are what this gateway
 * knows of them (no credentials); sizes count the body and an estimate of the head.
 *
 * <p>A record is captured on the request thread ({@link #capture}: references and a few numbers,
 * no JSON) and written as JSON by the queue's thread ({@link #writeTo}), a batch at a time: the
 * writing, done cold on each request thread, cost several times what it costs in a batch.
 */
public final class KongLogRecord implements LogEntry {

    private static final int MAX_HEADERS = com.gitinsight.gateway.runtime.HeadLines.MAX_LINES;
    private static final String REDACTED = "REDACTED";
    private static final String TRUNCATED = "...(truncated)";
    /** The longest header value, query argument or URI a record holds. */
    static final int MAX_VALUE = 2048;

    // Field names encoded once: most of a record is its field names.
    private static final SerializableString F_AUTHENTICATED_ENTITY = new SerializedString("authenticated_entity");
    private static final SerializableString F_BALANCER_LATENCY = new SerializedString("balancer_latency");
    private static final SerializableString F_BALANCER_LATENCY_NS = new SerializedString("balancer_latency_ns");
    private static final SerializableString F_BALANCER_START = new SerializedString("balancer_start");
    private static final SerializableString F_BALANCER_START_NS = new SerializedString("balancer_start_ns");
    private static final SerializableString F_CIPHER = new SerializedString("cipher");
    private static final SerializableString F_CLIENT_IP = new SerializedString("client_ip");
    private static final SerializableString F_CLIENT_VERIFY = new SerializedString("client_verify");
    private static final SerializableString F_CODE = new SerializedString("code");
    private static final SerializableString F_CONSUMER = new SerializedString("consumer");
    private static final SerializableString F_CONSUMER_ID = new SerializedString("consumer_id");
    private static final SerializableString F_CONTENT_TYPE = new SerializedString("content-type");
    private static final SerializableString F_CUSTOM_ID = new SerializedString("custom_id");
    private static final SerializableString F_HEADERS = new SerializedString("headers");
    private static final SerializableString F_ID = new SerializedString("id");
    private static final SerializableString F_IP = new SerializedString("ip");
    private static final SerializableString F_KONG = new SerializedString("kong");
    private static final SerializableString F_LATENCIES = new SerializedString("latencies");
    private static final SerializableString F_METHOD = new SerializedString("method");
    private static final SerializableString F_PORT = new SerializedString("port");
    private static final SerializableString F_PROXY = new SerializedString("proxy");
    private static final SerializableString F_QUERYSTRING = new SerializedString("querystring");
    private static final SerializableString F_RECEIVE = new SerializedString("receive");
    private static final SerializableString F_REQUEST = new SerializedString("request");
    private static final SerializableString F_RESPONSE = new SerializedString("response");
    private static final SerializableString F_ROUTE = new SerializedString("route");
    private static final SerializableString F_SERVICE = new SerializedString("service");
    private static final SerializableString F_SIZE = new SerializedString("size");
    private static final SerializableString F_SOURCE = new SerializedString("source");
    private static final SerializableString F_STARTED_AT = new SerializedString("started_at");
    private static final SerializableString F_STATE = new SerializedString("state");
    private static final SerializableString F_STATUS = new SerializedString("status");
    private static final SerializableString F_TLS = new SerializedString("tls");
    private static final SerializableString F_TRACE_ID = new SerializedString("trace_id");
    private static final SerializableString F_CORRELATION_ID = new SerializedString("correlation_id");
    private static final SerializableString F_TRIES = new SerializedString("tries");
    private static final SerializableString F_UPSTREAM_STATUS = new SerializedString("upstream_status");
    private static final SerializableString F_URI = new SerializedString("uri");
    private static final SerializableString F_URL = new SerializedString("url");
    private static final SerializableString F_USERNAME = new SerializedString("username");
    private static final SerializableString F_VERSION = new SerializedString("version");
    private static final SerializableString F_WORKSPACE = new SerializedString("workspace");
    private static final SerializableString F_WORKSPACE_NAME = new SerializedString("workspace_name");
    /** Kong's default workspace's id in DB-less mode (a constant: every DB-less Kong logs this one). */
    static final String DEFAULT_WORKSPACE_ID = KongEntityJson.DEFAULT_WORKSPACE_ID;

    private static JsonGenerator field(JsonGenerator g, SerializableString name) throws IOException {
        g.writeFieldName(name);
        return g;
    }

    /** What the response came to, as the log phase sees it. */
    public record Outcome(int status, long bodyBytes, long endNanos) {}

    // Captured on the request thread; read (never changed) on the queue's thread. The request
    // context's collections are done with once the log phase runs.
    private final String requestId;
    private final String uri;
    /**
     * The query as the backend got it, its credentials redacted here, where the request thread has
     * just read it: the writer's thread then never reads a token (a long query's first reading,
     * on the other core, was a tenth of the writer's time).
     */
    private final String query;
    /**
     * The length of the unredacted query {@link #upstreamUri} ends with ({@code ?} before it),
     * or -1 when the backend got another query or none.
     */
    private final int sentQueryLength;

    private final String scheme;
    private final String serverName;
    private final int serverPort;
    private final String method;
    /** The client's request headers, name and value in turn, a repeated header once per value. */
    private final List<String> requestHeaders;

    private final long requestBodyBytes;
    private final boolean secure;
    private final String tlsProtocol;
    private final String tlsCipher;
    private final boolean clientCertificate;
    private final String upstreamUri;
    /** Whether a route with a service matched (Kong's balancer_prepare ran: tries is an array). */
    private final boolean balancerPrepared;

    private final int upstreamStatus;
    private final Outcome outcome;
    /** The response's headers, name and value in turn. */
    private final List<String> responseHeaders;

    private final String contentType;
    private final long startedNanos;
    private final long startedMillis;
    private final long upstreamNanos;
    private final List<RequestContext.TargetTry> tries;
    /**
     * The headers plugins set (a value) or removed (null) for the backend, copied out of the
     * context's tree here, where it was just written: walking it cold was a twentieth of the
     * writer's time.
     */
    private final String[] overrideNames;

    private final String[] overrideValues;
    private final java.util.Set<String> credentialArguments;
    /** The values the client's credential query arguments carried, which a backend may send back. */
    private final String[] credentialValues;

    private final java.util.Set<String> credentialHeaders;
    private final RouteMatch match;
    /** When the request's configuration was loaded (epoch seconds): its entities' timestamps. */
    private final long loadedAt;

    private final String credentialId;
    private final RequestContext.Identity identity;
    private final String clientIp;
    private final Map<String, String> traceIds;
    private final String correlationId;
    private final long estimatedBytes;

    private KongLogRecord(
            HttpServletRequest request,
            List<String> responseHeaders,
            long responseHeaderBytes,
            boolean responseMayQuoteUri,
            String contentType,
            RequestContext context,
            Outcome outcome) {
        this.requestId = context.kongRequestId();
        this.uri = request.getRequestURI();
        // The query as the backend got it: what a plugin removed (key-auth's hidden key) is not logged.
        // When one was sent it is that (the container makes a new string at each asking).
        String sent = context.upstreamUriQuery();
        String raw;
        if (context.upstreamQuery() != null) {
            raw = context.upstreamQuery().isEmpty() ? null : context.upstreamQuery();
        } else {
            raw = context.upstreamUri() != null ? sent : com.gitinsight.gateway.http.RawQuery.of(request);
        }
        this.credentialArguments = context.credentialArguments();
        // Only a response with a header that may quote the request's URI needs them: decoding a
        // query with a token in it was a third of the capture (async-profiler, file-log bench).
        this.credentialValues = !credentialArguments.isEmpty() && responseMayQuoteUri
                ? credentialValues(com.gitinsight.gateway.http.RawQuery.of(request), credentialArguments)
                : NO_VALUES;
        this.query = redactArguments(raw, credentialArguments);
        RouteMatch matched = context.match();
        // Kong prepares the balancer (tries: []) and sets upstream_uri once a route with a service
        // matched, before any plugin's access phase: a request a plugin answered logs both.
        this.balancerPrepared = matched != null && matched.service() != null;
        if (context.upstreamUri() != null) {
            this.upstreamUri = context.upstreamUri();
            this.sentQueryLength = raw != null && raw.equals(sent) ? raw.length() : -1;
        } else if (balancerPrepared) {
            String path = context.upstreamPath() != null
                    ? context.upstreamPath()
                    : RequestPath.escape(matched.upstreamPath());
            this.upstreamUri = raw == null ? path : path + "?" + raw;
            this.sentQueryLength = raw == null ? -1 : raw.length();
        } else {
            this.upstreamUri = null;
            this.sentQueryLength = -1;
        }
        this.scheme = request.getScheme();
        this.serverName = context.serverName(request);
        // Kong's url names the port the request came in on (nginx's server_port), not the Host header's.
        this.serverPort = context.hostPort() > 0 ? context.hostPort() : request.getLocalPort();
        this.method = request.getMethod();
        // A refused request line: nginx parsed no header, so Kong logs none.
        com.gitinsight.gateway.runtime.HeadLines kept = context.headLines();
        this.requestHeaders =
                context.requestLineRefused() ? List.of() : kept != null ? kept.lines() : requestHeaders(request);
        // A chunked body's bytes as read (nginx's $request_length counts them; its chunk framing too).
        this.requestBodyBytes = context.chunkedBodyBytes() >= 0
                ? context.chunkedBodyBytes()
                : Math.max(0, request.getContentLengthLong());
        this.secure = request.isSecure();
        if (secure) {
            Object protocol = request.getAttribute("jakarta.servlet.request.secure_protocol");
            Object cipher = request.getAttribute("jakarta.servlet.request.cipher_suite");
            this.tlsProtocol = protocol == null ? null : protocol.toString();
            this.tlsCipher = cipher == null ? null : cipher.toString();
            this.clientCertificate = request.getAttribute("jakarta.servlet.request.X509Certificate") != null;
        } else {
            this.tlsProtocol = null;
            this.tlsCipher = null;
            this.clientCertificate = false;
        }
        this.upstreamStatus = context.upstreamStatus();
        this.outcome = outcome;
        this.responseHeaders = responseHeaders;
        this.contentType = contentType;
        this.startedNanos = context.startedNanos();
        this.startedMillis = context.startedMillis();
        this.upstreamNanos = context.upstreamNanos();
        this.tries = context.tries();
        Map<String, String> set = context.upstreamHeaders();
        List<String> injected = context.injectedTrace();
        if (injected != null) {
            // The trace context the backend got (opentelemetry's propagation), as Kong logs it.
            Map<String, String> withTrace = new java.util.TreeMap<>(RequestContext.HEADER_ORDER);
            withTrace.putAll(set);
            for (int t = 0; t + 1 < injected.size(); t += 2) {
                withTrace.put(injected.get(t), injected.get(t + 1));
            }
            set = withTrace;
        }
        this.overrideNames = new String[set.size()];
        this.overrideValues = new String[set.size()];
        int i = 0;
        for (Map.Entry<String, String> e : set.entrySet()) {
            overrideNames[i] = e.getKey();
            overrideValues[i] = e.getValue();
            i++;
        }
        this.credentialHeaders = context.credentialHeaders();
        this.match = context.match();
        this.loadedAt = context.snapshot().loadedAt().getEpochSecond();
        this.credentialId = context.credentialId();
        this.identity = context.identity();
        this.clientIp = context.clientAddress();
        this.traceIds = context.trace().traceIds();
        this.correlationId = context.correlationId();
        // Their real lengths: escaping, redaction and request-transformer's templates make these
        // longer than the request line (attacker review 257: a bound from it held a sixth).
        long bytes = 600 + length(uri) + 2L * length(query) + length(serverName) + length(upstreamUri);
        // What the plugins set and the trace context injected (escaped baggage can be three times
        // what the client sent; attacker review 304): kept as the backend got it.
        for (int o = 0; o < overrideNames.length; o++) {
            bytes += length(overrideNames[o]) + length(overrideValues[o]) + 2L * STRING_OVERHEAD;
        }
        // Each name and value is a string the record keeps (its object and array headers, ~40 bytes,
        // and its characters), not only the characters it writes (attacker review 161: a queue's
        // max_bytes held about five times its bound).
        if (kept != null && !requestHeaders.isEmpty()) {
            bytes += kept.chars() + (long) STRING_OVERHEAD * requestHeaders.size(); // counted as they were kept
        } else {
            for (String h : requestHeaders) {
                bytes += length(h) + STRING_OVERHEAD;
            }
        }
        this.estimatedBytes = bytes + responseHeaderBytes;
    }

    /** What a kept string costs beyond its characters: its object and its array's headers. */
    private static final int STRING_OVERHEAD = 40;

    /** What a record keeping a header's name and value counts for them. */
    static long keptBytes(String name, String value) {
        return length(name) + length(value) + 2L * STRING_OVERHEAD;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /**
     * The record of a finished exchange; {@code response} one that recorded its headers as they
     * were set ({@link RecordedHeaders#recording}) or else the container's (its headers read back).
     */
    public static KongLogRecord capture(
            HttpServletRequest request, HttpServletResponse response, RequestContext context, Outcome outcome) {
        RecordedHeaders logged = RecordedHeaders.of(response);
        if (logged != null) {
            return new KongLogRecord(
                    request,
                    logged.headers(),
                    logged.headerBytes(),
                    logged.mayQuoteUri(),
                    response.getContentType(),
                    context,
                    outcome);
        }
        List<String> headers = headersOf(response);
        long bytes = 0;
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            bytes += keptBytes(headers.get(i), headers.get(i + 1));
        }
        return new KongLogRecord(
                request, headers, bytes, quotesUri(headers), response.getContentType(), context, outcome);
    }

    /** Captures and writes at once (tests, and a caller that needs the bytes now). */
    public static byte[] serialize(
            HttpServletRequest request, HttpServletResponse response, RequestContext context, Outcome outcome) {
        return capture(request, response, context, outcome).toJson();
    }

    byte[] toJson() {
        return new LogWriter().one(this).copy();
    }

    @Override
    public long estimatedBytes() {
        return estimatedBytes;
    }

    private static List<String> requestHeaders(HttpServletRequest request) {
        List<String> out = new ArrayList<>(16);
        List<String> seen = new ArrayList<>(8);
        for (Enumeration<String> names = request.getHeaderNames();
                names.hasMoreElements() && out.size() < 2 * MAX_HEADERS; ) {
            String name = HeaderNames.shared(names.nextElement());
            if (containsIgnoreCase(seen, name)) {
                continue; // a container may list a repeated header once per value
            }
            seen.add(name);
            // Kong's get_headers counts every line toward its 100, a repeated name's too (attacker
            // review 161: 999 lines of one name were all kept).
            for (Enumeration<String> values = request.getHeaders(name);
                    values.hasMoreElements() && out.size() < 2 * MAX_HEADERS; ) {
                out.add(name);
                out.add(values.nextElement());
            }
        }
        return out;
    }

    /** The container's response headers, name and value in turn (a response not wrapped for the log). */
    private static List<String> headersOf(HttpServletResponse response) {
        List<String> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String name : response.getHeaderNames()) {
            if (containsIgnoreCase(seen, name)) {
                continue; // a container may list a repeated header once per value
            }
            seen.add(name);
            for (String v : response.getHeaders(name)) {
                out.add(name);
                out.add(v);
            }
        }
        return out;
    }

    private static boolean containsIgnoreCase(List<String> names, String name) {
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the first bytes of every string the record writes, in one short loop, before any is
     * written. The request thread wrote them on the other core: read one by one while the JSON is
     * written, each miss waits alone; read here, the misses overlap.
     */
    @Override
    public int readAhead() {
        int n = length(uri)
                + length(query)
                + length(upstreamUri)
                + length(serverName)
                + length(clientIp)
                + length(requestId)
                + length(method)
                + length(correlationId);
        if (identity != null) {
            n += length(identity.consumerId()) + length(identity.username()) + length(identity.credential());
        }
        for (int i = 0; i < tries.size(); i++) {
            n += length(tries.get(i).ip());
        }
        for (int i = 0; i < requestHeaders.size(); i++) {
            n += requestHeaders.get(i).length();
        }
        for (int i = 0; i < responseHeaders.size(); i++) {
            n += responseHeaders.get(i).length();
        }
        for (int i = 0; i < overrideNames.length; i++) {
            n += overrideNames[i].length() + length(overrideValues[i]);
        }
        return n;
    }

    @Override
    public void writeTo(JsonGenerator g, LogWriter writer) throws IOException {
        g.writeStartObject();
        String q = asUtf8(query);
        String u = asUtf8(uri);
        String requestUri = q == null ? u : u + "?" + q;

        field(g, F_REQUEST).writeStartObject();
        field(g, F_ID).writeString(requestId);
        field(g, F_URI).writeString(bounded(requestUri));
        field(g, F_URL).writeString(bounded(url(requestUri)));
        g.writeFieldName(F_QUERYSTRING);
        writeQuery(g, q);
        field(g, F_METHOD).writeString(bounded(method));
        g.writeFieldName(F_HEADERS);
        Overrides overrides = Overrides.of(overrideNames, overrideValues, writer);
        long headBytes = writeRequestHeaders(g, writer, overrides);
        // The request line's bytes: the raw one character per byte, not the text it spells (helper review 248).
        long lineBytes = query == null ? uri.length() : uri.length() + 1L + query.length();
        field(g, F_SIZE).writeNumber(headBytes + lineBytes + method.length() + 12 + requestBodyBytes);
        if (secure) {
            field(g, F_TLS).writeStartObject();
            if (tlsProtocol != null) {
                field(g, F_VERSION).writeString(tlsProtocol);
            }
            if (tlsCipher != null) {
                field(g, F_CIPHER).writeString(tlsCipher);
            }
            field(g, F_CLIENT_VERIFY).writeString(clientCertificate ? "SUCCESS" : "NONE");
            g.writeEndObject();
        }
        g.writeEndObject();

        g.writeStringField("upstream_uri", upstreamUri == null ? "" : bounded(redactedUpstreamUri(q)));
        field(g, F_UPSTREAM_STATUS).writeString(upstreamStatusText());

        field(g, F_RESPONSE).writeStartObject();
        field(g, F_STATUS).writeNumber(outcome.status());
        g.writeFieldName(F_HEADERS);
        long responseHead = writeResponseHeaders(g, writer);
        field(g, F_SIZE).writeNumber(outcome.bodyBytes() + responseHead + 17);
        g.writeEndObject();

        writeLatencies(g);
        writeTries(g);
        writeIdentity(g, writer);
        if (match != null) {
            // A configuration's routes and services, written once each (they are a third of a record).
            field(g, F_ROUTE)
                    .writeRawValue(writer.part(
                            match.route(),
                            loadedAt,
                            gen -> KongEntityJson.writeRoute(gen, match.route(), match.service(), loadedAt)));
            if (match.service() != null) { // Kong's serializer leaves out a route's missing service
                field(g, F_SERVICE)
                        .writeRawValue(writer.part(
                                match.service(),
                                loadedAt,
                                gen -> KongEntityJson.writeService(gen, match.service(), loadedAt)));
            }
        }
        field(g, F_CLIENT_IP).writeString(clientIp);
        field(g, F_STARTED_AT).writeNumber(startedMillis);
        field(g, F_SOURCE).writeString(outcome.status() == upstreamStatus ? "upstream" : "kong");
        field(g, F_WORKSPACE).writeString(DEFAULT_WORKSPACE_ID);
        field(g, F_WORKSPACE_NAME).writeString("default");
        if (!traceIds.isEmpty()) {
            field(g, F_TRACE_ID).writeStartObject();
            for (Map.Entry<String, String> e : traceIds.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        if (correlationId != null) {
            field(g, F_CORRELATION_ID).writeString(correlationId);
        }
        g.writeEndObject();
    }

    /**
     * Bytes beyond ASCII a client sent unescaped in its request line, as Payara hands them over
     * (one character per byte), read as the UTF-8 they spell: Kong writes the bytes themselves, so
     * {@code /r\xC3\xA9} is logged {@code /ré}, not {@code /rÃ©} (helper review 246). Left as they
     * are when they spell no UTF-8.
     */
    static String asUtf8(String s) {
        return s == null ? null : headerText(s); // the header values' reading, one for both
    }

    /**
     * {@code scheme://host:port/uri} as Kong writes it: nginx's {@code $host} (the Host header's
     * name, lower-case) and the port the gateway took the request on, always written.
     */
    private String url(String requestUri) {
        return scheme + "://" + com.gitinsight.gateway.http.HostValue.nginx(serverName) + ":" + serverPort + requestUri;
    }

    private static void writeQuery(JsonGenerator g, String query) throws IOException {
        g.writeStartObject();
        java.util.Set<String> cutNames = null;
        for (Map.Entry<String, List<String>> e : UrlArgs.decode(query).entrySet()) {
            List<String> values = e.getValue();
            String name = bounded(e.getKey()); // a name is the client's too
            if (e.getKey().length() > MAX_VALUE) { // cut (a cut name may keep its length)
                // Two long names that differ only past the cut: the first only, never one key twice.
                if (cutNames == null) {
                    cutNames = new java.util.HashSet<>();
                }
                if (!cutNames.add(name)) {
                    continue;
                }
            }
            g.writeFieldName(name);
            if (values.size() == 1) {
                writeArg(g, values.get(0));
            } else {
                g.writeStartArray();
                for (String v : values) {
                    writeArg(g, v);
                }
                g.writeEndArray();
            }
        }
        g.writeEndObject();
    }

    private static void writeArg(JsonGenerator g, String value) throws IOException {
        if (value == null) {
            g.writeBoolean(true); // Kong: a bare argument ("?flag") is true
        } else {
            g.writeString(bounded(value));
        }
    }

    /**
     * The headers plugins set (a value) or removed (null) for the backend, in the context's
     * case-blind order; only a set one is named for the JSON (most entries are removals: the
     * identity and trace headers a client may not send on).
     */
    private record Overrides(String[] keys, String[] values, LogWriter.HeaderName[] names) {

        static Overrides of(String[] keys, String[] values, LogWriter writer) {
            LogWriter.HeaderName[] names = new LogWriter.HeaderName[keys.length];
            for (int i = 0; i < keys.length; i++) {
                names[i] = values[i] == null ? null : writer.name(keys[i]);
            }
            return new Overrides(keys, values, names);
        }

        /** Whether a plugin set or removed {@code name}; compared as the context's map compares. */
        boolean has(String name) {
            return index(name) >= 0;
        }

        /** The value set for {@code name}, or null (none, or removed). */
        String get(String name) {
            int i = index(name);
            return i < 0 ? null : values[i];
        }

        private int index(String name) {
            for (int i = 0; i < keys.length; i++) {
                if (RequestContext.HEADER_ORDER.compare(keys[i], name) == 0) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** The headers as the backend got them; returns an estimate of their size on the wire. */
    private long writeRequestHeaders(JsonGenerator g, LogWriter writer, Overrides overrides) throws IOException {
        long credentialMask = writer.mask(credentialHeaders);
        List<String> written = new ArrayList<>(16);
        long bytes = 0;
        g.writeStartObject();
        List<String> h = requestHeaders;
        for (int i = 0; i < h.size() && written.size() < MAX_HEADERS; i += 2) {
            String name = h.get(i);
            LogWriter.HeaderName known = writer.name(name);
            String lower = known.lower();
            // As the upstream copy compares names (IdentityHeaders.fold): X_Api_Key is X-Api-Key there.
            String folded = lower.indexOf('_') < 0 ? lower : lower.replace('_', '-');
            if (known.identity() || overrides.has(folded) || written.contains(lower)) {
                continue; // never sent, set by a plugin (below), or written with its first value
            }
            written.add(lower);
            g.writeFieldName(known.json());
            // Kong's two, and the cookies (Kong ships them; a log pipeline's readers are not the users).
            boolean redact = SecretHeaders.isSecret(folded) || credentialNamed(known, name, credentialMask);
            int count = 0;
            for (int j = i; j < h.size(); j += 2) {
                if (h.get(j).equalsIgnoreCase(name)) {
                    count++;
                    bytes += name.length() + h.get(j + 1).length() + 4;
                }
            }
            if (redact) {
                g.writeString(REDACTED);
            } else if (count == 1) {
                g.writeString(bounded(headerText(h.get(i + 1))));
            } else {
                g.writeStartArray();
                for (int j = i; j < h.size(); j += 2) {
                    if (h.get(j).equalsIgnoreCase(name)) {
                        g.writeString(bounded(headerText(h.get(j + 1))));
                    }
                }
                g.writeEndArray();
            }
        }
        for (int i = 0; i < overrides.keys().length; i++) {
            String value = overrides.values()[i];
            if (value == null || written.size() >= MAX_HEADERS) {
                continue;
            }
            String lower = overrides.names()[i].lower();
            if (!written.contains(lower)) {
                written.add(lower);
                g.writeFieldName(overrides.names()[i].json());
                // A plugin's Authorization (request-transformer's add, or its append to the client's)
                // is redacted as the client's is: Kong redacts the header whoever set it.
                String folded = lower.indexOf('_') < 0 ? lower : lower.replace('_', '-');
                boolean redact = SecretHeaders.isSecret(folded)
                        || credentialNamed(overrides.names()[i], overrides.keys()[i], credentialMask);
                if (redact) {
                    g.writeString(REDACTED);
                } else if (value.indexOf(RequestContext.LINES) < 0) {
                    g.writeString(bounded(headerText(value)));
                } else {
                    // Sent as several lines (request-transformer's append): an array, as Kong logs it.
                    g.writeStartArray();
                    for (String line : value.split(String.valueOf(RequestContext.LINES), -1)) {
                        g.writeString(bounded(headerText(line)));
                    }
                    g.writeEndArray();
                }
            }
        }
        g.writeEndObject();
        return bytes;
    }

    /** The upstream URI with its query's credentials replaced; {@code redactedQuery} is the logged query's. */
    private String redactedUpstreamUri(String redactedQuery) {
        if (sentQueryLength >= 0) {
            // The usual case: the backend got the query that is logged, redacted once already.
            return upstreamUri.substring(0, upstreamUri.length() - sentQueryLength) + redactedQuery;
        }
        return redactUriArguments(upstreamUri, credentialArguments);
    }

    /** {@code uri} (a path and maybe a query) with the query's credentials replaced. */
    private static String redactUriArguments(String uri, java.util.Set<String> names) {
        int q = uri.indexOf('?');
        return q < 0 || names.isEmpty() ? uri : uri.substring(0, q + 1) + redactArguments(uri.substring(q + 1), names);
    }

    /** The query with the value of each argument that carried a credential replaced (names kept). */
    static String redactArguments(String query, java.util.Set<String> names) {
        return UrlArgs.redacted(query, names, REDACTED);
    }

    private long writeResponseHeaders(JsonGenerator g, LogWriter writer) throws IOException {
        List<String> h = responseHeaders;
        int n = h.size() / 2;
        LogWriter.HeaderName[] names = new LogWriter.HeaderName[n];
        long[] ids = new long[n];
        long bytes = 0;
        boolean repeats = false;
        long clears = writer.clears();
        for (int i = 0; i < n; i++) {
            LogWriter.HeaderName name = writer.name(h.get(2 * i));
            names[i] = name;
            ids[i] = name.id();
            bytes += name.lower().length() + h.get(2 * i + 1).length() + 4;
            for (int j = 0; j < i && !repeats; j++) {
                repeats = ids[j] == ids[i];
            }
        }
        if (writer.clears() != clears) {
            // The cache was emptied among these names: two spellings of one may have two ids.
            for (int i = 1; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    if (names[j].lower().equals(names[i].lower())) {
                        ids[i] = ids[j];
                        repeats = true;
                        break;
                    }
                }
            }
        }
        int written = 0;
        boolean contentTypeWritten = false;
        long credentialMask = writer.mask(credentialHeaders);
        g.writeStartObject();
        for (int i = 0; i < n && written < MAX_HEADERS; i++) {
            if (repeats && indexOf(ids, ids[i], 0, i) >= 0) {
                continue; // written with its first value
            }
            written++;
            boolean isContentType = names[i].contentType();
            contentTypeWritten |= isContentType;
            g.writeFieldName(names[i].json());
            int next = repeats ? indexOf(ids, ids[i], i + 1, n) : -1;
            if (names[i].setCookie()) {
                g.writeString(REDACTED);
            } else if (contentType != null && isContentType) {
                g.writeString(contentType); // the container's (a character encoding set later is in it)
            } else if (next < 0) {
                g.writeString(responseValue(names[i], h.get(2 * i), credentialMask, h.get(2 * i + 1)));
            } else {
                g.writeStartArray();
                g.writeString(responseValue(names[i], h.get(2 * i), credentialMask, h.get(2 * i + 1)));
                for (int j = next; j >= 0; j = indexOf(ids, ids[i], j + 1, n)) {
                    g.writeString(responseValue(names[j], h.get(2 * j), credentialMask, h.get(2 * j + 1)));
                }
                g.writeEndArray();
            }
        }
        if (contentType != null && !contentTypeWritten) {
            field(g, F_CONTENT_TYPE).writeString(contentType);
        }
        g.writeEndObject();
        return bytes;
    }

    private static final String[] NO_VALUES = new String[0];

    /** Values shorter than this are not looked for in a response (a "1" would redact every digit). */
    private static final int MIN_SECRET = 4;

    /**
     * The values of the client's query arguments an auth plugin reads a credential from; looked
     * for only when the query names one (a cheap test on the request thread).
     */
    private static String[] credentialValues(String clientQuery, java.util.Set<String> names) {
        if (clientQuery == null || names.isEmpty() || !mentionsAny(clientQuery, names)) {
            return NO_VALUES;
        }
        List<String> found = new ArrayList<>(1);
        for (Map.Entry<String, List<String>> e : UrlArgs.decode(clientQuery).entrySet()) {
            if (names.contains(e.getKey())) {
                for (String v : e.getValue()) {
                    if (v != null && v.length() >= MIN_SECRET) {
                        found.add(v);
                    }
                }
            }
        }
        return found.toArray(NO_VALUES);
    }

    /** Whether any of the response's headers (name and value in turn) may quote the request's URI. */
    private static boolean quotesUri(List<String> responseHeaders) {
        for (int i = 0; i < responseHeaders.size(); i += 2) {
            if (quotesUri(responseHeaders.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a response header of this name may hold the request's URI, query included
     * (Location, Content-Location, Link, Refresh; any case). By length first: one comparison per
     * header (every response has a dozen or more).
     */
    static boolean quotesUri(String name) {
        return switch (name.length()) {
            case 4 -> name.equalsIgnoreCase("link");
            case 7 -> name.equalsIgnoreCase("refresh");
            case 8 -> name.equalsIgnoreCase("location");
            case 16 -> name.equalsIgnoreCase("content-location");
            default -> false;
        };
    }

    private static boolean mentionsAny(String query, java.util.Set<String> names) {
        if (query.indexOf('%') >= 0) {
            return true; // an escaped name: decode to know
        }
        for (String name : names) {
            if (query.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A request header's value as text: its bytes read as UTF-8 (Kong's JSON carries the bytes,
     * so a client's or a consumer's "josé" is logged as such), else as they came.
     */
    private static String headerText(String value) {
        String text = com.gitinsight.gateway.http.HeaderText.utf8(value);
        return text != null ? text : value;
    }

    /** Whether an auth plugin reads a credential from the header {@code spelled} ({@code known} its name). */
    private boolean credentialNamed(LogWriter.HeaderName known, String spelled, long credentialMask) {
        return (credentialMask & known.bit()) != 0 && credentialHeaders.contains(spelled);
    }

    /**
     * A response header's value as logged: a credential the backend sent back (a redirect that
     * kept the query's key, a header of an auth plugin's name) is redacted as the request's is
     * (attacker review 171).
     */
    private String responseValue(LogWriter.HeaderName known, String spelled, long credentialMask, String value) {
        if (credentialNamed(known, spelled, credentialMask)) {
            return REDACTED;
        }
        if (!credentialArguments.isEmpty() && known.quotesUri()) {
            String name = known.lower();
            // One URI: its credential arguments by name; then, in any of them (a Link's list, a
            // login redirect's next=...%3Fapikey%3D...), the values the client sent, as sent or escaped.
            String v = name.equals("location") || name.equals("content-location")
                    ? redactUriArguments(value, credentialArguments)
                    : value;
            for (String secret : credentialValues) {
                v = v.replace(secret, REDACTED);
                String escaped = java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8);
                v = v.replace(escaped, REDACTED).replace(escaped.replace("+", "%20"), REDACTED);
            }
            return bounded(v);
        }
        return bounded(value);
    }

    /** The first index in [from, to) holding {@code id}, or -1. */
    private static int indexOf(long[] ids, long id, int from, int to) {
        for (int j = from; j < to; j++) {
            if (ids[j] == id) {
                return j;
            }
        }
        return -1;
    }

    /**
     * A value as logged: at most {@link #MAX_VALUE} characters (a client chooses its headers and
     * query, and every record waits in a queue), the cut marked.
     */
    static String bounded(String value) {
        return com.gitinsight.gateway.http.Cut.atMost(value, MAX_VALUE, TRUNCATED);
    }

    /**
     * Kong 3.7's latencies: {@code kong} the gateway's time before the last try went upstream (all
     * of it when none did), {@code proxy} the upstream's time to its response headers, {@code
     * receive} the rest (the body), {@code request} the whole; milliseconds. {@code proxy} is -1
     * only when nothing was tried (a name that did not resolve records no try: Kong fails it
     * before proxying): Kong marks a request proxied before its balancer runs, so a try that got
     * no answer (refused, timed out) counts its wait until the error answer as {@code proxy}
     * ({@code Kong.header_filter}'s waiting time from the last balancer run).
     */
    private void writeLatencies(JsonGenerator g) throws IOException {
        long total = outcome.endNanos() - startedNanos;
        long kong;
        long receive;
        long proxy;
        if (tries.isEmpty()) {
            kong = total;
            receive = 0;
            proxy = -1;
        } else {
            RequestContext.TargetTry last = tries.get(tries.size() - 1);
            kong = last.startNanos() - startedNanos;
            if (upstreamNanos >= 0) {
                proxy = upstreamNanos;
                receive = Math.max(0, total - kong - upstreamNanos);
            } else {
                proxy = Math.max(0, total - kong); // the error answer's own writing is too short to tell
                receive = 0;
            }
        }
        field(g, F_LATENCIES).writeStartObject();
        field(g, F_KONG).writeNumber(millis(kong));
        field(g, F_PROXY).writeNumber(proxy < 0 ? -1 : millis(proxy));
        field(g, F_REQUEST).writeNumber(millis(total));
        field(g, F_RECEIVE).writeNumber(millis(receive));
        g.writeEndObject();
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000);
    }

    /**
     * nginx's {@code $upstream_status}, which Kong logs: each try's status, {@code ", "} between
     * (a try with no answer as 502, or 504 for a timeout); empty when nothing was tried.
     */
    private String upstreamStatusText() {
        if (tries.isEmpty()) {
            return upstreamStatus > 0 ? Integer.toString(upstreamStatus) : "";
        }
        if (tries.size() == 1 && tries.get(0).status() > 0) {
            return Integer.toString(tries.get(0).status());
        }
        StringBuilder out = new StringBuilder(16);
        for (RequestContext.TargetTry t : tries) {
            int status = t.status() > 0 ? t.status() : t.failureStatus();
            if (status > 0) {
                if (out.length() > 0) {
                    out.append(", ");
                }
                out.append(status);
            }
        }
        return out.toString();
    }

    private void writeTries(JsonGenerator g) throws IOException {
        if (tries.isEmpty()) {
            if (balancerPrepared) {
                // Kong's balancer_prepare gives tries cjson's array metatable (Kong #6390): [].
                field(g, F_TRIES).writeStartArray();
                g.writeEndArray();
            }
            return;
        }
        long epochOffsetNanos = startedMillis * 1_000_000 - startedNanos;
        field(g, F_TRIES).writeStartArray();
        for (int i = 0; i < tries.size(); i++) {
            RequestContext.TargetTry t = tries.get(i);
            g.writeStartObject();
            field(g, F_IP).writeString(t.ip());
            field(g, F_PORT).writeNumber(t.port());
            // Kong's balancer phase for the try: choosing the target until the peer is set.
            long startNs = t.startNanos() - t.balancerNanos() + epochOffsetNanos;
            field(g, F_BALANCER_START).writeNumber(startNs / 1_000_000);
            field(g, F_BALANCER_START_NS).writeNumber(startNs);
            field(g, F_BALANCER_LATENCY).writeNumber(t.balancerNanos() / 1_000_000);
            field(g, F_BALANCER_LATENCY_NS).writeNumber(t.balancerNanos());
            if (i < tries.size() - 1) {
                // Kong's balancer gives a try its state and code only when it tries again: "failed"
                // for a connection that failed (502, 504 a timeout), "next" for an answer passed over.
                boolean answered = t.status() > 0;
                field(g, F_STATE).writeString(answered ? "next" : "failed");
                int code = answered ? t.status() : t.failureStatus();
                if (code > 0) {
                    field(g, F_CODE).writeNumber(code);
                }
            } else if (outcome.status() > 499
                    && balancerPrepared
                    && tries.size() > match.service().retries()) {
                // Kong's header_filter: the last try failed when the answer is a 5xx and no retry
                // was left, so it is logged as one.
                field(g, F_STATE).writeString("failed");
                field(g, F_CODE).writeNumber(outcome.status());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /**
     * The consumer and credential an auth plugin identified (not the headers it set for the
     * backend, which a request-transformer may have removed or renamed).
     */
    private void writeIdentity(JsonGenerator g, LogWriter writer) throws IOException {
        RequestContext.Identity who = identity;
        if (who == null || who.consumerId() == null) {
            return;
        }
        if (who.credential() != null) {
            field(g, F_AUTHENTICATED_ENTITY).writeStartObject();
            // Kong's is the credential's id (a jwt's or basic-auth's header names its key or username).
            field(g, F_ID).writeString(credentialId != null ? credentialId : who.credential());
            field(g, F_CONSUMER_ID).writeString(who.consumerId());
            g.writeEndObject();
        }
        g.writeFieldName(F_CONSUMER);
        if (who.entity() != null) {
            // A configuration's consumer: the same for every request it makes, so written once.
            g.writeRawValue(writer.consumer(
                    who.consumerId(),
                    who.entity(),
                    who.username(),
                    who.customId(),
                    loadedAt,
                    gen -> writeConsumer(gen, who, loadedAt)));
        } else {
            writeConsumer(g, who, loadedAt);
        }
    }

    private static void writeConsumer(JsonGenerator g, RequestContext.Identity who, long loadedAt) throws IOException {
        g.writeStartObject();
        field(g, F_ID).writeString(who.consumerId());
        if (who.username() != null) {
            field(g, F_USERNAME).writeString(who.username());
        }
        if (who.customId() != null) {
            field(g, F_CUSTOM_ID).writeString(who.customId());
        }
        // Kong's serializer copies the consumer entity whole: its tags, timestamps and workspace
        // too (a consumer the file does not have, an SSO login's own, has none).
        if (who.entity() != null) {
            KongEntityJson.writeMeta(g, who.entity(), loadedAt);
            g.writeStringField("ws_id", KongEntityJson.DEFAULT_WORKSPACE_ID);
        }
        g.writeEndObject();
    }
}
