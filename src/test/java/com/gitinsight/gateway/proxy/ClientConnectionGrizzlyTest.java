package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.it.RawResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ClientConnection against a real Grizzly, the HTTP layer under Payara (the test classpath has
 * Grizzly 4 through Tyrus): a handler sends half a body, then does what the proxy does when its
 * backend fails (close the connection, or not) and what Jersey does next (close the stream). Pins
 * both why the cut is needed and that it works: without it the client gets a final chunk, or waits
 * on a keep-alive connection for bytes that never come.
 */
class ClientConnectionGrizzlyTest {

    private HttpServer server;
    private int port;

    /** Payara's RequestFacade and Catalina request around the Grizzly request, by method name. */
    public static final class Facade {
        private final Request grizzly;

        Facade(Request grizzly) {
            this.grizzly = grizzly;
        }

        public Catalina getUnwrappedCoyoteRequest() {
            return new Catalina(grizzly);
        }
    }

    public static final class Catalina {
        private final Request grizzly;

        Catalina(Request grizzly) {
            this.grizzly = grizzly;
        }

        public Request getCoyoteRequest() {
            return grizzly;
        }
    }

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        server = HttpServer.createSimpleServer(null, "127.0.0.1", port);
        server.getServerConfiguration()
                .addHttpHandler(
                        new HttpHandler() {
                            @Override
                            public void service(Request request, Response response) throws Exception {
                                response.setContentType("application/json");
                                if (request.getRequestURI().startsWith("/length")) {
                                    response.setContentLength(2000);
                                }
                                var out = response.getOutputStream();
                                out.write("1".repeat(1000).getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                                if (request.getRequestURI().endsWith("/cut")) {
                                    ClientConnection.close(new Facade(request)); // its effect is checked by the client
                                }
                                try {
                                    out.close(); // as Jersey, after logging the entity's exception
                                } catch (IOException closed) {
                                    // the connection is gone: nothing more can be sent, which is the point
                                }
                            }
                        },
                        "/");
        server.start();
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    @Test
    void aCutChunkedResponseEndsWithoutItsLastChunk() throws Exception {
        RawResponse whole = RawResponse.get(port, "/chunked", Duration.ofSeconds(5));
        assertTrue(
                whole.complete(), "without the cut, closing the stream sends the last chunk: the client sees it whole");
        RawResponse cut = RawResponse.get(port, "/chunked/cut", Duration.ofSeconds(5));
        assertEquals(200, cut.status());
        assertFalse(cut.timedOut());
        assertFalse(cut.complete(), "the connection closed before the last chunk");
        assertEquals(1000, cut.body().length);
    }

    @Test
    void aCutResponseShortOfItsLengthEndsWithTheConnection() throws Exception {
        RawResponse open = RawResponse.get(port, "/length", Duration.ofSeconds(1));
        assertTrue(open.timedOut(), "without the cut, the connection stays open, short of its length");
        RawResponse cut = RawResponse.get(port, "/length/cut", Duration.ofSeconds(5));
        assertFalse(cut.timedOut(), "the connection closed");
        assertFalse(cut.complete());
        assertEquals(1000, cut.body().length);
    }
}
