package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A GET (or other) request with headers and a {@link RequestContext} on route {@code cached}, as
 * the cache filter sees it behind the container (a JDK proxy: no mocking library).
 */
final class FakeRequest {

    private static final RouteMatch ROUTE = new RouteMatch(
            new RouteSpec(
                    "cached",
                    "svc",
                    List.of(),
                    Set.of(),
                    List.of(),
                    Map.of(),
                    false,
                    false,
                    0,
                    0,
                    RouteSpec.Streaming.DEFAULT,
                    RouteSpec.PathHandling.V0,
                    null,
                    0,
                    true,
                    false,
                    null),
            null,
            "/");

    final HttpServletRequest request;
    /** A configuration with no plugins: what the context asks of it (credential names) is empty. */
    private static final com.gitinsight.gateway.runtime.GatewaySnapshot EMPTY =
            com.gitinsight.gateway.runtime.TestSnapshots.of("_format_version: \"3.0\"\n");

    RequestContext context;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, Object> attributes = new HashMap<>();
    private byte[] body;
    private String scheme = "http";

    private FakeRequest(String method, String uri, String query) {
        request = (HttpServletRequest) Proxy.newProxyInstance(
                HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getRequestURI" -> uri;
                    case "getQueryString" -> query;
                    case "getScheme" -> scheme;
                    case "getLocalPort" -> 8080;
                    case "getProtocol" -> "HTTP/1.1";
                    case "getHeader" ->
                        headers.getOrDefault((String) args[0], List.of()).stream()
                                .findFirst()
                                .orElse(null);
                    case "getHeaders" -> Collections.enumeration(headers.getOrDefault((String) args[0], List.of()));
                    case "getHeaderNames" -> Collections.enumeration(List.copyOf(headers.keySet()));
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "getContentLengthLong" ->
                        headers.containsKey("Content-Length")
                                ? Long.parseLong(headers.get("Content-Length").get(0))
                                : -1L;
                    case "getInputStream" ->
                        com.gitinsight.gateway.testing.FakeHttp.servletInput(body == null ? new byte[0] : body);
                    case "toString" -> method + " " + uri;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        context = RequestContext.attach(
                request, EMPTY, ROUTE, uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri, false);
    }

    /** {@code headers}: names and values alternating. */
    static FakeRequest get(String uri, String... headers) {
        return of("GET", uri, headers);
    }

    static FakeRequest of(String method, String uri, String... headers) {
        int q = uri.indexOf('?');
        FakeRequest r = new FakeRequest(method, q < 0 ? uri : uri.substring(0, q), q < 0 ? null : uri.substring(q + 1));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.headers.computeIfAbsent(headers[i], k -> new ArrayList<>()).add(headers[i + 1]);
        }
        return r;
    }

    /** The path routing made of the request's (its spelling normalised). */
    FakeRequest normalisedTo(String path) {
        context = RequestContext.attach(request, EMPTY, ROUTE, path, context.fromTrustedProxy());
        return this;
    }

    /** As from a proxy in {@code gateway.trusted-ips}, whose forwarding headers reach the backend. */
    FakeRequest trusted() {
        context = RequestContext.attach(request, EMPTY, ROUTE, context.path(), true);
        return this;
    }

    /** A body with its Content-Length. */
    /** The scheme the request came in with ({@code https} through TLS). */
    FakeRequest scheme(String value) {
        scheme = value;
        return this;
    }

    FakeRequest body(String text) {
        body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        headers.put("Content-Length", new ArrayList<>(List.of(String.valueOf(body.length))));
        return this;
    }

    /** A body that ends before the Content-Length it declares (the client went away). */
    FakeRequest truncatedBody(String text, int declared) {
        body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        headers.put("Content-Length", new ArrayList<>(List.of(String.valueOf(declared))));
        return this;
    }

    /** As the jwt plugin leaves an authenticated request (its token the Authorization header's, when it has one). */
    FakeRequest authenticated(String consumer, String sub, String token) {
        context.consumer(consumer);
        context.subject(sub, token);
        context.credentialAuthenticated(true);
        if (headers.getOrDefault("Authorization", List.of()).contains("Bearer " + token)) {
            context.markAuthorizationVerified();
        }
        return this;
    }
}
