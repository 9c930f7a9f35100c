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

    /** Longer than any method a server takes (UPDATEREDIRECTREF, 17): a run of token characters that long is data. */
    static final int MAX_METHOD = 24;

    /**
     * Whether the bytes start, after any white space (servers skip blank lines, and lenient ones any
     * blank: Python's http.server splits the line on every kind), with a token and a white space (a
     * request line's method and its separator), or, when {@code more} may follow, are white space or
     * a short token as far as they go.
     */
    static boolean looksLikeARequest(byte[] bytes, int length, boolean more) {
        int i = 0;
        while (i < length && isBlank(bytes[i])) {
            i++;
        }
        if (i == length) {
            return more;
        }
        int method = i;
        while (i < length && isTokenChar(bytes[i])) {
            i++;
        }
        if (i == method || i - method > MAX_METHOD) {
            return false;
        }
        // A method followed by a blank on its line (a line of one word is no request), or one that
        // may go on past the peek.
        return i == length ? more : isBlank(bytes[i]) && bytes[i] != '\r' && bytes[i] != '\n';
    }

    /** White space as lenient parsers take it: SP, HTAB, LF, VT, FF, CR. */
    private static boolean isBlank(byte b) {
        return b == ' ' || b >= '\t' && b <= '\r';
    }

    /** RFC 9110's tchar. */
    private static boolean isTokenChar(byte b) {
        return b >= 'a' && b <= 'z'
                || b >= 'A' && b <= 'Z'
                || b >= '0' && b <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }
}
