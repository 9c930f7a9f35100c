package com.gitinsight.gateway.termination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.KongEntityJson;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.http.IdentityHeaders;
import com.gitinsight.gateway.http.MultipartForm;
import com.gitinsight.gateway.http.UrlArgs;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;

/**
 * The echo of request-termination: Kong's document ({@code message}, {@code kong}, {@code request},
 * {@code matched_route}, {@code matched_service}), for debugging a route. The request body is echoed
 * when it is at most {@value #MAX_BODY_BYTES} bytes (Kong echoes only a body its buffer held); a JSON
 * or form body also parsed, as Kong's {@code get_body}.
 */
final class Echo {

    /** nginx's client_body_buffer_size in Kong (8k): a larger body is on disk, and Kong's get_raw_body fails. */
    static final int MAX_BODY_BYTES = 8 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** This node's id in echoes (Kong's node id): fixed for the life of the process. */
    private static final String NODE_ID = com.gitinsight.gateway.runtime.NodeId.VALUE;

    private static final long PID = ProcessHandle.current().pid();
    private static final String HOSTNAME = hostname();

    private Echo() {}

    static byte[] document(RequestTerminationSchema.Config config, RequestContext context, HttpServletRequest request)
            throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        if (config.message() != null) {
            doc.put("message", config.message());
        }
        ObjectNode kong = doc.putObject("kong");
        kong.put("node_id", NODE_ID);
        kong.put("worker_pid", PID);
        kong.put("hostname", HOSTNAME);
        doc.set("request", request(context, request));
        RouteMatch match = context == null ? null : context.match();
        if (match != null) {
            // Kong's echo shows ctx.route and ctx.service, the entities its log serializer writes.
            long loadedAt = context.snapshot().loadedAt().getEpochSecond();
            doc.set("matched_route", JSON.readTree(KongEntityJson.route(match.route(), match.service(), loadedAt)));
            if (match.service() != null) {
                doc.set("matched_service", JSON.readTree(KongEntityJson.service(match.service(), loadedAt)));
            }
        }
        return JSON.writeValueAsBytes(doc);
    }

    private static ObjectNode request(RequestContext context, HttpServletRequest request) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("scheme", request.getScheme());
        String host = request.getServerName();
        out.put("host", host == null ? null : host.toLowerCase(Locale.ROOT));
        out.put("port", request.getLocalPort());
        // The request as the plugins before this one left it (Kong's echo reads kong.request after
        // them): their headers set or removed, a client's identity headers gone, their query and method.
        java.util.Map<String, String> decided = context == null ? java.util.Map.of() : context.upstreamHeaders();
        ObjectNode headers = out.putObject("headers");
        for (String name : Collections.list(request.getHeaderNames())) {
            String folded = IdentityHeaders.fold(name);
            if (IdentityHeaders.isIdentity(folded) || decided.containsKey(name) || decided.containsKey(folded)) {
                continue;
            }
            String key = name.toLowerCase(Locale.ROOT);
            for (String value : Collections.list(request.getHeaders(name))) {
                add(headers, key, JSON.getNodeFactory().textNode(value));
            }
        }
        decided.forEach((name, value) -> {
            if (value != null) {
                for (String line : value.split(String.valueOf(RequestContext.LINES), -1)) {
                    add(
                            headers,
                            name.toLowerCase(Locale.ROOT),
                            JSON.getNodeFactory().textNode(line));
                }
            }
        });
        String query = context == null || context.upstreamQuery() == null
                ? request.getQueryString()
                : context.upstreamQuery().isEmpty() ? null : context.upstreamQuery();
        out.set("query", query(query));
        byte[] body = body(context, request);
        if (body != null) {
            // Kong's kong.request.get_raw_body(): "" for a request without a body.
            String raw = new String(body, StandardCharsets.UTF_8);
            JsonNode parsed = body.length == 0 ? null : parsed(request.getContentType(), body, raw);
            if (parsed != null) {
                out.set("body", parsed);
            }
            out.put("raw_body", raw);
        }
        out.put(
                "method",
                context != null && context.upstreamMethod() != null ? context.upstreamMethod() : request.getMethod());
        out.put("path", context != null && context.path() != null ? context.path() : request.getRequestURI());
        out.set("uri_captures", uriCaptures(context));
        return out;
    }

    /** A named group in a route's regex as Kong writes it ({@code (?<name>...)} or {@code (?P<name>...)}; not a lookbehind). */
    private static final java.util.regex.Pattern NAMED_GROUP =
            java.util.regex.Pattern.compile("\\(\\?P?<([^>=!][^>]*)>");

    /**
     * Kong's {@code kong.request.get_uri_captures()}: the groups of the route's regex path the
     * request matched, by number (1 on, named ones included) and by name; both empty on a route
     * without a regex path.
     */
    private static ObjectNode uriCaptures(RequestContext context) {
        ObjectNode captures = JSON.createObjectNode();
        ObjectNode named = captures.putObject("named");
        ArrayNode unnamed = captures.putArray("unnamed");
        if (context == null || context.match() == null || context.path() == null) {
            return captures;
        }
        for (RouteSpec.RoutePath p : context.match().route().paths()) {
            if (!p.isRegex()) {
                continue;
            }
            java.util.regex.Matcher m;
            try {
                m = com.gitinsight.gateway.routing.MatchBudget.found(p.regex(), context.path());
            } catch (com.gitinsight.gateway.routing.MatchBudget.Spent e) {
                continue; // bounded as the router's search was: no captures rather than a held thread
            }
            if (m == null) {
                continue;
            }
            for (int i = 1; i <= m.groupCount(); i++) {
                unnamed.add(m.group(i));
            }
            java.util.regex.Matcher names = NAMED_GROUP.matcher(p.raw());
            while (names.find()) {
                try {
                    named.put(names.group(1), m.group(p.javaGroup(names.group(1))));
                } catch (IllegalArgumentException e) {
                    // not a group Java knows by that name: left out
                }
            }
            break;
        }
        return captures;
    }

    /** Kong's query table: a repeated argument is an array, one without {@code =} is {@code true}. */
    static ObjectNode query(String query) {
        ObjectNode out = JSON.createObjectNode();
        UrlArgs.decode(query).forEach((name, values) -> {
            for (String value : values) {
                add(
                        out,
                        name,
                        value == null
                                ? JSON.getNodeFactory().booleanNode(true)
                                : JSON.getNodeFactory().textNode(value));
            }
        });
        return out;
    }

    private static void add(ObjectNode object, String key, JsonNode value) {
        JsonNode existing = object.get(key);
        if (existing == null) {
            object.set(key, value);
        } else if (existing instanceof ArrayNode array) {
            array.add(value);
        } else {
            ArrayNode array = object.putArray(key);
            array.add(existing);
            array.add(value);
        }
    }

    /** The body when it fits the echo's bound, else null (the echo then leaves it out). */
    private static byte[] body(RequestContext context, HttpServletRequest request) throws IOException {
        // An earlier plugin that read the body (key-auth's key_in_body, request-transformer) handed
        // on what the request now carries: echo that, not what is left of the client's stream.
        InputStream handed = context == null ? null : context.upstreamBody();
        long declared = handed != null ? context.upstreamBodyLength() : request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            return null;
        }
        try (InputStream in = handed != null ? handed : request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            return bytes.length > MAX_BODY_BYTES ? null : bytes;
        }
    }

    private static JsonNode parsed(String contentType, byte[] body, String raw) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json")) {
            try {
                JsonNode node = JSON.readTree(raw);
                return node != null && node.isContainerNode() ? node : null;
            } catch (IOException e) {
                return null;
            }
        }
        if (type.startsWith("application/x-www-form-urlencoded")) {
            return query(raw);
        }
        if (type.startsWith("multipart/form-data")) {
            return multipart(contentType, body);
        }
        return null;
    }

    /** Kong's get_body for multipart/form-data: each name's value, an array for a repeated name. */
    private static JsonNode multipart(String contentType, byte[] body) {
        MultipartForm form = MultipartForm.parse(body, contentType);
        if (form == null) {
            return null; // Kong: "unable to decode multipart body"
        }
        ObjectNode out = JSON.createObjectNode();
        form.fields().forEach((name, values) -> {
            if (values.size() == 1) {
                out.put(name, values.get(0));
            } else {
                ArrayNode array = out.putArray(name);
                values.forEach(array::add);
            }
        });
        return out;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
