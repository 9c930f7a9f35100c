package com.gitinsight.gateway.http;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One shared instance of each common header name. The container and the HTTP client hand out a
 * new string for every header of every message; swapped for the shared one while the message is
 * handled, a name is hashed once for the process instead of again by each later reader (a log
 * record's writer, on another thread, found every fresh name's hash and characters cold).
 * Exact spelling only: a name spelled otherwise is returned as it is.
 */
public final class HeaderNames {

    private static final String[] COMMON = {
        "Accept",
        "Accept-Charset",
        "Accept-Encoding",
        "Accept-Language",
        "Accept-Ranges",
        "Access-Control-Allow-Credentials",
        "Access-Control-Allow-Headers",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Origin",
        "Access-Control-Expose-Headers",
        "Access-Control-Max-Age",
        "Access-Control-Request-Headers",
        "Access-Control-Request-Method",
        "Age",
        "Allow",
        "Authorization",
        "Cache-Control",
        "Connection",
        "Content-Disposition",
        "Content-Encoding",
        "Content-Language",
        "Content-Length",
        "Content-Location",
        "Content-Range",
        "Content-Security-Policy",
        "Content-Type",
        "Cookie",
        "Date",
        "ETag",
        "Expect",
        "Expires",
        "Forwarded",
        "Host",
        "If-Match",
        "If-Modified-Since",
        "If-None-Match",
        "If-Range",
        "If-Unmodified-Since",
        "Keep-Alive",
        "Last-Modified",
        "Link",
        "Location",
        "Origin",
        "Pragma",
        "Proxy-Authorization",
        "Range",
        "Referer",
        "Referrer-Policy",
        "Retry-After",
        "Server",
        "Set-Cookie",
        "Strict-Transport-Security",
        "TE",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
        "User-Agent",
        "Vary",
        "Via",
        "WWW-Authenticate",
        "X-Content-Type-Options",
        "X-Correlation-ID",
        "X-Forwarded-For",
        "X-Forwarded-Host",
        "X-Forwarded-Port",
        "X-Forwarded-Prefix",
        "X-Forwarded-Proto",
        "X-Frame-Options",
        "X-Kong-Request-Id",
        "X-Real-IP",
        "X-Request-ID",
        "X-Requested-With",
        "X-XSS-Protection",
    };

    /** Each name as written above and lower-case (HTTP/2 and many clients send that), to itself. */
    private static final Map<String, String> SHARED = shared();

    private HeaderNames() {}

    private static Map<String, String> shared() {
        Map<String, String> map = new HashMap<>(4 * COMMON.length);
        for (String name : COMMON) {
            map.put(name, name);
            String lower = name.toLowerCase(Locale.ROOT);
            map.put(lower, lower);
        }
        return Map.copyOf(map);
    }

    /** The shared instance equal to {@code name}, or {@code name} itself (never null for a name). */
    public static String shared(String name) {
        String known = name == null ? null : SHARED.get(name);
        return known != null ? known : name;
    }
}
