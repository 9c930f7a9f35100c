package com.gitinsight.gateway.testing;

import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request and response as a plugin filter sees them behind the container (JDK proxies: no
 * mocking library), for porting Kong's access specs to unit tests.
 */
public final class FakeHttp {

    /** A servlet input stream over {@code bytes}, read at most once. */
    public static ServletInputStream servletInput(byte[] bytes) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private FakeHttp() {}

    /** A client request; {@link #on} attaches the context the head of the chain would. */
    public static final class Request {
        public final HttpServletRequest request;
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final Map<String, Object> attributes = new HashMap<>();
        private String remoteAddr = "127.0.0.1";
        private String protocol = "HTTP/1.1";
        private final String method;
        private final String path;
        private final String query;
        private RequestContext context;
        private byte[] body = new byte[0];
        private ServletInputStream input;

        private Request(String method, String uri) {
            this.method = method;
            int q = uri.indexOf('?');
            this.path = q < 0 ? uri : uri.substring(0, q);
            this.query = q < 0 ? null : uri.substring(q + 1);
            request = (HttpServletRequest) Proxy.newProxyInstance(
                    HttpServletRequest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class},
                    (proxy, m, args) -> switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getRequestURI" -> path;
                        case "getQueryString" -> query;
                        case "getHeader" ->
                            headers.getOrDefault((String) args[0], List.of()).stream()
                                    .findFirst()
                                    .orElse(null);
                        case "getHeaders" -> Collections.enumeration(headers.getOrDefault((String) args[0], List.of()));
                        case "getHeaderNames" -> Collections.enumeration(List.copyOf(headers.keySet()));
                        case "getIntHeader" ->
                            headers.containsKey((String) args[0])
                                    ? Integer.parseInt(
                                            headers.get((String) args[0]).get(0))
                                    : -1;
                        case "getContentLengthLong" ->
                            headers.containsKey("Content-Length")
                                    ? Long.parseLong(
                                            headers.get("Content-Length").get(0).trim())
                                    : -1L;
                        case "getContentLength" ->
                            headers.containsKey("Content-Length")
                                    ? Integer.parseInt(
                                            headers.get("Content-Length").get(0).trim())
                                    : -1;
                        case "getCookies" -> cookies();
                        case "getContentType" ->
                            headers.getOrDefault("Content-Type", List.of()).stream()
                                    .findFirst()
                                    .orElse(null);
                        case "getInputStream" -> input();
                        case "getRemoteAddr" -> remoteAddr;
                        case "getScheme" -> "http";
                        case "getServerName" -> {
                            String host = headers.getOrDefault("Host", List.of("localhost"))
                                    .get(0);
                            int colon = host.lastIndexOf(':');
                            yield colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
                        }
                        case "getLocalPort" -> 8000;
                        case "getLocalAddr" -> "127.0.0.1";
                        case "getServerPort" -> {
                            // As Grizzly: the Host header's port, else the scheme's.
                            String host = headers.getOrDefault("Host", List.of("localhost"))
                                    .get(0);
                            int colon = host.lastIndexOf(':');
                            yield colon > 0 && !host.endsWith("]") ? Integer.parseInt(host.substring(colon + 1)) : 80;
                        }
                        case "getProtocol" -> protocol;
                        case "isSecure" -> false;
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "setAttribute" -> attributes.put((String) args[0], args[1]);
                        case "removeAttribute" -> attributes.remove((String) args[0]);
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> method + " " + uri;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        public static Request of(String method, String uri, String... headers) {
            Request r = new Request(method, uri);
            for (int i = 0; i + 1 < headers.length; i += 2) {
                r.header(headers[i], headers[i + 1]);
            }
            return r;
        }

        public static Request get(String uri, String... headers) {
            return of("GET", uri, headers);
        }

        /** The request line's protocol ({@code HTTP/1.1} unless set). */
        public Request protocol(String protocol) {
            this.protocol = protocol;
            return this;
        }

        public Request header(String name, String value) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        /** A body of {@code contentType}, with its Content-Length (null: sent chunked). */
        public Request body(String contentType, String text, boolean chunked) {
            body = text.getBytes(StandardCharsets.UTF_8);
            header("Content-Type", contentType);
            if (chunked) {
                header("Transfer-Encoding", "chunked");
            } else {
                header("Content-Length", String.valueOf(body.length));
            }
            return this;
        }

        public Request body(String contentType, String text) {
            return body(contentType, text, false);
        }

        /** What of the body no one has read yet. */
        public byte[] unread() throws IOException {
            return input().readAllBytes();
        }

        private ServletInputStream input() {
            if (input == null) {
                input = servletInput(body);
            }
            return input;
        }

        /** A body without a Content-Type, with its Content-Length. */
        public Request body(String text) {
            body = text.getBytes(StandardCharsets.UTF_8);
            header("Content-Length", String.valueOf(body.length));
            return this;
        }

        /** A body (the caller sets Content-Length or Transfer-Encoding as the test needs). */
        public Request body(byte[] bytes) {
            this.body = bytes.clone();
            return this;
        }

        public Request from(String address) {
            this.remoteAddr = address;
            return this;
        }

        /** Attaches the context for {@code match} in {@code snapshot}, as CurrentRequestFilter does. */
        public Request on(GatewaySnapshot snapshot, RouteMatch match) {
            context = RequestContext.attach(request, snapshot, match, path, false);
            return this;
        }

        public RequestContext context() {
            return context;
        }

        private Cookie[] cookies() {
            List<Cookie> out = new ArrayList<>();
            for (String header : headers.getOrDefault("Cookie", List.of())) {
                for (String pair : header.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        try {
                            out.add(new Cookie(
                                    pair.substring(0, eq).trim(),
                                    pair.substring(eq + 1).trim()));
                        } catch (IllegalArgumentException reservedName) {
                            // an attribute such as "path" that a client copied into its Cookie header
                        }
                    }
                }
            }
            return out.isEmpty() ? null : out.toArray(Cookie[]::new);
        }
    }

    /** The container's response: status, headers (several values each), body. */
    public static final class Response {
        public final HttpServletResponse response;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private int status = 200;
        private boolean committed;
        private final ServletOutputStream stream = new ServletOutputStream() {
            @Override
            public void write(int b) {
                committed = true;
                body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                committed = true;
                body.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        };

        public Response() {
            response = (HttpServletResponse) Proxy.newProxyInstance(
                    HttpServletResponse.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class},
                    (proxy, m, args) -> switch (m.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "getStatus" -> status;
                        case "setContentType" -> {
                            put("Content-Type", (String) args[0]);
                            yield null;
                        }
                        case "getContentType" -> header("Content-Type");
                        case "setContentLength", "setContentLengthLong" -> {
                            // A negative length is none (the container sends the body chunked).
                            put("Content-Length", ((Number) args[0]).longValue() < 0 ? null : args[0].toString());
                            yield null;
                        }
                        case "setHeader" -> {
                            put((String) args[0], (String) args[1]);
                            yield null;
                        }
                        case "addHeader" -> {
                            headers.computeIfAbsent((String) args[0], k -> new ArrayList<>())
                                    .add((String) args[1]);
                            yield null;
                        }
                        case "addCookie" -> {
                            jakarta.servlet.http.Cookie c = (jakarta.servlet.http.Cookie) args[0];
                            headers.computeIfAbsent("Set-Cookie", k -> new ArrayList<>())
                                    .add(c.getName() + "=" + c.getValue());
                            yield null;
                        }
                        case "setIntHeader" -> {
                            put((String) args[0], args[1].toString());
                            yield null;
                        }
                        case "setDateHeader" -> {
                            put(
                                    (String) args[0],
                                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                            java.time.Instant.ofEpochMilli((Long) args[1])
                                                    .atZone(java.time.ZoneOffset.UTC)));
                            yield null;
                        }
                        case "reset" -> {
                            headers.clear();
                            status = 200;
                            yield null;
                        }
                        case "getHeader" -> header((String) args[0]);
                        case "getHeaders" -> List.copyOf(headers.getOrDefault((String) args[0], List.of()));
                        case "getHeaderNames" -> List.copyOf(headers.keySet());
                        case "containsHeader" -> headers.containsKey((String) args[0]);
                        case "getCharacterEncoding" -> StandardCharsets.UTF_8.name();
                        case "getOutputStream" -> stream;
                        case "flushBuffer" -> {
                            committed = true;
                            yield null;
                        }
                        case "sendError" -> {
                            status = (Integer) args[0];
                            committed = true;
                            yield null;
                        }
                        case "sendRedirect" -> {
                            status = 302;
                            put("Location", (String) args[0]);
                            committed = true;
                            yield null;
                        }
                        case "isCommitted" -> committed;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "FakeHttp.Response " + status;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private void put(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, new ArrayList<>(List.of(value)));
            }
        }

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public List<String> headers(String name) {
            return List.copyOf(headers.getOrDefault(name, List.of()));
        }

        public Map<String, List<String>> headers() {
            return Collections.unmodifiableMap(headers);
        }

        public int status() {
            return status;
        }

        public String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * The rest of the chain: the backend. It answers 200 with the headers given, and records the
     * requests that reached it.
     */
    public static final class Backend implements FilterChain {
        private final List<String> headers = new ArrayList<>();
        private int status = 200;
        public final List<HttpServletRequest> seen = new ArrayList<>();

        public Backend header(String name, String value) {
            headers.add(name);
            headers.add(value);
            return this;
        }

        public Backend status(int status) {
            this.status = status;
            return this;
        }

        public int calls() {
            return seen.size();
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException {
            seen.add((HttpServletRequest) request);
            HttpServletResponse r = (HttpServletResponse) response;
            r.setStatus(status);
            for (int i = 0; i < headers.size(); i += 2) {
                r.addHeader(headers.get(i), headers.get(i + 1));
            }
            r.setContentType("application/json");
            byte[] body = "{\"backend\":true}".getBytes(StandardCharsets.UTF_8);
            r.setContentLength(body.length);
            r.getOutputStream().write(body);
        }
    }

    /** A chain that answers as a plugin's refusal does (Kong's error body for {@code message}). */
    public static jakarta.servlet.FilterChain refusal(int status, String message) {
        return (req, res) -> com.gitinsight.gateway.http.ErrorResponses.write(
                (HttpServletRequest) req, (jakarta.servlet.http.HttpServletResponse) res, status, message);
    }
}
