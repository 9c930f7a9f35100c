package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.testing.FakeHttp;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the end of a request does with an upstream response whose body JAX-RS did or did not write. */
class ExchangeTest {

    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final Exchange exchange =
            new Exchange(FakeHttp.Request.get("/x").request, new FakeHttp.Response().response);

    @Test
    void aBodyNeverWrittenLetsGoOfTheUpstreamExchangeAtTheEnd() {
        exchange.releaseOnEnd(released::incrementAndGet);
        exchange.onUnwritten(abandoned::incrementAndGet);

        exchange.end();
        exchange.end();

        assertEquals(1, abandoned.get());
        assertEquals(1, released.get());
    }

    @Test
    void aWrittenBodyIsNotAbandonedAgain() {
        Runnable done = exchange.releaseOnEnd(released::incrementAndGet);
        exchange.onUnwritten(abandoned::incrementAndGet);

        done.run(); // ProxiedBody's end
        exchange.end();

        assertEquals(0, abandoned.get());
        assertEquals(1, released.get());
    }

    @Test
    void aKeptHeaderReplacesEveryOtherValueOfItAndOutlivesAReset() {
        FakeHttp.Response container = new FakeHttp.Response();
        Exchange kept = new Exchange(FakeHttp.Request.get("/x").request, container.response);
        container.response.setHeader("X-Kong-Request-Id", "gateway's");
        kept.keepHeader("X-Kong-Request-Id", "gateway's");
        jakarta.servlet.http.HttpServletResponse response = kept.response();

        response.addHeader("x-kong-request-id", "backend's");
        response.setHeader("X-KONG-REQUEST-ID", "plugin's");
        response.addHeader("Vary", "Origin");
        assertEquals(java.util.List.of("gateway's"), anySpelling(container, "X-Kong-Request-Id"));

        response.reset(); // a stale cached answer replaces a failed one
        assertEquals(java.util.List.of("gateway's"), anySpelling(container, "X-Kong-Request-Id"));
        assertEquals(java.util.List.of(), anySpelling(container, "Vary"));
    }

    private static java.util.List<String> anySpelling(FakeHttp.Response response, String name) {
        java.util.List<String> out = new java.util.ArrayList<>();
        response.headers().forEach((k, v) -> {
            if (k.equalsIgnoreCase(name)) {
                out.addAll(v);
            }
        });
        return out;
    }
}
