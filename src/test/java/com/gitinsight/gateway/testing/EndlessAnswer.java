package com.gitinsight.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A hostile endpoint: it reads each request's head and answers with the given status and a chunked
 * body that never ends (1 KB chunks as fast as the client takes them), on every connection; or,
 * made with {@link #headerLine}, with a header line that never ends.
 */
public final class EndlessAnswer implements AutoCloseable {

    private final LoopbackAcceptor acceptor;

    public EndlessAnswer(int status) throws IOException {
        this(status, false, false);
    }

    /** Answers 200 with a header whose value never ends. */
    public static EndlessAnswer headerLine() throws IOException {
        return new EndlessAnswer(200, true, false);
    }

    /** Answers 200 with a header whose value never ends, one byte every 100 ms (no read times out). */
    public static EndlessAnswer drip() throws IOException {
        return new EndlessAnswer(200, true, true);
    }

    private EndlessAnswer(int status, boolean endlessHeader, boolean drip) throws IOException {
        acceptor = new LoopbackAcceptor(s -> {
            Thread t = new Thread(() -> answer(s, status, endlessHeader, drip));
            t.setDaemon(true);
            t.start();
        });
    }

    public int port() {
        return acceptor.port();
    }

    private static void answer(Socket s, int status, boolean endlessHeader, boolean drip) {
        try (s) {
            InputStream in = s.getInputStream();
            int matched = 0;
            // The head ends at CRLF CRLF; a body sent with it is left unread.
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[1024];
            Arrays.fill(chunk, (byte) 'x');
            if (endlessHeader) {
                out.write(("HTTP/1.1 " + status + " X\r\nX-Endless: ").getBytes(StandardCharsets.US_ASCII));
                while (true) {
                    if (drip) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(100);
                    } else {
                        out.write(chunk);
                    }
                }
            }
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] size = "400\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] end = "\r\n".getBytes(StandardCharsets.US_ASCII);
            while (true) {
                out.write(size);
                out.write(chunk);
                out.write(end);
            }
        } catch (IOException gone) {
            // the client hung up: what the tests want
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        acceptor.close();
    }
}
