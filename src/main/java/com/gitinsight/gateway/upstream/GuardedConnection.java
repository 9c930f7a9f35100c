package com.gitinsight.gateway.upstream;

import java.io.FilterInputStream;
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
import org.apache.hc.core5.http.ContentLengthStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.SessionInputBuffer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * HttpClient's connection, with the checks nginx makes before it keeps an upstream connection
 * alive: bytes a backend sent that no request asked for would be read as the next request's
 * answer (another user's, on a pooled connection), so the connection is closed instead of pooled
 * when
 * <ul>
 *   <li>a 204 or 304 announces a body ({@code Content-Length} or {@code Transfer-Encoding}):
 *       HttpClient reads none of it;
 *   <li>bytes follow the end of a body in what was read (nginx: "upstream sent more data than
 *       specified in Content-Length header");
 *   <li>an idle connection, checked before reuse after {@code validateAfterInactivity}, has bytes
 *       waiting (HttpClient's own check notices only a close).
 * </ul>
 * Otherwise it is HttpClient's managed connection (which is final, hence this copy of its small
 * socket-timeout bookkeeping).
 */
final class GuardedConnection extends DefaultBHttpClientConnection implements ManagedHttpClientConnection {

    private static final Logger LOG = Logger.getLogger(GuardedConnection.class.getName());
    private static final Timeout STALE_CHECK = Timeout.ofMilliseconds(1);

    /** The timeout exchanges run with; an idle connection in the pool has none. */
    private volatile Timeout socketTimeout;

    GuardedConnection(Http1Config config) {
        super(config, null, null, null, null, null, new DefaultHttpResponseParserFactory(config));
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
    }

    @Override
    public void activate() {
        super.setSocketTimeout(socketTimeout);
    }

    @Override
    public ClassicHttpResponse receiveResponseHeader() throws HttpException, IOException {
        ClassicHttpResponse response = super.receiveResponseHeader();
        int code = response.getCode();
        if ((code == 204 || code == 304) && announcesBody(response)) {
            LOG.log(Level.WARNING, "{0} answered {1} with a body: the connection is closed", new Object[] {
                getRemoteAddress(), code
            });
            close(CloseMode.GRACEFUL);
        }
        return response;
    }

    private static boolean announcesBody(ClassicHttpResponse response) {
        if (response.containsHeader("Transfer-Encoding")) {
            return true;
        }
        Header length = response.getFirstHeader("Content-Length");
        return length != null && !"0".equals(length.getValue().trim());
    }

    @Override
    protected InputStream createContentInputStream(long length, SessionInputBuffer buffer, InputStream in) {
        InputStream body = super.createContentInputStream(length, buffer, in);
        // A body read to the connection's close leaves nothing to reuse.
        return length >= 0 || length == ContentLengthStrategy.CHUNKED ? new CheckedEnd(body, buffer) : body;
    }

    @Override
    public boolean isStale() throws IOException {
        if (!isOpen()) {
            return true;
        }
        try {
            // True for bytes nobody asked for, false for a close: stale either way.
            awaitInput(STALE_CHECK);
            return true;
        } catch (SocketTimeoutException quiet) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** A body that, once at its end, looks at what was read past it. */
    private final class CheckedEnd extends FilterInputStream {

        private final SessionInputBuffer buffer;
        private boolean checked;

        CheckedEnd(InputStream body, SessionInputBuffer buffer) {
            super(body);
            this.buffer = buffer;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                atEnd();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                atEnd();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            // The body's close reads what is left of it.
            in.close();
            atEnd();
        }

        private void atEnd() {
            if (checked) {
                return;
            }
            checked = true;
            if (buffer.length() > 0) {
                LOG.log(
                        Level.WARNING,
                        "{0} sent more data than its answer's framing said: the connection is closed",
                        getRemoteAddress());
                GuardedConnection.this.close(CloseMode.GRACEFUL);
            }
        }
    }
}
