package com.gitinsight.gateway.cache;

import java.util.List;

/**
 * One stored response: what the backend sent (status, end-to-end headers, body) and when it stops
 * being fresh and stops being kept. Immutable; the body array is never handed out for writing.
 *
 * @param headers names and values alternating
 * @param path the request path it answers (the eviction index's key)
 * @param evictable covered by an eviction rule (trusted only while the event feed is connected)
 * @param varyNames the request headers the backend's {@code Vary} named (lower-case, sorted; empty: none)
 * @param varyDigest a digest of the fetching request's values of them (see {@link Variants})
 */
public record CachedResponse(
        int status,
        List<String> headers,
        byte[] body,
        long storedAt,
        long freshUntil,
        long keptUntil,
        String path,
        boolean evictable,
        List<String> varyNames,
        String varyDigest) {

    /** A response that varies on no request header. */
    public CachedResponse(
            int status,
            List<String> headers,
            byte[] body,
            long storedAt,
            long freshUntil,
            long keptUntil,
            String path,
            boolean evictable) {
        this(status, headers, body, storedAt, freshUntil, keptUntil, path, evictable, List.of(), "");
    }

    public boolean fresh(long now) {
        return now < freshUntil;
    }

    /** Seconds since it was stored, for {@code Age}. */
    public long ageSeconds(long now) {
        return Math.max(0, (now - storedAt) / 1000);
    }
}
