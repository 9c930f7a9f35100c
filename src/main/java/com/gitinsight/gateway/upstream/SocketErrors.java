package com.gitinsight.gateway.upstream;

import java.io.IOException;

/**
 * An I/O failure in the words of nginx's socket errors, which Kong's messages carry: fixed words,
 * never the exception's own text (a parser's message can quote what the other end sent).
 */
public final class SocketErrors {

    private SocketErrors() {}

    public static String describe(IOException e) {
        if (e instanceof java.io.InterruptedIOException) {
            // A read or connect timeout, or a deadline's abort.
            return "timeout";
        }
        if (e instanceof java.net.NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof java.net.ConnectException) {
            return e.getMessage() != null && e.getMessage().contains("refused")
                    ? "connection refused"
                    : "connect failed";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "host not found";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "handshake failed";
        }
        return e.getMessage() != null && e.getMessage().contains("reset") ? "connection reset by peer" : "closed";
    }
}
