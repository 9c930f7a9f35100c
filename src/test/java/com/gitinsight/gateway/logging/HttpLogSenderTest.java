package com.gitinsight.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class HttpLogSenderTest {

    // Kong's http-log spec "gracefully handles layer 4 failures" looks for nginx's words in its
    // "handler could not process entries: failed request to host:port: timeout" warning.
    @Test
    void aFailedRequestIsNamedInNginxsWords() {
        assertEquals("timeout", HttpLogSender.socketError(new SocketTimeoutException("Read timed out")));
        assertEquals("connection refused", HttpLogSender.socketError(new ConnectException("Connection refused")));
        assertEquals("host not found", HttpLogSender.socketError(new UnknownHostException("logs.invalid")));
        assertEquals("connection reset by peer", HttpLogSender.socketError(new IOException("Connection reset")));
        assertEquals("closed", HttpLogSender.socketError(new IOException("Broken pipe")));
    }
}
