package com.gitinsight.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request's path as the client sent it, where the servlet stack would change or refuse it. Kong
 * keeps, routes on and sends upstream what Payara's Catalina takes out ({@code ;jsessionid=...},
 * URL session tracking, whatever the application's tracking modes) or refuses with an empty
 * {@code 400 Invalid URI} ({@code %5C} and a raw {@code \}: Kong decodes {@code %5C} and escapes
 * it again), and what JAX-RS cannot take in a URI ({@code {}} and the like, raw: Kong escapes
 * them for the upstream). {@code proxy.MalformedUriGuard}'s probe hides them from Catalina and
 * keeps the path as sent in {@link #ATTRIBUTE}, the characters a URI cannot hold raw escaped
 * (as the gateway sends them upstream anyway); this puts it back for the gateway and JAX-RS.
 */
public final class SentPath extends HttpServletRequestWrapper {

    /** Request attribute: the request target's path as sent, when the servlet stack would change it. */
    public static final String ATTRIBUTE = "com.gitinsight.gateway.sentPath";

    /**
     * Request attribute: the path byte for byte as the client wrote it, when {@link #ATTRIBUTE}
     * holds it escaped (raw braces or a backslash): what a client signs (Kong's {@code request_uri}).
     */
    public static final String RAW_ATTRIBUTE = "com.gitinsight.gateway.rawPath";

    /** The path as the client wrote it, byte for byte (hmac-auth's signing string). */
    public static String raw(jakarta.servlet.http.HttpServletRequest request) {
        return request.getAttribute(RAW_ATTRIBUTE) instanceof String raw ? raw : request.getRequestURI();
    }

    /** Catalina's session path parameter, as it searches for it. */
    private static final String SESSION_PARAMETER = ";jsessionid=";

    private final String path;

    private SentPath(HttpServletRequest request, String path) {
        super(request);
        this.path = path;
    }

    /** {@code request} with its path as sent, when the servlet stack would have changed it. */
    public static HttpServletRequest of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof String sent ? new SentPath(request, sent) : request;
    }

    /**
     * The path as the gateway reads it when Catalina or JAX-RS would change or refuse {@code raw}
     * (a request target's path as received), else null.
     */
    public static String readable(String raw) {
        if (!raw.contains(SESSION_PARAMETER) && !needsEscape(raw) && !hasEscapedBackslash(raw)) {
            return null;
        }
        StringBuilder out = new StringBuilder(raw.length() + 8);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (isUnsafeRaw(c)) {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * What Catalina is given instead of {@code readable}: the same path once the gateway's
     * normaliser has decoded it, with nothing Catalina strips or refuses ({@code %5C} as
     * {@code %255C}, which it decodes to a harmless {@code %5C}; the session parameter's {@code j}
     * escaped).
     */
    public static String hiddenFromContainer(String readable) {
        return readable.replace(SESSION_PARAMETER, ";%6Asessionid=")
                .replace("%5C", "%255C")
                .replace("%5c", "%255c");
    }

    private static boolean needsEscape(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            if (isUnsafeRaw(raw.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasEscapedBackslash(String raw) {
        return raw.contains("%5C") || raw.contains("%5c");
    }

    /** Printable ASCII a URI may not hold raw that Payara's listener lets through. */
    private static boolean isUnsafeRaw(char c) {
        return c == '\\' || c == '{' || c == '}';
    }

    @Override
    public String getRequestURI() {
        return path;
    }

    @Override
    public StringBuffer getRequestURL() {
        StringBuffer url = new StringBuffer();
        String scheme = getScheme();
        int port = getServerPort();
        url.append(scheme).append("://").append(getServerName());
        if (port > 0 && !("http".equals(scheme) && port == 80) && !("https".equals(scheme) && port == 443)) {
            url.append(':').append(port);
        }
        return url.append(path);
    }
}
