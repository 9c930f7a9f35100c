package com.gitinsight.gateway.cache;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The container's response as far as the cache uses it: status, headers (the content type kept
 * apart, as containers do), a body, and a client that may go away after {@code clientGoneAfter}
 * bytes.
 */
final class FakeResponse {

    final HttpServletResponse response;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private int status = 200;
    private String contentType;
    private boolean committed;
    private long clientGoneAfter = Long.MAX_VALUE;
    private final ServletOutputStream stream = new ServletOutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            committed = true;
            if (body.size() + len > clientGoneAfter) {
                throw new IOException("Broken pipe");
            }
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

    FakeResponse() {
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
                        contentType = (String) args[0];
                        yield null;
                    }
                    case "getContentType" -> contentType;
                    case "setContentLength", "setContentLengthLong" -> {
                        headers.put("Content-Length", new ArrayList<>(List.of(args[0].toString())));
                        yield null;
                    }
                    case "setHeader" -> {
                        headers.put((String) args[0], new ArrayList<>(List.of((String) args[1])));
                        yield null;
                    }
                    case "addHeader" -> {
                        headers.computeIfAbsent((String) args[0], k -> new ArrayList<>())
                                .add((String) args[1]);
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
                    case "isCommitted" -> committed;
                    case "reset" -> {
                        headers.clear();
                        body.reset();
                        contentType = null;
                        status = 200;
                        yield null;
                    }
                    case "toString" -> "FakeResponse";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    List<String> headers(String name) {
        return List.copyOf(headers.getOrDefault(name, List.of()));
    }

    String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    String cacheStatus() {
        return header("X-Cache-Status");
    }

    String text() {
        return body.toString(StandardCharsets.UTF_8);
    }

    int status() {
        return status;
    }

    FakeResponse clientGoneAfter(long bytes) {
        clientGoneAfter = bytes;
        return this;
    }

    Map<String, List<String>> headers() {
        return Collections.unmodifiableMap(headers);
    }
}
