package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The small behaviours behind Kong 3.9 fields: jwt's {@code realm}, cors' {@code private_network}. */
class KongFieldBehaviourTest {

    @Test
    void theJwtChallengeNamesTheRealmWhenOneIsSet() {
        assertEquals("Bearer", JwtFilter.challenge(null, null));
        assertEquals("Bearer error=\"invalid_token\"", JwtFilter.challenge(null, "invalid_token"));
        assertEquals("Bearer realm=\"shop\"", JwtFilter.challenge("shop", null));
        assertEquals(
                "Bearer realm=\"shop\" error=\"insufficient_scope\"",
                JwtFilter.challenge("shop", "insufficient_scope"));
        assertEquals("Bearer realm=\"a \\\"b\\\" \\\\c\"", JwtFilter.challenge("a \"b\" \\c", null), "a quoted-string");
    }

    @Test
    void aPrivateNetworkPreflightIsAllowedOnlyWhenConfiguredAndAsked() throws Exception {
        CorsSchema.Config off = config(false);
        CorsSchema.Config on = config(true);
        assertNull(preflight(off, true).get("access-control-allow-private-network"));
        assertNull(preflight(on, false).get("access-control-allow-private-network"));
        Map<String, String> allowed = preflight(on, true);
        assertEquals("true", allowed.get("access-control-allow-private-network"));
        assertEquals("https://app.example", allowed.get("access-control-allow-origin"));
    }

    private static CorsSchema.Config config(boolean privateNetwork) {
        return new CorsSchema.Config(
                false,
                "https://app.example",
                List.of(new CorsSchema.Origin("https://app.example", null, false)),
                "GET",
                null,
                null,
                false,
                null,
                false,
                privateNetwork,
                true);
    }

    /** The headers of the gateway's answer to a preflight from https://app.example. */
    private static Map<String, String> preflight(CorsSchema.Config config, boolean asksPrivateNetwork)
            throws Exception {
        Map<String, String> in = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        in.put("Origin", "https://app.example");
        in.put("Access-Control-Request-Method", "GET");
        if (asksPrivateNetwork) {
            in.put("Access-Control-Request-Private-Network", "true");
        }
        Map<String, Object> attributes = new HashMap<>();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> "OPTIONS";
                    case "getHeader" -> in.get((String) args[0]);
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                HttpServletResponse.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "setHeader", "addHeader" -> out.put((String) args[0], (String) args[1]);
                    case "getHeader" -> out.get((String) args[0]);
                    case "getHeaders" ->
                        out.containsKey((String) args[0])
                                ? java.util.List.of(out.get((String) args[0]))
                                : java.util.List.of();
                    case "isCommitted" -> false;
                    case "setStatus", "setContentLength" -> null;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        // The response phase's origin headers (CorsPhase), then the access phase's preflight answer.
        CorsFilter.originHeaders(config, request, response);
        new CorsFilter().apply(config, null, request, response, (req, res) -> {
            throw new AssertionError("a preflight is answered by the gateway");
        });
        Map<String, String> lower = new HashMap<>();
        out.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return lower;
    }
}
