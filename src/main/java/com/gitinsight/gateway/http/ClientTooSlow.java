package com.gitinsight.gateway.http;

import java.io.IOException;

/**
 * The client was cut off while the gateway waited for it: it sent its body or read its answer
 * too slowly, or sent nothing for the container's read timeout. nginx's 408 (Kong's {@code
 * Request timeout}), where an answer can still be given.
 */
public final class ClientTooSlow extends IOException {

    private static final long serialVersionUID = 1L;

    public ClientTooSlow(String message) {
        super(message);
    }

    /** The status for a client body that could not be read: 408 when it was too slow, else 400. */
    public static int status(IOException e) {
        return e instanceof ClientTooSlow || e.getCause() instanceof ClientTooSlow ? 408 : 400;
    }

    /** The message to that status. */
    public static String message(IOException e) {
        return status(e) == 408 ? ErrorResponses.CLIENT_TIMEOUT : ErrorResponses.CLIENT_BODY;
    }
}
