package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Headers the plugins own, applied just before the response is committed, whoever writes it. */
class ManagedHeadersTest {

    private final Map<String, Object> attributes = new HashMap<>();
    private final Map<String, String> sent = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private ManagedHeaders managed() {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getAttribute" -> attributes.get((String) a[0]);
                    case "setAttribute" -> attributes.put((String) a[0], a[1]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (p, m, a) -> switch (m.getName()) {
                    case "setHeader" -> {
                        if (a[1] == null) {
                            sent.remove((String) a[0]);
                        } else {
                            sent.put((String) a[0], (String) a[1]);
                        }
                        yield null;
                    }
                    // Another line of the same name: lines joined with '|' here.
                    case "addHeader" -> sent.merge((String) a[0], (String) a[1], (x, y) -> x + "|" + y);
                    case "getHeader" -> sent.get((String) a[0]);
                    case "getHeaders" ->
                        sent.containsKey((String) a[0])
                                ? java.util.List.of(sent.get((String) a[0]).split("\\|"))
                                : java.util.List.of();
                    case "isCommitted" -> false;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return ManagedHeaders.of(request, response);
    }

    @Test
    void aDefaultYieldsToTheBackendsOverrideReplacesItAppendAddsAToken() {
        ManagedHeaders h = managed();
        h.manage("X-Frame-Options", "DENY", ManagedHeaders.Mode.DEFAULT);
        h.manage("Access-Control-Allow-Origin", "https://a", ManagedHeaders.Mode.OVERRIDE);
        h.manage("Vary", "Origin", ManagedHeaders.Mode.APPEND);
        // The backend's headers, as the proxy copies them.
        h.setHeader("X-Frame-Options", "SAMEORIGIN");
        h.setHeader("Access-Control-Allow-Origin", "*");
        h.setHeader("Vary", "Accept");
        h.apply();
        assertEquals("SAMEORIGIN", sent.get("X-Frame-Options"), "the backend's own value is kept");
        assertEquals("https://a", sent.get("Access-Control-Allow-Origin"), "the plugin's replaces it");
        assertEquals("Accept|Origin", sent.get("Vary"), "a line of its own, as Kong's add_header");
    }

    @Test
    void oneWrapperPerRequestAndAppliedOnce() {
        ManagedHeaders first = managed();
        assertEquals(first, managed(), "filters share the request's wrapper");
        first.manage("X-Content-Type-Options", "nosniff", ManagedHeaders.Mode.DEFAULT);
        first.apply();
        sent.clear();
        first.apply();
        assertNull(sent.get("X-Content-Type-Options"), "applied once, before the commit");
    }
}
