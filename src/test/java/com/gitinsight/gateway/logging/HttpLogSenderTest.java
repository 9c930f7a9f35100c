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
        assertEquals(
                "timeout",
                com.gitinsight.gateway.upstream.SocketErrors.describe(new SocketTimeoutException("Read timed out")));
        assertEquals(
                "connection refused",
                com.gitinsight.gateway.upstream.SocketErrors.describe(new ConnectException("Connection refused")));
        assertEquals(
                "host not found",
                com.gitinsight.gateway.upstream.SocketErrors.describe(new UnknownHostException("logs.invalid")));
        assertEquals(
                "connection reset by peer",
                com.gitinsight.gateway.upstream.SocketErrors.describe(new IOException("Connection reset")));
        assertEquals("closed", com.gitinsight.gateway.upstream.SocketErrors.describe(new IOException("Broken pipe")));
    }
}
