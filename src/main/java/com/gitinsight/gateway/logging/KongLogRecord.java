package com.gitinsight.gateway.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.http.IdentityHeaders;
import com.gitinsight.gateway.http.UrlArgs;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kong's basic log serializer ({@code kong.log.serialize} in {@code kong/pdk/log.lua}): the JSON
 * record file-log and http-log ship for each request: {@code request} (id, uri, url, querystring,
 * method, headers, size), {@code upstream_uri}, {@code upstream_status}, {@code response} (status,
 * headers, size), {@code latencies} (kong, proxy, request, receive; ms), {@code tries},
 * {@code authenticated_entity}, {@code route}, {@code service}, {@code consumer}, {@code client_ip},
 * {@code started_at} (epoch ms), {@code source}, {@code workspace_name} and, when traced,
 * {@code trace_id}. As Kong: header names lower-case, a repeated header an array, request headers
 * as the backend got them (what a plugin removed, such as a hidden credential, is not there) with
 * {@code authorization}, {@code proxy-authorization}, {@code cookie} and {@code set-cookie} redacted
 * (and any header or query argument an auth plugin read a credential from: a jwt in {@code ?jwt=},
 * a key-auth key), a client's identity headers (which never reached the backend) left out, values
 * cut at 2,048 characters, the query (in {@code uri},
 * {@code url} and {@code querystring}) as the backend got it (Kong logs the client's
 * {@code request_uri}, a hidden key included), a bare query argument
 * {@code true}, absent fields left out. The route, service and consumer are what this gateway
 * knows of them (no credentials); sizes count the body and an estimate of the head.
 */
public final class KongLogRecord {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_HEADERS = 100;
    private static final String REDACTED = "REDACTED";
    private static final String TRUNCATED = "...(truncated)";
    /** The longest header value, query argument or URI a record holds. */
    static final int MAX_VALUE = 2048;
    /**
     * Request headers never shipped: Kong's two, and the cookies (users' sessions; Kong ships them,
     * but a log pipeline's readers are not the users).
     */
    private static final java.util.Set<String> REDACTED_REQUEST =
            java.util.Set.of("authorization", "proxy-authorization", "cookie");

    private KongLogRecord() {}

    /** What the response came to, as the log phase sees it. */
    public record Outcome(int status, long bodyBytes, long endNanos) {}

    public static byte[] serialize(
            HttpServletRequest request, HttpServletResponse response, RequestContext context, Outcome outcome) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1536);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, request, response, context, outcome);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(
            JsonGenerator g,
            HttpServletRequest request,
            HttpServletResponse response,
            RequestContext context,
            Outcome outcome)
            throws IOException {
        g.writeStartObject();
        String uri = request.getRequestURI();
        // The query as the backend got it: what a plugin removed (key-auth's hidden key) is not logged.
        String query = context.upstreamQuery() == null
                ? request.getQueryString()
                : context.upstreamQuery().isEmpty() ? null : context.upstreamQuery();
        query = redactArguments(query, context.credentialArguments());
        String requestUri = query == null ? uri : uri + "?" + query;

        g.writeObjectFieldStart("request");
        g.writeStringField("id", context.requestId());
        g.writeStringField("uri", bounded(requestUri));
        g.writeStringField("url", bounded(url(request, requestUri)));
        g.writeFieldName("querystring");
        writeQuery(g, query);
        g.writeStringField("method", request.getMethod());
        g.writeFieldName("headers");
        long headBytes = writeRequestHeaders(g, request, context);
        long body = Math.max(0, request.getContentLengthLong());
        g.writeNumberField(
                "size", headBytes + requestUri.length() + request.getMethod().length() + 12 + body);
        if (request.isSecure()) {
            g.writeObjectFieldStart("tls");
            Object protocol = request.getAttribute("jakarta.servlet.request.secure_protocol");
            Object cipher = request.getAttribute("jakarta.servlet.request.cipher_suite");
            if (protocol != null) {
                g.writeStringField("version", protocol.toString());
            }
            if (cipher != null) {
                g.writeStringField("cipher", cipher.toString());
            }
            g.writeStringField(
                    "client_verify",
                    request.getAttribute("jakarta.servlet.request.X509Certificate") != null ? "SUCCESS" : "NONE");
            g.writeEndObject();
        }
        g.writeEndObject();

        String upstreamUri = context.upstreamUri();
        g.writeStringField(
                "upstream_uri",
                upstreamUri == null ? "" : bounded(redactUriArguments(upstreamUri, context.credentialArguments())));
        g.writeStringField(
                "upstream_status", context.upstreamStatus() > 0 ? Integer.toString(context.upstreamStatus()) : "");

        g.writeObjectFieldStart("response");
        g.writeNumberField("status", outcome.status());
        g.writeFieldName("headers");
        long responseHead = writeResponseHeaders(g, response);
        g.writeNumberField("size", outcome.bodyBytes() + responseHead + 17);
        g.writeEndObject();

        writeLatencies(g, context, outcome);
        writeTries(g, context);
        writeIdentity(g, context);
        RouteMatch match = context.match();
        if (match != null) {
            writeRoute(g, match.route());
            writeService(g, match.service());
        }
        g.writeStringField("client_ip", context.clientAddress());
        g.writeNumberField("started_at", context.startedMillis());
        g.writeStringField("source", outcome.status() == context.upstreamStatus() ? "upstream" : "kong");
        g.writeStringField("workspace_name", "default");
        Map<String, String> traceIds = context.trace().traceIds();
        if (!traceIds.isEmpty()) {
            g.writeObjectFieldStart("trace_id");
            for (Map.Entry<String, String> e : traceIds.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** {@code scheme://host:port/uri}: the port always written, as Kong writes it. */
    private static String url(HttpServletRequest request, String requestUri) {
        String host = request.getServerName();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return request.getScheme() + "://" + host + ":" + request.getServerPort() + requestUri;
    }

    private static void writeQuery(JsonGenerator g, String query) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, List<String>> e : UrlArgs.decode(query).entrySet()) {
            List<String> values = e.getValue();
            g.writeFieldName(e.getKey());
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

    /** The headers as the backend got them; returns an estimate of their size on the wire. */
    private static long writeRequestHeaders(JsonGenerator g, HttpServletRequest request, RequestContext context)
            throws IOException {
        Map<String, String> overrides = context.upstreamHeaders();
        java.util.Set<String> credentials = context.credentialHeaders();
        List<String> written = new ArrayList<>(16);
        long bytes = 0;
        g.writeStartObject();
        for (Enumeration<String> names = request.getHeaderNames();
                names.hasMoreElements() && written.size() < MAX_HEADERS; ) {
            String name = names.nextElement();
            String lower = name.toLowerCase(Locale.ROOT);
            if ((!overrides.isEmpty() && overrides.containsKey(name))
                    || written.contains(lower)
                    || IdentityHeaders.isIdentity(IdentityHeaders.fold(name))) {
                continue; // set by a plugin (below), seen in another case, or never sent (a client's identity header)
            }
            written.add(lower);
            g.writeFieldName(lower);
            boolean redact = REDACTED_REQUEST.contains(lower) || (!credentials.isEmpty() && credentials.contains(name));
            Enumeration<String> values = request.getHeaders(name);
            String first = values.hasMoreElements() ? values.nextElement() : "";
            bytes += name.length() + first.length() + 4;
            if (!values.hasMoreElements()) {
                g.writeString(redact ? REDACTED : bounded(first));
                continue;
            }
            if (redact) {
                g.writeString(REDACTED);
                while (values.hasMoreElements()) {
                    bytes += name.length() + values.nextElement().length() + 4;
                }
                continue;
            }
            g.writeStartArray();
            g.writeString(bounded(first));
            while (values.hasMoreElements()) {
                String v = values.nextElement();
                bytes += name.length() + v.length() + 4;
                g.writeString(bounded(v));
            }
            g.writeEndArray();
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String lower = e.getKey().toLowerCase(Locale.ROOT);
            if (e.getValue() != null && written.size() < MAX_HEADERS && !written.contains(lower)) {
                written.add(lower);
                g.writeStringField(lower, credentials.contains(lower) ? REDACTED : bounded(e.getValue()));
            }
        }
        g.writeEndObject();
        return bytes;
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

    private static long writeResponseHeaders(JsonGenerator g, HttpServletResponse response) throws IOException {
        List<String> written = new ArrayList<>(16);
        long bytes = 0;
        g.writeStartObject();
        for (String name : response.getHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (written.contains(lower) || written.size() >= MAX_HEADERS) {
                continue; // the container lists a repeated header once per value
            }
            written.add(lower);
            Collection<String> values = response.getHeaders(name);
            for (String v : values) {
                bytes += name.length() + v.length() + 4;
            }
            g.writeFieldName(lower);
            if (lower.equals("set-cookie")) {
                g.writeString(REDACTED);
            } else if (values.size() == 1) {
                g.writeString(bounded(values.iterator().next()));
            } else {
                g.writeStartArray();
                for (String v : values) {
                    g.writeString(bounded(v));
                }
                g.writeEndArray();
            }
        }
        String type = response.getContentType();
        if (type != null && !written.contains("content-type")) {
            g.writeStringField("content-type", type);
        }
        g.writeEndObject();
        return bytes;
    }

    /**
     * A value as logged: at most {@link #MAX_VALUE} characters (a client chooses its headers and
     * query, and every record waits in a queue), the cut marked.
     */
    static String bounded(String value) {
        return value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE) + TRUNCATED;
    }

    /**
     * Kong 3.7's latencies: {@code kong} the gateway's time before the request went upstream (all of
     * it when none did), {@code proxy} the upstream's time to its response headers (-1: none),
     * {@code receive} the rest (the body), {@code request} the whole; milliseconds.
     */
    private static void writeLatencies(JsonGenerator g, RequestContext context, Outcome outcome) throws IOException {
        long total = outcome.endNanos() - context.startedNanos();
        List<RequestContext.TargetTry> tries = context.tries();
        long upstream = context.upstreamNanos();
        long kong;
        long receive;
        if (upstream >= 0 && !tries.isEmpty()) {
            RequestContext.TargetTry last = tries.get(tries.size() - 1);
            kong = last.startNanos() - context.startedNanos();
            receive = Math.max(0, total - kong - upstream);
        } else {
            kong = total;
            receive = 0;
        }
        g.writeObjectFieldStart("latencies");
        g.writeNumberField("kong", millis(kong));
        g.writeNumberField("proxy", upstream < 0 ? -1 : millis(upstream));
        g.writeNumberField("request", millis(total));
        g.writeNumberField("receive", millis(receive));
        g.writeEndObject();
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000);
    }

    private static void writeTries(JsonGenerator g, RequestContext context) throws IOException {
        List<RequestContext.TargetTry> tries = context.tries();
        if (tries.isEmpty()) {
            return;
        }
        long epochOffsetNanos = context.startedMillis() * 1_000_000 - context.startedNanos();
        g.writeArrayFieldStart("tries");
        for (int i = 0; i < tries.size(); i++) {
            RequestContext.TargetTry t = tries.get(i);
            g.writeStartObject();
            g.writeStringField("ip", t.ip());
            g.writeNumberField("port", t.port());
            long startNs = t.startNanos() + epochOffsetNanos;
            g.writeNumberField("balancer_start", startNs / 1_000_000);
            g.writeNumberField("balancer_start_ns", startNs);
            g.writeNumberField("balancer_latency", 0);
            g.writeNumberField("balancer_latency_ns", 0);
            boolean answered = t.status() > 0;
            if (!answered || i < tries.size() - 1) {
                // Kong marks a try that was followed by another "next", the last failed one "failed".
                g.writeStringField("state", i < tries.size() - 1 ? "next" : "failed");
                if (answered) {
                    g.writeNumberField("code", t.status());
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The consumer and credential an auth plugin identified, from the headers it set for the backend. */
    private static void writeIdentity(JsonGenerator g, RequestContext context) throws IOException {
        Map<String, String> set = context.upstreamHeaders();
        String consumerId = set.get("X-Consumer-ID");
        if (consumerId == null) {
            return;
        }
        String credential = set.get("X-Credential-Identifier");
        if (credential != null) {
            g.writeObjectFieldStart("authenticated_entity");
            g.writeStringField("id", credential);
            g.writeStringField("consumer_id", consumerId);
            g.writeEndObject();
        }
        g.writeObjectFieldStart("consumer");
        g.writeStringField("id", consumerId);
        if (set.get("X-Consumer-Username") != null) {
            g.writeStringField("username", set.get("X-Consumer-Username"));
        }
        if (set.get("X-Consumer-Custom-ID") != null) {
            g.writeStringField("custom_id", set.get("X-Consumer-Custom-ID"));
        }
        g.writeEndObject();
    }

    private static void writeRoute(JsonGenerator g, RouteSpec route) throws IOException {
        g.writeObjectFieldStart("route");
        if (route.name() != null) {
            g.writeStringField("name", route.name());
        }
        g.writeArrayFieldStart("paths");
        for (RouteSpec.RoutePath p : route.paths()) {
            g.writeString(p.raw());
        }
        g.writeEndArray();
        if (!route.methods().isEmpty()) {
            g.writeArrayFieldStart("methods");
            for (String m : route.methods()) {
                g.writeString(m);
            }
            g.writeEndArray();
        }
        if (!route.hosts().isEmpty()) {
            g.writeArrayFieldStart("hosts");
            for (String h : route.hosts()) {
                g.writeString(h);
            }
            g.writeEndArray();
        }
        g.writeBooleanField("strip_path", route.stripPath());
        g.writeBooleanField("preserve_host", route.preserveHost());
        g.writeNumberField("regex_priority", route.regexPriority());
        g.writeObjectFieldStart("service");
        g.writeStringField("name", route.service());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeService(JsonGenerator g, ServiceSpec service) throws IOException {
        g.writeObjectFieldStart("service");
        g.writeStringField("name", service.name());
        g.writeStringField("protocol", service.protocol());
        g.writeStringField("host", service.host());
        g.writeNumberField("port", service.port());
        if (service.path() != null) {
            g.writeStringField("path", service.path());
        }
        g.writeNumberField("retries", service.retries());
        g.writeNumberField("connect_timeout", service.connectTimeoutMs());
        g.writeNumberField("write_timeout", service.writeTimeoutMs());
        g.writeNumberField("read_timeout", service.readTimeoutMs());
        g.writeEndObject();
    }
}
