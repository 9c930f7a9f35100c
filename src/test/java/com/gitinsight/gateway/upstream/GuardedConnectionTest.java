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

    // Helper review 268: a header value's chars are its bytes (a client's, the UTF-8 of a name), every
    // one of them: HttpCore alone wrote 0x80-0x9F as '?', so "р" (D1 80) and "с" (D1 81) were one.
    @Test
    void everyByteOfAHeaderValueGoesAsItCame() throws Exception {
        String bytes = "\u00d1\u0080\u00d1\u0081\u00c2\u0085\u00e2\u0080\u00a8\u00ff";
        var request = new org.apache.hc.core5.http.message.BasicClassicHttpRequest("GET", "/");
        request.addHeader("X-U", bytes);
        connection.sendRequestHeader(request);
        connection.flush();
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        java.io.InputStream in = backend.getInputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(in.read());
        }
        org.junit.jupiter.api.Assertions.assertTrue(
                head.toString(StandardCharsets.ISO_8859_1).contains("X-U: " + bytes + "\r\n"),
                head.toString(StandardCharsets.ISO_8859_1));
    }
}
