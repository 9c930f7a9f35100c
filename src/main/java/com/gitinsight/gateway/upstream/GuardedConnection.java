package com.gitinsight.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpMessageParser;
import org.apache.hc.core5.http.io.SessionInputBuffer;
import org.apache.hc.core5.util.Timeout;

/**
 * HttpClient's connection, checked before each reuse as nginx checks a kept upstream connection:
 * bytes a backend sent that no request asked for (a body after a 204, 304 or HEAD answer, bytes
 * past a body's {@code Content-Length} or last chunk, whether read already or still in the
 * socket) would be read as the next request's answer, another user's, so a connection with bytes
 * waiting is stale and closed, never reused. HttpClient's own check notices only a close; here that
 * blocking probe (1 ms) is left for connections idle 2 s or more, and every lease looks for waiting
 * bytes without blocking (the pools validate on every lease: {@code validateAfterInactivity} 0).
 * Bytes that arrive after the lease, while the next request is sent, are not seen (nginx has the
 * same window). Over TLS only decrypted bytes are seen. Otherwise it is HttpClient's managed
 * connection (which is final, hence this copy of its socket-timeout bookkeeping).
 */
final class GuardedConnection extends DefaultBHttpClientConnection implements ManagedHttpClientConnection {

    private static final Logger LOG = Logger.getLogger(GuardedConnection.class.getName());
    private static final Timeout CLOSE_PROBE = Timeout.ofMilliseconds(1);
    /** How long a connection sits in the pool before a lease also probes it for a close. */
    private static final long CLOSE_PROBE_AFTER_NANOS = 2_000_000_000L;

    /** What the response parser reads from: HttpClient keeps it from subclasses. */
    private final ReadBuffer read;
    /** The timeout exchanges run with; an idle connection in the pool has none. */
    private volatile Timeout socketTimeout;

    private volatile long idleSince = System.nanoTime();

    GuardedConnection(Http1Config config) {
        this(config, new ReadBuffer(new DefaultHttpResponseParserFactory(config).create(config)));
    }

    private GuardedConnection(Http1Config config, ReadBuffer read) {
        super(config, null, headerBytes(), null, null, null, ignored -> read);
        this.read = read;
    }

    /**
     * Header strings hold one char per byte (a client's bytes, the UTF-8 of a consumer's name):
     * each goes out as that byte. Without an encoder HttpCore writes 0x80-0x9F as '?' (its
     * ByteArrayBuffer keeps only visible Latin-1), so "р" (D1 80) and "с" (D1 81) both went as
     * D1 3F: two users one to the backend (helper review 268). A char past 0xFF (none is made
     * here) is '?', as before.
     */
    private static java.nio.charset.CharsetEncoder headerBytes() {
        return java.nio.charset.StandardCharsets.ISO_8859_1
                .newEncoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
    }

    /** The response parser, which is handed the connection's read buffer at each answer. */
    private static final class ReadBuffer implements HttpMessageParser<ClassicHttpResponse> {

        private final HttpMessageParser<ClassicHttpResponse> parser;
        private volatile SessionInputBuffer buffer;

        ReadBuffer(HttpMessageParser<ClassicHttpResponse> parser) {
            this.parser = parser;
        }

        @Override
        public ClassicHttpResponse parse(SessionInputBuffer from, InputStream in) throws IOException, HttpException {
            buffer = from;
            ClassicHttpResponse response = parser.parse(from, in);
            if (response != null && response.getCode() == HttpStatus.SC_SWITCHING_PROTOCOLS) {
                // WebSockets are relayed elsewhere: a 101 here (a lenient backend completing a
                // client's Upgrade the relay did not take) would be read as an interim answer, the
                // new protocol's bytes then as HTTP, the thread held until the read timeout and a
                // timeout counted against the target (attacker review 188). An invalid answer: 502
                // once, the connection closed, nothing counted.
                throw new ProtocolException("The backend switched protocols on a request that is not relayed");
            }
            return response;
        }

        boolean holdsBytes() {
            SessionInputBuffer b = buffer;
            return b != null && b.length() > 0;
        }
    }

    @Override
    public void bind(Socket socket) throws IOException {
        super.bind(socket);
        socketTimeout = Timeout.ofMilliseconds(socket.getSoTimeout());
    }

    @Override
    public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
        super.bind(sslSocket, socket);
        socketTimeout = Timeout.ofMilliseconds(sslSocket.getSoTimeout());
    }

    @Override
    public Socket getSocket() {
        SocketHolder holder = getSocketHolder();
        return holder == null ? null : holder.getSocket();
    }

    @Override
    public SSLSession getSSLSession() {
        return getSocket() instanceof SSLSocket ssl ? ssl.getSession() : null;
    }

    @Override
    public void setSocketTimeout(Timeout timeout) {
        super.setSocketTimeout(timeout);
        socketTimeout = timeout;
    }

    @Override
    public void passivate() {
        super.setSocketTimeout(Timeout.ZERO_MILLISECONDS);
        idleSince = System.nanoTime();
    }

    @Override
    public void activate() {
        super.setSocketTimeout(socketTimeout);
    }

    @Override
    public boolean isStale() throws IOException {
        if (!isOpen()) {
            return true;
        }
        if (bytesWaiting()) {
            LOG.log(Level.WARNING, "{0} sent bytes no request asked for: the connection is closed", getRemoteAddress());
            return true;
        }
        if (System.nanoTime() - idleSince < CLOSE_PROBE_AFTER_NANOS) {
            return false;
        }
        try {
            // True for bytes that came in the meantime, false for a close: stale either way.
            awaitInput(CLOSE_PROBE);
            return true;
        } catch (SocketTimeoutException quiet) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** Whether bytes wait in the read buffer or the socket, found without blocking. */
    private boolean bytesWaiting() throws IOException {
        if (read.holdsBytes()) {
            return true;
        }
        SocketHolder holder = getSocketHolder();
        try {
            return holder != null && holder.getInputStream().available() > 0;
        } catch (SocketException closed) {
            return true;
        }
    }
}
