package com.gitinsight.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * The first bytes of a request body, looked at before it goes upstream: a body that starts as an
 * HTTP request line ({@code GET /admin HTTP/1.1}) is sent on a connection closed after the answer.
 * A backend that answers without reading a body (a bug nginx, and so Kong, does not guard against)
 * reads such a body as the next request on the connection, with headers of the client's making
 * (a forged {@code X-Consumer-ID}), and the gateway would hand its answer to the next user of the
 * pooled connection (attacker review 188). Closing costs a reconnect, only for bodies that look so.
 */
final class BodyStart {

    /** Enough for a method, a space and the leading blank lines servers skip before a request line. */
    static final int PEEK = 64;

    private BodyStart() {}

    /** The body to send (the peeked bytes put back) and whether it must go on a connection of its own. */
    record Peeked(InputStream body, boolean looksLikeARequest) {}

    static Peeked peek(InputStream body) throws IOException {
        PushbackInputStream back = new PushbackInputStream(body, PEEK);
        byte[] start = back.readNBytes(PEEK);
        back.unread(start);
        return new Peeked(back, looksLikeARequest(start, start.length, start.length == PEEK));
    }

    /**
     * Whether the bytes start, after any blank lines, with a token and a space (a request line's
     * method), or, when {@code more} may follow, are blank lines or one token as far as they go.
     */
    static boolean looksLikeARequest(byte[] bytes, int length, boolean more) {
        int i = 0;
        while (i < length && (bytes[i] == '\r' || bytes[i] == '\n')) {
            i++;
        }
        if (i == length) {
            return more;
        }
        int method = i;
        while (i < length && isTokenChar(bytes[i])) {
            i++;
        }
        if (i == method) {
            return false;
        }
        // A method followed by its space, or one that may go on past the peek.
        return i == length ? more : bytes[i] == ' ' || bytes[i] == '\t';
    }

    /** RFC 9110's tchar. */
    private static boolean isTokenChar(byte b) {
        return b >= 'a' && b <= 'z'
                || b >= 'A' && b <= 'Z'
                || b >= '0' && b <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }
}
