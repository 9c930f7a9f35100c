package com.gitinsight.gateway.runtime;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids as Kong makes them (32 hex digits), from the thread's own random generator: no
 * lock shared by requests (a SecureRandom would serialize them). Ids trace requests; they are not
 * secrets.
 */
public final class RequestIds {

    /**
     * The request attribute holding Kong's request id from the head of the chain on (an answer
     * given before the request has a {@link RequestContext} names it too).
     */
    public static final String ATTRIBUTE = "com.gitinsight.gateway.kong-request-id";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /**
     * The id a request's error body and access-log line name: its context's, else the one the head
     * of the chain made (an answer before the request has a context), else a fresh one.
     */
    public static String of(jakarta.servlet.ServletRequest request) {
        RequestContext context = RequestContext.of(request);
        if (context != null) {
            return context.requestId();
        }
        return request.getAttribute(ATTRIBUTE) instanceof String id ? id : next();
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[32];
        fill(out, 0, random.nextLong());
        fill(out, 16, random.nextLong());
        return new String(out);
    }

    private static void fill(char[] out, int at, long bits) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (bits & 15)];
            bits >>>= 4;
        }
    }
}
