package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.runtime.RequestContext;
import com.google.common.hash.Hashing;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * The request body's part of the cache key: its SHA-256 as the backend gets it. Kong's key has no
 * body, so two POSTs to a cached route with different bodies (two logins, two searches) would
 * share one entry and one user would get the answer to another's request; here they are two
 * entries. A body over {@link #MAX_BYTES} cannot be keyed and bypasses the cache. What was read
 * goes on to the backend as it came (after an earlier plugin's change, which is what is keyed).
 */
final class KeyedBody {

    /** The largest body read to key a request; a larger one bypasses the cache. */
    static final int MAX_BYTES = 64 << 10;

    private KeyedBody() {}

    /**
     * The body's digest in hex, "" for no body, or null: too large to key (it goes on unread past
     * what was read).
     *
     * @throws IOException when the body could not be read, or ended before its declared length (a
     *     shorter body never goes on as if it were whole)
     */
    static String digest(HttpServletRequest request, RequestContext context) throws IOException {
        InputStream handed = context.upstreamBody();
        long length = handed != null ? context.upstreamBodyLength() : request.getContentLengthLong();
        boolean chunked = handed != null ? length < 0 : com.gitinsight.gateway.http.BodyFraming.unknownLength(request);
        if (length == 0 || length < 0 && !chunked) {
            return "";
        }
        if (length > MAX_BYTES) {
            return null;
        }
        InputStream in = handed != null ? handed : request.getInputStream();
        byte[] read = in.readNBytes(MAX_BYTES + 1);
        if (length > 0 && read.length < length) {
            throw new IOException("the body ended after " + read.length + " of " + length + " bytes");
        }
        if (read.length > MAX_BYTES) {
            context.upstreamBody(new SequenceInputStream(new ByteArrayInputStream(read), in), length);
            return null;
        }
        context.upstreamBody(new ByteArrayInputStream(read), read.length);
        return read.length == 0 ? "" : Hashing.sha256().hashBytes(read).toString();
    }
}
