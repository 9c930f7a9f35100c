package com.gitinsight.gateway.upstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The check a pooled connection gets before reuse after it sat idle. */
class GuardedConnectionTest {

    private ServerSocket server;
    private Socket backend;
    private ManagedHttpClientConnection connection;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        connection = HttpLimits.connections()
                .createConnection(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        backend = server.accept();
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
        backend.close();
        server.close();
    }

    @Test
    void aQuietConnectionIsNotStale() throws IOException {
        assertFalse(connection.isStale());
    }

    @Test
    void bytesNoRequestAskedForMakeAnIdleConnectionStale() throws IOException {
        // HttpClient's own check would read them as the next request's answer.
        backend.getOutputStream().write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1));
        backend.getOutputStream().flush();
        await().until(connection::isStale);
    }

    @Test
    void aConnectionTheBackendClosedIsStale() throws IOException {
        backend.close();
        await().until(connection::isStale);
    }

    @Test
    void aSwitchOfProtocolsIsAnInvalidAnswerNotAnInterimOne() throws Exception {
        connection.sendRequestHeader(new org.apache.hc.core5.http.message.BasicClassicHttpRequest("GET", "/"));
        connection.flush();
        backend.getOutputStream()
                .write("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
        backend.getOutputStream().flush();
        org.junit.jupiter.api.Assertions.assertEquals(
                103, connection.receiveResponseHeader().getCode());
        org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.hc.core5.http.ProtocolException.class, connection::receiveResponseHeader);
    }
}
