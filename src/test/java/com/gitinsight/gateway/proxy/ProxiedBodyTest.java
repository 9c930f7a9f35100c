package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.testing.EndlessAnswer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.junit.jupiter.api.Test;

class ProxiedBodyTest {

    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();

    /** An upstream body of {@code bytes} bytes, then {@code failure} (null: the end). */
    private ProxiedBody body(int bytes, IOException failure) {
        InputStream in = new InputStream() {
            private int left = bytes;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    if (failure != null) {
                        throw failure;
                    }
                    return -1;
                }
                int n = Math.min(len, Math.min(left, 700));
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        BasicClassicHttpResponse response = new BasicClassicHttpResponse(200);
        response.setEntity(new InputStreamEntity(in, failure == null ? bytes : 2000, ContentType.APPLICATION_JSON));
        return new ProxiedBody(response, () -> true, done::incrementAndGet, cut::incrementAndGet);
    }

    @Test
    void aClientGoneMidBodyLetsGoOfAnEndlessUpstreamAtOnce() throws Exception {
        ServiceSpec service =
                new ServiceSpec("s", "http", "127.0.0.1", 0, "/", 0, 2000, 2000, 2000, null, null, true, null);
        try (EndlessAnswer upstream = new EndlessAnswer(200);
                UpstreamClient client = new UpstreamClient(8, 8)) {
            HttpUriRequestBase request = new HttpUriRequestBase("GET", URI.create("/events"));
            ClassicHttpResponse response =
                    client.open(new HttpHost("http", "127.0.0.1", upstream.port()), request, service);
            ProxiedBody proxied = new ProxiedBody(response, request, done::incrementAndGet, cut::incrementAndGet);
            OutputStream goneAfter64k = new OutputStream() {
                private long written;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    written += len;
                    if (written > 64 * 1024) {
                        throw new IOException("Broken pipe"); // the client hung up
                    }
                }
            };
            assertThrows(
                    IOException.class,
                    () -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> proxied.write(goneAfter64k)));
            assertEquals(1, done.get());
            assertEquals(0, cut.get(), "the upstream did not fail: nothing to cut");
        }
    }

    @Test
    void aWholeBodyPassesAndNothingIsCut() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body(2000, null).write(out);
        assertArrayEquals("x".repeat(2000).getBytes(), out.toByteArray());
        assertEquals(0, cut.get());
        assertEquals(1, done.get());
    }

    @Test
    void anUpstreamFailureMidBodyCutsTheClientsResponseAndPropagates() {
        ConnectionClosedException premature = new ConnectionClosedException(
                "Premature end of Content-Length delimited message body (expected: 2,000; received: 1,000)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IOException thrown =
                assertThrows(IOException.class, () -> body(1000, premature).write(out));
        assertSame(premature, thrown);
        assertEquals(1000, out.size());
        assertEquals(1, cut.get(), "part of the body went out: the client's response is cut");
        assertEquals(1, done.get());
    }

    @Test
    void anUpstreamFailureBeforeAnyByteIsLeftToTheErrorMapper() {
        assertThrows(
                IOException.class,
                () -> body(0, new ConnectionClosedException("closed")).write(new ByteArrayOutputStream()));
        assertEquals(0, cut.get(), "nothing committed yet: it can still be a 502");
        assertEquals(1, done.get());
    }

    @Test
    void aClientThatWentAwayIsNotTheUpstreamsFailure() {
        java.io.OutputStream gone = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        assertThrows(IOException.class, () -> body(2000, null).write(gone));
        assertEquals(0, cut.get());
        assertEquals(1, done.get());
    }
}
