package com.gitinsight.gateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A GET over a raw socket, read as the bytes came: whether the body was complete (its
 * Content-Length reached, or the last chunk seen), cut (the connection closed first), or neither
 * (the connection stayed open: the read timed out). An HTTP client library would hide the
 * difference between the last two, or between a cut chunked body and a whole one. Public for the
 * proxy package's Grizzly test.
 */
public record RawResponse(int status, Map<String, String> headers, byte[] body, boolean complete, boolean timedOut) {

    public static RawResponse get(int port, String path, Duration timeout) throws IOException {
        return get(port, path, "", timeout);
    }

    /** {@code headerLines}: more header lines, each ended by CRLF (ones an HTTP client refuses to send). */
    public static RawResponse get(int port, String path, String headerLines, Duration timeout) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + headerLines + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** A GET whose request target is sent as these bytes (a raw non-ASCII path, which a client library escapes). */
    public static RawResponse getRaw(int port, byte[] target, Duration timeout) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write("GET ".getBytes(StandardCharsets.US_ASCII));
            out.write(target);
            out.write((" HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(s.getInputStream());
        }
    }

    private static RawResponse read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("no response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            boolean complete = "chunked"
                            .equals(headers.getOrDefault("Transfer-Encoding", "")
                                    .toLowerCase(Locale.ROOT))
                    ? chunks(in, body)
                    : copy(in, body, Long.parseLong(headers.getOrDefault("Content-Length", "-1")));
            return new RawResponse(status, headers, body.toByteArray(), complete, false);
        } catch (SocketTimeoutException e) {
            return new RawResponse(status, headers, body.toByteArray(), false, true);
        }
    }

    /** Whether the last chunk came before the connection closed. */
    private static boolean chunks(InputStream in, ByteArrayOutputStream body) throws IOException {
        for (String size = line(in); size != null; size = line(in)) {
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                return true;
            }
            if (!copy(in, body, n) || line(in) == null) {
                return false;
            }
        }
        return false;
    }

    /** Whether {@code length} bytes came ({@code -1}: until the connection closes, never "complete"). */
    private static boolean copy(InputStream in, ByteArrayOutputStream body, long length) throws IOException {
        long left = length;
        byte[] buffer = new byte[8192];
        while (length < 0 || left > 0) {
            int n = in.read(buffer, 0, (int) (length < 0 ? buffer.length : Math.min(buffer.length, left)));
            if (n == -1) {
                return false;
            }
            body.write(buffer, 0, n);
            left -= n;
        }
        return true;
    }

    /** A CRLF-terminated line, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return sb.toString().stripTrailing();
            }
            sb.append((char) b);
        }
        return null;
    }

    public String header(String name) {
        return headers.get(name);
    }
}
