package com.gitinsight.gateway.upstream;

import java.io.IOException;
import java.util.Iterator;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HeaderElement;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.message.MessageSupport;
import org.apache.hc.core5.util.TimeValue;

/**
 * The HTTP client of a sender that posts from its own thread (http-log's queue, the OTLP
 * exporter): HttpClient's minimal client, as the proxy's, over the sender's pool. No exec chain of
 * redirects, retries (the sender's queue retries), authentication, cookies, compression or route
 * planning: the full chain, with all of those off, still parsed and re-encoded the endpoint's path
 * per send for its authentication scope (a fifth of the OTLP exporter thread's CPU with every
 * request traced). The minimal client keeps an idle connection however long it idles, so the
 * sender says how long it may ({@link #closeIdle}), and an endpoint's {@code Keep-Alive: timeout}
 * shortens that, as the full client honoured it: a connection the endpoint has closed is not
 * reused (a send on it would fail and wait for its queue's retry). Used by one thread at a time.
 */
public final class SenderClient implements AutoCloseable {

    /** The most often the pool is walked for idle connections. */
    private static final long IDLE_CHECK_NANOS = 1_000_000_000L;

    private final PoolingHttpClientConnectionManager connections;
    private final CloseableHttpClient client;
    /** When idle connections were last looked for (the first send looks). */
    private long idleCheckedAt = System.nanoTime() - IDLE_CHECK_NANOS - 1;
    /** The idle time the last answer's {@code Keep-Alive} header allowed (ms; none: MAX_VALUE). */
    private long endpointKeepaliveMs = Long.MAX_VALUE;

    public SenderClient(PoolingHttpClientConnectionManager connections) {
        this.connections = connections;
        this.client = HttpClients.createMinimal(connections);
    }

    /**
     * Closes the connections idle longer than {@code keepaliveMs} (0: kept however long they idle,
     * as OpenResty's {@code setkeepalive(0)}): looked for at most once a second, or twice per
     * keepalive when that is shorter (each look walks the pool).
     */
    public void closeIdle(long keepaliveMs) {
        long idle = Math.min(keepaliveMs <= 0 ? Long.MAX_VALUE : keepaliveMs, endpointKeepaliveMs);
        if (idle == Long.MAX_VALUE) {
            return;
        }
        long now = System.nanoTime();
        if (now - idleCheckedAt > Math.min(IDLE_CHECK_NANOS, Math.min(idle, 2_000L) * 500_000L)) {
            idleCheckedAt = now;
            connections.closeIdle(TimeValue.ofMilliseconds(idle));
        }
    }

    /**
     * Sends {@code request} to the host its URI names (as HttpClient reads one: a name with
     * {@code _} included; the minimal client takes its target given) and returns the open answer:
     * close it quietly after reading what is needed ({@link SmallAnswers}).
     */
    public ClassicHttpResponse open(HttpUriRequestBase request) throws IOException {
        ClassicHttpResponse response;
        try {
            response = client.executeOpen(RoutingSupport.determineHost(request), request, null);
        } catch (HttpException e) {
            throw new ClientProtocolException(e);
        }
        endpointKeepaliveMs = endpointAllows(response);
        return response;
    }

    /**
     * The idle time {@code response}'s {@code Keep-Alive} header allows, in ms (none: MAX_VALUE):
     * its first {@code timeout} that is a number, in seconds, as HttpClient's keep-alive strategy
     * reads it for the connection that answered; one that is not positive is none. Each answer says it again: one endpoint behind a balancer does not speak for the
     * next. Kept shorter, by a tenth or at least half a second: the endpoint's clock starts when
     * it has written its answer, this one's once the answer was read.
     */
    static long endpointAllows(org.apache.hc.core5.http.HttpResponse response) {
        if (!response.containsHeader(HttpHeaders.KEEP_ALIVE)) {
            return Long.MAX_VALUE;
        }
        Iterator<HeaderElement> elements = MessageSupport.iterate(response, HttpHeaders.KEEP_ALIVE);
        while (elements.hasNext()) {
            HeaderElement e = elements.next();
            if ("timeout".equalsIgnoreCase(e.getName()) && e.getValue() != null) {
                long seconds;
                try {
                    seconds = Long.parseLong(e.getValue().strip());
                } catch (NumberFormatException notANumber) {
                    continue; // (HttpClient's strategy reads on)
                }
                if (seconds <= 0 || seconds >= MAX_KEEPALIVE_SECONDS) {
                    return Long.MAX_VALUE;
                }
                long ms = seconds * 1000;
                return ms - Math.max(ms / 10, 500);
            }
        }
        return Long.MAX_VALUE;
    }

    /** A longer timeout is as good as none. */
    private static final long MAX_KEEPALIVE_SECONDS = 86_400L * 365;

    @Override
    public void close() throws IOException {
        client.close();
    }
}
