package com.gitinsight.gateway.upstream;

import java.net.Socket;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.HttpConnectionFactory;

/**
 * Bounds on the head of an answer (status line, headers, chunk lines, trailers) for every
 * HttpClient the gateway uses: HttpClient's own defaults have none, so a backend or endpoint that
 * sent an endless header line would fill the heap. nginx refuses an upstream head larger than its
 * buffer (4-8 KB) with 502; these bounds are looser, and passing them is also a 502 at the proxy
 * (the answer cannot be read).
 */
public final class HttpLimits {

    /** The longest line of an answer's head, and of a chunk header or trailer. */
    public static final int MAX_LINE = 16 * 1024;

    /** The most header (or trailer) lines in one answer. */
    public static final int MAX_HEADERS = 128;

    private HttpLimits() {}

    /**
     * Connections that read answers within the bounds above and are never reused with bytes no
     * request asked for ({@link GuardedConnection}).
     */
    public static HttpConnectionFactory<ManagedHttpClientConnection> connections() {
        Http1Config config = Http1Config.custom()
                .setMaxLineLength(MAX_LINE)
                .setMaxHeaderCount(MAX_HEADERS)
                .build();
        return (Socket socket) -> {
            GuardedConnection connection = new GuardedConnection(config);
            if (socket != null) {
                connection.bind(socket);
            }
            return connection;
        };
    }
}
